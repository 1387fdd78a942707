package conduit.ratelimit;

import java.time.Duration;

/**
 * How much each kind of request may be repeated ({@code SIGNUP_LIMIT_*}, {@code LOGIN_LIMIT_*},
 * {@code WRITE_LIMIT_*}, {@code UPLOAD_QUOTA_*}, {@code RESET_LIMIT_*}, {@code LINK_LIMIT_*},
 * {@code VERIFICATION_LIMIT_*}). Every limit is a token bucket of {@code count}
 * refilled evenly over {@code window}: a burst of {@code count}, then one per
 * {@code window / count}.
 *
 * @param signupPerAddress sign-ups from one client address (each costs an argon2id hash)
 * @param loginPerAccount  login attempts on one account, from anywhere
 * @param loginPerAddress  login attempts from one client address, on any accounts
 * @param writesPerUser    article, comment and upload writes by one user
 * @param uploadsPerUser   uploads granted to one user (the daily file quota)
 * @param uploadKibPerUser kibibytes of uploads granted to one user (the daily byte quota)
 * @param resetsPerAddress password-reset requests from one client address, for any accounts
 * @param resetsPerAccount reset mails to one account (beyond it requests are answered alike and mail nothing)
 * @param linksPerAddress  uses of mailed links (reset, verify, revert) from one client address
 * @param verificationsPerUser verification mails one signed-in user may ask for again
 */
public record RateLimits(Rate signupPerAddress, Rate loginPerAccount, Rate loginPerAddress, Rate writesPerUser,
                         Rate uploadsPerUser, Rate uploadKibPerUser, Rate resetsPerAddress, Rate resetsPerAccount,
                         Rate linksPerAddress, Rate verificationsPerUser) {
    /** {@code count} per {@code window}. */
    public record Rate(long count, Duration window) {
        public Rate {
            if (count < 1 || window == null || window.isNegative() || window.isZero()) {
                throw new IllegalArgumentException("a rate needs count >= 1 and a positive window");
            }
        }

        public static Rate perMinute(long count) {
            return new Rate(count, Duration.ofMinutes(1));
        }

        public static Rate perDay(long count) {
            return new Rate(count, Duration.ofDays(1));
        }
    }

    public static final RateLimits DEFAULT = new RateLimits(
            new Rate(20, Duration.ofHours(1)),
            Rate.perMinute(10),
            Rate.perMinute(30),
            Rate.perMinute(30),
            Rate.perDay(50),
            Rate.perDay(100L * 1024),
            new Rate(10, Duration.ofHours(1)),
            new Rate(3, Duration.ofHours(1)),
            new Rate(60, Duration.ofHours(1)),
            new Rate(3, Duration.ofHours(1)));

    public RateLimits {
        java.util.Objects.requireNonNull(signupPerAddress, "signupPerAddress");
        java.util.Objects.requireNonNull(loginPerAccount, "loginPerAccount");
        java.util.Objects.requireNonNull(loginPerAddress, "loginPerAddress");
        java.util.Objects.requireNonNull(writesPerUser, "writesPerUser");
        java.util.Objects.requireNonNull(uploadsPerUser, "uploadsPerUser");
        java.util.Objects.requireNonNull(uploadKibPerUser, "uploadKibPerUser");
        java.util.Objects.requireNonNull(resetsPerAddress, "resetsPerAddress");
        java.util.Objects.requireNonNull(resetsPerAccount, "resetsPerAccount");
        java.util.Objects.requireNonNull(linksPerAddress, "linksPerAddress");
        java.util.Objects.requireNonNull(verificationsPerUser, "verificationsPerUser");
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    public static Builder builder() {
        return new Builder(DEFAULT);
    }

    /** Named setters over the defaults. */
    public static final class Builder {
        private Rate signupPerAddress;
        private Rate loginPerAccount;
        private Rate loginPerAddress;
        private Rate writesPerUser;
        private Rate uploadsPerUser;
        private Rate uploadKibPerUser;
        private Rate resetsPerAddress;
        private Rate resetsPerAccount;
        private Rate linksPerAddress;
        private Rate verificationsPerUser;

        private Builder(RateLimits from) {
            signupPerAddress = from.signupPerAddress;
            loginPerAccount = from.loginPerAccount;
            loginPerAddress = from.loginPerAddress;
            writesPerUser = from.writesPerUser;
            uploadsPerUser = from.uploadsPerUser;
            uploadKibPerUser = from.uploadKibPerUser;
            resetsPerAddress = from.resetsPerAddress;
            resetsPerAccount = from.resetsPerAccount;
            linksPerAddress = from.linksPerAddress;
            verificationsPerUser = from.verificationsPerUser;
        }

        public Builder signupPerAddress(Rate value) {
            signupPerAddress = value;
            return this;
        }

        public Builder loginPerAccount(Rate value) {
            loginPerAccount = value;
            return this;
        }

        public Builder loginPerAddress(Rate value) {
            loginPerAddress = value;
            return this;
        }

        public Builder writesPerUser(Rate value) {
            writesPerUser = value;
            return this;
        }

        public Builder uploadsPerUser(Rate value) {
            uploadsPerUser = value;
            return this;
        }

        public Builder uploadKibPerUser(Rate value) {
            uploadKibPerUser = value;
            return this;
        }

        public Builder resetsPerAddress(Rate value) {
            resetsPerAddress = value;
            return this;
        }

        public Builder resetsPerAccount(Rate value) {
            resetsPerAccount = value;
            return this;
        }

        public Builder linksPerAddress(Rate value) {
            linksPerAddress = value;
            return this;
        }

        public Builder verificationsPerUser(Rate value) {
            verificationsPerUser = value;
            return this;
        }

        public RateLimits build() {
            return new RateLimits(signupPerAddress, loginPerAccount, loginPerAddress, writesPerUser, uploadsPerUser,
                    uploadKibPerUser, resetsPerAddress, resetsPerAccount, linksPerAddress, verificationsPerUser);
        }
    }
}
