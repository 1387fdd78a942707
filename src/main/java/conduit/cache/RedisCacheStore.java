package conduit.cache;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import java.util.function.Supplier;

import conduit.ops.TierBreaker;
import conduit.redis.RedisCalls;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/**
 * Cached views in Redis, shared by every instance. A look-up is one round trip: {@code MGET} of
 * the generations and bump times of "everything" and of the entry's stripe, and the entry
 * itself. Every key is in one hash slot, so this works on a Redis Cluster too.
 */
final class RedisCacheStore implements CacheStore {
    private static final String SLOT = "{conduit:cache}";
    /** v2: JSON views with two-part stamps (v1 held decoded objects under one generation). */
    private static final String ENTRY = SLOT + ":v2:e:";
    /**
     * Per stripe: the bump time first, then the generation (see {@link CacheStore#bump}); then,
     * in the same script (so no bump is ever seen without its message following), the new
     * generations are published for every instance's {@link NearCache}: {@code at;stripe:gen,...}.
     * ARGV: the time, the channel, then the stripes' numbers.
     */
    private static final String BUMP = """
            local generations = {}
            local parts = {}
            for i = 1, #KEYS, 2 do
              redis.call('SET', KEYS[i], ARGV[1])
              local g = redis.call('INCR', KEYS[i + 1])
              generations[#generations + 1] = g
              parts[#parts + 1] = ARGV[(i + 1) / 2 + 2] .. ':' .. g
            end
            redis.call('PUBLISH', ARGV[2], ARGV[1] .. ';' .. table.concat(parts, ','))
            return generations""";

    private final UnifiedJedis redis;
    private final TierBreaker breaker;

    RedisCacheStore(UnifiedJedis redis, TierBreaker breaker) {
        this.redis = redis;
        this.breaker = breaker;
    }

    @Override
    public Lookup lookup(String key, int stripe) {
        List<byte[]> v = call(() -> redis.mget(bytes(generation(ALL)), bytes(bumped(ALL)), bytes(generation(stripe)),
                bytes(bumped(stripe)), bytes(ENTRY + key)));
        try {
            return new Lookup(number(v.get(0)), number(v.get(2)), number(v.get(1)), number(v.get(3)), v.get(4));
        } catch (NumberFormatException e) {
            throw new Unavailable(e);
        }
    }

    @Override
    public void store(String key, byte[] entry, long ttlMillis) {
        call(() -> redis.set(bytes(ENTRY + key), entry, SetParams.setParams().px(ttlMillis)));
    }

    @Override
    public long[] bump(int[] stripes, long at) {
        List<String> keys = new ArrayList<>(stripes.length * 2);
        List<String> args = new ArrayList<>(stripes.length + 2);
        args.add(Long.toString(at));
        args.add(NearCache.CHANNEL);
        for (int stripe : stripes) {
            keys.add(bumped(stripe));
            keys.add(generation(stripe));
            args.add(Integer.toString(stripe));
        }
        Object answer = call(() -> redis.eval(BUMP, keys, args));
        if (!(answer instanceof List<?> generations) || generations.size() != stripes.length) {
            throw new Unavailable(new IllegalStateException("the bump script answered " + answer));
        }
        long[] now = new long[stripes.length];
        for (int i = 0; i < now.length; i++) {
            now[i] = ((Number) generations.get(i)).longValue();
        }
        return now;
    }

    private <T> T call(Supplier<T> command) {
        return RedisCalls.call(breaker, command, Unavailable::new);
    }

    private static String generation(int stripe) {
        return SLOT + ":gen:" + (stripe == ALL ? "all" : Integer.toString(stripe));
    }

    private static String bumped(int stripe) {
        return SLOT + ":bumped:" + (stripe == ALL ? "all" : Integer.toString(stripe));
    }

    private static long number(byte[] value) {
        return value == null ? 0 : Long.parseLong(new String(value, StandardCharsets.US_ASCII));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
