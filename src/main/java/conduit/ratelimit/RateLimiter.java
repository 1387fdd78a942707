package conduit.ratelimit;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.function.BiFunction;

import conduit.common.Failure;
import conduit.ops.Audit;
import conduit.ops.TierBreaker;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.serialization.Mapper;
import io.github.bucket4j.redis.jedis.cas.JedisBasedProxyManager;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Every rate limit and quota (token buckets, Bucket4j): sign-ups per client address, login
 * attempts per account and per address, writes per user, the daily upload quota per user
 * (files and bytes), password-reset requests per address and reset mails per account, uses of
 * mailed links per address, and verification mails per user. In Redis the buckets are shared by every instance, so spreading requests
 * over instances gains nothing; in embedded mode they live in memory, bounded in number.
 * A refusal is a 429 with {@code Retry-After} and an audit line naming the limit.
 *
 * <p>Subjects are never stored in the clear: accounts arrive as their blind index, addresses as
 * text (IPv6 clients by their /64, which one subscriber usually holds whole), users as ids.
 */
public final class RateLimiter {
    /** One kind of limit: its Redis key prefix, the error field a refusal names, and its rate. */
    private enum Kind {
        SIGNUP_ADDRESS("signup-addr", "signup"),
        LOGIN_ACCOUNT("login-acct", "login"),
        LOGIN_ADDRESS("login-addr", "login"),
        WRITES_USER("writes-user", "writes"),
        UPLOADS_USER("uploads-user", "uploads"),
        UPLOAD_KIB_USER("upload-kib-user", "uploads"),
        RESET_ADDRESS("reset-addr", "passwordReset"),
        RESET_ACCOUNT("reset-acct", "passwordReset"),
        LINK_ADDRESS("link-addr", "token"),
        VERIFY_USER("verify-user", "verification");

        private final String key;
        private final String field;

        Kind(String key, String field) {
            this.key = key;
            this.field = field;
        }

        RateLimits.Rate rate(RateLimits limits) {
            return switch (this) {
                case SIGNUP_ADDRESS -> limits.signupPerAddress();
                case LOGIN_ACCOUNT -> limits.loginPerAccount();
                case LOGIN_ADDRESS -> limits.loginPerAddress();
                case WRITES_USER -> limits.writesPerUser();
                case UPLOADS_USER -> limits.uploadsPerUser();
                case UPLOAD_KIB_USER -> limits.uploadKibPerUser();
                case RESET_ADDRESS -> limits.resetsPerAddress();
                case RESET_ACCOUNT -> limits.resetsPerAccount();
                case LINK_ADDRESS -> limits.linksPerAddress();
                case VERIFY_USER -> limits.verificationsPerUser();
            };
        }
    }

    private static final String PREFIX = "conduit:rl:v2:";
    /** Bound on the buckets one process keeps (~200 bytes each). */
    static final int MAX_LOCAL_BUCKETS = 100_000;

    private final BiFunction<String, BucketConfiguration, Bucket> buckets;
    /** Redis's breaker (null in process): the limiter must not wait on a Redis that is down. */
    private final TierBreaker breaker;
    private final BucketConfiguration[] configs = new BucketConfiguration[Kind.values().length];
    /**
     * Key prefixes per kind, naming the rate ({@code signup-addr:20/3600:}): a bucket stored in Redis
     * keeps the configuration it was made with, so a changed limit must use buckets of its own to
     * take effect at once rather than when the old buckets expire.
     */
    private final String[] prefixes = new String[Kind.values().length];

    private RateLimiter(RateLimits limits, BiFunction<String, BucketConfiguration, Bucket> buckets, TierBreaker breaker) {
        this.buckets = buckets;
        this.breaker = breaker;
        for (Kind kind : Kind.values()) {
            RateLimits.Rate rate = kind.rate(limits);
            configs[kind.ordinal()] = BucketConfiguration.builder()
                    .addLimit(Bandwidth.builder().capacity(rate.count()).refillGreedy(rate.count(), rate.window()).build())
                    .build();
            prefixes[kind.ordinal()] = PREFIX + kind.key + ":" + rate.count() + "/" + rate.window().toSeconds() + ":";
        }
    }

