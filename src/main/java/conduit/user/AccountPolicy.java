package conduit.user;

import java.time.Duration;

/**
 * Account rules that deployments may tune.
 *
 * @param sudo              {@code SUDO_MINUTES} (default 10): a session signed in this recently may change the
 *                          password or email without {@code currentPassword}
 * @param passwordListCheck {@code PASSWORD_LIST_CHECK} (default on): refuse passwords found in the list of
 *                          common and breached passwords; off only for third-party test suites
 */
public record AccountPolicy(Duration sudo, boolean passwordListCheck) {
    public static final AccountPolicy DEFAULT = new AccountPolicy(Duration.ofMinutes(10), true);

    public AccountPolicy {
        if (sudo == null || sudo.isNegative()) {
            throw new IllegalArgumentException("SUDO_MINUTES must be >= 0");
        }
    }

    public AccountPolicy withSudo(Duration value) {
        return new AccountPolicy(value, passwordListCheck);
    }

    public AccountPolicy withPasswordListCheck(boolean value) {
        return new AccountPolicy(sudo, value);
    }
}
