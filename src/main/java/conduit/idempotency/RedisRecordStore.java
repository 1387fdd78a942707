package conduit.idempotency;

import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

import conduit.ops.TierBreaker;
import conduit.redis.RedisCalls;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/** Idempotency records in Redis, behind Redis's circuit breaker; one key per record. */
final class RedisRecordStore implements RecordStore {
    private static final String PREFIX = "conduit:idem:";

    private final UnifiedJedis redis;
    private final TierBreaker breaker;

    RedisRecordStore(UnifiedJedis redis, TierBreaker breaker) {
        this.redis = redis;
        this.breaker = breaker;
    }

    @Override
    public boolean putIfAbsent(String id, byte[] value, long ttlMillis) {
        return "OK".equals(call(() -> redis.set(key(id), value, SetParams.setParams().nx().px(ttlMillis))));
    }

    @Override
    public byte[] get(String id) {
        return call(() -> redis.get(key(id)));
    }

    @Override
    public void put(String id, byte[] value, long ttlMillis) {
        call(() -> redis.set(key(id), value, SetParams.setParams().px(ttlMillis)));
    }

    @Override
    public void delete(String id) {
        call(() -> redis.del(key(id)));
    }

    private static byte[] key(String id) {
        return (PREFIX + id).getBytes(StandardCharsets.US_ASCII);
    }

    private <T> T call(Supplier<T> command) {
        return RedisCalls.call(breaker, command, Unavailable::new);
    }
}
