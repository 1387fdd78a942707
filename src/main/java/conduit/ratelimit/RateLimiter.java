package conduit.ratelimit;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;

import conduit.common.Failure;
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
 * Login attempts are limited per account and per client address (token buckets, Bucket4j). In
 * Redis the buckets are shared by every instance, so spreading attempts over instances gains an
 * attacker nothing; in embedded mode they live in memory.
 */
public final class LoginLimiter {
    /** Attempts allowed per window, for one account and for one client address. */
    public record Limits(int perAccount, int perAddress, Duration window) {
        public static final Limits DEFAULT = new Limits(10, 30, Duration.ofMinutes(1));
    }

    /** Bound on the buckets one process keeps (~200 bytes each). */
    static final int MAX_LOCAL_BUCKETS = 100_000;
    private final Function<String, Bucket> buckets;
    /** Redis's breaker (null in process): the limiter must not wait on a Redis that is down. */
    private final TierBreaker breaker;
    private final BucketConfiguration perAccount;
    private final BucketConfiguration perAddress;

    private LoginLimiter(Limits limits, Function<String, Bucket> buckets, TierBreaker breaker) {
        this.buckets = buckets;
        this.breaker = breaker;
        this.perAccount = config(limits.perAccount(), limits.window());
        this.perAddress = config(limits.perAddress(), limits.window());
    }

    /** Buckets in Redis, shared by every instance. */
    public static LoginLimiter redis(UnifiedJedis redis, TierBreaker breaker, Limits limits) {
        var proxies = JedisBasedProxyManager.builderFor(redis)
                .withKeyMapper(Mapper.STRING)
                .withExpirationStrategy(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(limits.window()))
                .build();
        LoginLimiter[] self = new LoginLimiter[1];
        self[0] = new LoginLimiter(limits, key -> proxies.builder().build(key,
                () -> key.startsWith("conduit:rl:acct:") ? self[0].perAccount : self[0].perAddress), breaker);
        return self[0];
    }

    /** Buckets in this process (embedded mode), bounded in number. */
    public static LoginLimiter local(Limits limits) {
        LocalBuckets buckets = new LocalBuckets(MAX_LOCAL_BUCKETS);
        LoginLimiter[] self = new LoginLimiter[1];
        self[0] = new LoginLimiter(limits, key -> buckets.get(key,
                (key.startsWith("conduit:rl:acct:") ? self[0].perAccount : self[0].perAddress).getBandwidths()[0]), null);
        return self[0];
    }

    /** Takes one attempt for the account and the address, or throws 429 with how long to wait. */
    public void check(String account, String address) {
        Runnable both = () -> {
            take("conduit:rl:acct:" + account.strip().toLowerCase(Locale.ROOT));
            take("conduit:rl:addr:" + address);
        };
        if (breaker == null) {
            both.run();
            return;
        }
        try {
            breaker.call(() -> {
                both.run();
                return null;
            });
        } catch (JedisException | TierBreaker.Unavailable e) {
            throw Failure.unavailable("rate limiter", e);
        }
    }

    private void take(String key) {
        ConsumptionProbe probe = buckets.apply(key).tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            long seconds = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
            throw Failure.rateLimited(seconds);
        }
    }

    private static BucketConfiguration config(int attempts, Duration window) {
        return BucketConfiguration.builder()
                .addLimit(Bandwidth.builder().capacity(attempts).refillGreedy(attempts, window).build())
                .build();
    }
}