    /** Buckets in Redis, shared by every instance; each key expires once its bucket would be full again. */
    public static RateLimiter redis(UnifiedJedis redis, TierBreaker breaker, RateLimits limits) {
        var proxies = JedisBasedProxyManager.builderFor(redis)
                .withKeyMapper(Mapper.STRING)
                .withExpirationStrategy(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                        java.time.Duration.ofSeconds(1)))
                .build();
        return new RateLimiter(limits, (key, config) -> proxies.builder().build(key, () -> config), breaker);
    }

    /** Buckets in this process (embedded mode), bounded in number. */
    public static RateLimiter local(RateLimits limits) {
        LocalBuckets buckets = new LocalBuckets(MAX_LOCAL_BUCKETS);
        return new RateLimiter(limits, (key, config) -> buckets.get(key, config.getBandwidths()[0]), null);
    }

    /** One sign-up from this address, or 429. */
    public void signup(InetAddress address) {
        guarded(() -> take(Kind.SIGNUP_ADDRESS, addressKey(address), 1));
    }

    /** One login attempt (or re-authentication) on the account (its blind index) from the address, or 429. */
    public void login(String accountIndex, InetAddress address) {
        guarded(() -> {
            take(Kind.LOGIN_ACCOUNT, accountIndex, 1);
            take(Kind.LOGIN_ADDRESS, addressKey(address), 1);
        });
    }

    /** One write (article, comment, upload) by the user, or 429. */
    public void write(long userId) {
        guarded(() -> take(Kind.WRITES_USER, Long.toString(userId), 1));
    }

    /** One upload of {@code bytes} against the user's daily quota of files and bytes, or 429. */
    public void upload(long userId, long bytes) {
        long kib = Math.max(1, (bytes + 1023) / 1024);
        guarded(() -> {
            take(Kind.UPLOAD_KIB_USER, Long.toString(userId), kib);
            take(Kind.UPLOADS_USER, Long.toString(userId), 1);
        });
    }

    /** One password-reset request from this address, or 429. */
    public void passwordReset(InetAddress address) {
        guarded(() -> take(Kind.RESET_ADDRESS, addressKey(address), 1));
    }

    /**
     * Whether the account (its blind index) may be sent one more reset mail. Never a 429: the
     * answer must not differ between accounts that exist and those that do not, so the caller
     * mails nothing instead.
     */
    public boolean resetMail(String accountIndex) {
        boolean[] allowed = new boolean[1];
        guarded(() -> allowed[0] = tryTake(Kind.RESET_ACCOUNT, accountIndex, 1).isConsumed());
        return allowed[0];
    }

    /** One use of a mailed link (reset, verify, revert) from this address, or 429. */
    public void link(InetAddress address) {
        guarded(() -> take(Kind.LINK_ADDRESS, addressKey(address), 1));
    }

    /** One more verification mail for the user, or 429. */
    public void verification(long userId) {
        guarded(() -> take(Kind.VERIFY_USER, Long.toString(userId), 1));
    }

    /**
     * The key of a client address: IPv4 as it is, IPv6 by its /64 (one subscriber, one home or
     * one cloud instance usually holds a whole /64, so per-address limits would otherwise be per
     * address of a 2^64 pool).
     */
    static String addressKey(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length == 4) {
            return address.getHostAddress();
        }
        return HexFormat.of().formatHex(Arrays.copyOf(bytes, 8)) + "::/64";
    }

    private void guarded(Runnable takes) {
        if (breaker == null) {
            takes.run();
            return;
        }
        try {
            breaker.call(() -> {
                takes.run();
                return null;
            });
        } catch (JedisException | TierBreaker.Unavailable e) {
            // The limit cannot be checked: refusing is safer than letting attempts through unlimited.
            throw Failure.unavailable("rate limiter", e);
        }
    }

    private void take(Kind kind, String subject, long tokens) {
        ConsumptionProbe probe = tryTake(kind, subject, tokens);
        if (!probe.isConsumed()) {
            throw Failure.rateLimited(kind.field, retryAfterSeconds(probe));
        }
    }

    /** Takes the tokens if the bucket has them; a refusal is audited either way. */
    private ConsumptionProbe tryTake(Kind kind, String subject, long tokens) {
        ConsumptionProbe probe = buckets.apply(prefixes[kind.ordinal()] + subject, configs[kind.ordinal()])
                .tryConsumeAndReturnRemaining(tokens);
        if (!probe.isConsumed()) {
            Audit.denied("rate_limited", 0, "limit", kind.key, "retryAfterSeconds", retryAfterSeconds(probe));
        }
        return probe;
    }

    private static long retryAfterSeconds(ConsumptionProbe probe) {
        return Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
    }
}
