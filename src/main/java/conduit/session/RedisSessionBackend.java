package conduit.session;

import java.time.Duration;
import java.util.Set;

import conduit.ops.TierBreaker;
import conduit.redis.RedisCalls;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/**
 * Session records in Redis, shared by every instance: one string per session under the token's
 * hash (never the token), sliding with {@code GETEX ... PX} in one round trip (shared by the look-ups
 * of concurrent requests: {@link PipelinedLookups}), and a set per user.
 * One key per command, since a user's sessions live in different cluster slots.
 */
final class RedisSessionBackend implements SessionBackend {
    private static final String SESSION = "conduit:session:";
    private static final String USER = "conduit:user-sessions:";

    private final UnifiedJedis redis;
    private final TierBreaker breaker;
    private final PipelinedLookups lookups;

    RedisSessionBackend(UnifiedJedis redis, TierBreaker breaker, Duration timeout) {
        this.redis = redis;
        this.breaker = breaker;
        this.lookups = new PipelinedLookups(redis, timeout);
    }

    /** The Redis key a session is stored under (for tests and operators: no token in it). */
    static String key(String hash) {
        return SESSION + hash;
    }

    @Override
    public void put(String hash, String record, long expiresAt) {
        call(() -> redis.set(key(hash), record, SetParams.setParams().pxAt(expiresAt)));
    }

    @Override
    public String getAndTouch(String hash, long idleMillis) {
        return call(() -> lookups.getEx(key(hash), idleMillis));
    }

    @Override
    public String get(String hash) {
        return call(() -> redis.get(key(hash)));
    }

    @Override
    public long expiresAt(String hash) {
        // PEXPIRETIME (Redis 7.0): -2 without the key, -1 without an expiry (never written so).
        long at = call(() -> redis.pexpireTime(key(hash)));
        return at < 0 ? -1 : at;
    }

    @Override
    public void expireAt(String hash, long at) {
        call(() -> redis.pexpireAt(key(hash), at));
    }

    @Override
    public void replace(String hash, String record) {
        call(() -> redis.set(key(hash), record, SetParams.setParams().xx().keepTtl()));
    }

    @Override
    public void delete(String hash) {
        call(() -> redis.del(key(hash)));
    }

    @Override
    public void index(long userId, String hash, long expiresAt) {
        call(() -> {
            redis.sadd(USER + userId, hash);
            // The newest session lives longest: the index outlives every session in it.
            return redis.pexpireAt(USER + userId, expiresAt);
        });
    }

    @Override
    public Set<String> indexed(long userId) {
        return call(() -> redis.smembers(USER + userId));
    }

    @Override
    public void unindex(long userId, String hash) {
        call(() -> redis.srem(USER + userId, hash));
    }

    private <T> T call(java.util.function.Supplier<T> command) {
        return RedisCalls.call(breaker, command, Unavailable::new);
    }
}
