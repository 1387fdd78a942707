package conduit.redis;

import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;

import conduit.cache.ViewCache;
import conduit.crypto.BlindIndex;
import conduit.idempotency.IdempotencyRecords;
import conduit.ratelimit.RateLimiter;
import conduit.ratelimit.RateLimits;
import conduit.secrets.SecretValue;
import conduit.session.MeteredSessionStore;
import conduit.session.SessionPolicy;
import conduit.session.SessionStore;
import conduit.session.Sessions;
import conduit.ops.TierBreaker;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The state that makes instances interchangeable: sessions, the query cache and rate limits. In Redis when configured (shared by every instance), else in this process.
 */
public final class CacheTier implements AutoCloseable {
    /**
     * The in-process cache's share of the heap (the production heap is 96 MB; the live set ~25 MB);
     * also the bound of the copies of Redis's views kept in each instance.
     */
    private static final long LOCAL_CACHE_BYTES = 8L * 1024 * 1024;
    /**
     * How far behind Redis a copy of a view kept in an instance may be when it is served (see
     * {@code cache/NearCache}): a write acknowledged this long before a read on any instance shows in it.
     */
    public static final long NEAR_CACHE_BOUND_MILLIS = 250;
    private final UnifiedJedis redis;
    private final TierBreaker breaker;
    private final SessionStore sessions;
    private final ViewCache cache;
    private final RateLimiter limiter;

    private CacheTier(UnifiedJedis redis, TierBreaker breaker, SessionStore sessions, ViewCache cache, RateLimiter limiter) {
        this.redis = redis;
        this.breaker = breaker;
        this.sessions = new MeteredSessionStore(sessions);
        this.cache = cache;
        this.limiter = limiter;
    }

    /**
     * @param rotatingToken Redis's AUTH token from a secret, or null for the settings' own
     * @param readYourWrites true while the current request must see its session's own writes: then
     *                       cached views come from Redis itself, never from a copy in this process
     */
    public static CacheTier start(RedisSettings settings, SecretValue rotatingToken, SessionPolicy policy, Duration cacheTtl,
                                  RateLimits limits, ViewCache.FreshLoader fresh, BooleanSupplier readYourWrites) {
        boolean caching = !cacheTtl.isZero();
        if (settings == null) {
            return new CacheTier(null, null, Sessions.inMemory(policy, System::currentTimeMillis),
                    caching ? ViewCache.local(LOCAL_CACHE_BYTES, cacheTtl.toMillis(), fresh) : ViewCache.disabled(),
                    RateLimiter.local(limits));
        }
        // No connection is made here: the app starts while Redis is down and recovers when it returns.
        UnifiedJedis redis = RedisConnector.connect(settings, rotatingToken);
        // One breaker for every use of Redis: sessions, cache and limits fail fast together.
        // A call slower than half the client timeout counts as failing (Redis answers in < 1 ms).
        TierBreaker breaker = new TierBreaker("redis", CacheTier::redisDown, settings.timeout().dividedBy(2));
        ViewCache cache;
        if (!caching) {
            cache = ViewCache.disabled();
        } else if (!settings.cluster()) {
            cache = ViewCache.redis(redis, RedisConnector.endpoint(settings, rotatingToken), breaker, cacheTtl.toMillis(), fresh,
                    new ViewCache.Near(LOCAL_CACHE_BYTES, NEAR_CACHE_BOUND_MILLIS, readYourWrites));
        } else {
            // A Redis Cluster delivers a publish to a subscriber on another node over the cluster
            // bus, with no order against a PING there: the bound could not be vouched for.
            cache = ViewCache.redis(redis, breaker, cacheTtl.toMillis(), fresh);
        }
        return new CacheTier(redis, breaker, Sessions.redis(redis, breaker, settings.timeout(), policy, System::currentTimeMillis),
                cache, RateLimiter.redis(redis, breaker, limits));
    }

    /** Redis itself is in trouble (unreachable, timing out, failing over), not a bad command. */
    private static boolean redisDown(Throwable e) {
        return e instanceof JedisException && !(e instanceof JedisDataException);
    }

    /** Idempotency records where the sessions are: Redis, or this process (16 MB at most). */
    public IdempotencyRecords idempotency(BlindIndex keys) {
        return redis == null ? IdempotencyRecords.inMemory(16L * 1024 * 1024, System::currentTimeMillis, keys)
                : IdempotencyRecords.redis(redis, breaker, keys);
    }

    /** Redis's circuit breaker; null when the state is in this process. */
    public TierBreaker breaker() {
        return breaker;
    }

    public SessionStore sessions() {
        return sessions;
    }

    public ViewCache cache() {
        return cache;
    }

    public RateLimiter limiter() {
        return limiter;
    }

    /** Pings Redis; throws when it does not answer within the client's timeout. */
    public Map<String, Object> status() {
        if (redis == null) {
            return Map.of("mode", "in-process");
        }
        String answer = redis.ping();
        if (!"PONG".equals(answer)) {
            throw new IllegalStateException("PING answered " + answer);
        }
        return Map.of("mode", redis instanceof redis.clients.jedis.RedisClusterClient ? "cluster" : "standalone");
    }

    @Override
    public void close() {
        cache.close();
        if (redis != null) {
            redis.close();
        }
    }
}
