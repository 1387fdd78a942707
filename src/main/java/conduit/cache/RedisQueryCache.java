package conduit.cache;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

import conduit.web.Json;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/**
 * The query cache in Redis, shared by every instance. One round trip per read: {@code MGET} of
 * the generations and bump times of "everything" and of the entry's scope stripe, and the entry
 * itself (all in one hash slot, so it works on a cluster too). An entry is the stamp of the two
 * generations it was loaded under, a newline, and the JSON; it counts only while both are current.
 *
 * <p>Filling after a bump must not cache what a lagging replica still shows, so the view is
 * loaded through {@code fresh}, which reads from the writer until the reader has caught up
 * with the later of the two bumps.
 *
 * <p>When Redis fails, reads bypass the cache for a few seconds (no timeout paid per request)
 * and public pages keep working from the database.
 */
public final class RedisQueryCache implements QueryCache {
    private static final Logger LOG = System.getLogger(RedisQueryCache.class.getName());
    private static final String SLOT = "{conduit:cache}";
    private static final String ALL = "all";
    /** v2: JSON views with two-part stamps (v1 held decoded objects under one generation). */
    private static final String ENTRY = SLOT + ":v2:e:";
    private static final long BYPASS_MILLIS = 5000;
    /** Per scope: the bump time first, then the generation, so a reader that sees the new generation also sees a recent enough time. */
    private static final String BUMP = """
            for i = 1, #KEYS, 2 do
              redis.call('SET', KEYS[i], ARGV[1])
              redis.call('INCR', KEYS[i + 1])
            end
            return #KEYS""";

    private final UnifiedJedis redis;
    private final long ttlMillis;
    private final FreshLoader fresh;
    private final CacheMetrics metrics = new CacheMetrics();
    private volatile long bypassUntil;

    public RedisQueryCache(UnifiedJedis redis, long ttlMillis, FreshLoader fresh) {
        this.redis = redis;
        this.ttlMillis = ttlMillis;
        this.fresh = fresh;
    }

    @Override
    public byte[] json(String key, String scope, Supplier<?> view) {
        if (System.currentTimeMillis() < bypassUntil) {
            return Json.write(view.get());
        }
        String stripe = Integer.toString(Scopes.stripe(scope));
        byte[] entryKey = bytes(ENTRY + key);
        List<byte[]> values;
        try {
            values = redis.mget(bytes(generation(ALL)), bytes(bumped(ALL)), bytes(generation(stripe)), bytes(bumped(stripe)),
                    entryKey);
        } catch (JedisException e) {
            return failed(e, view);
        }
        byte[] stamp = bytes(number(values.get(0)) + "." + number(values.get(2)) + "\n");
        byte[] entry = values.get(4);
        if (entry != null && entry.length >= stamp.length && Arrays.equals(entry, 0, stamp.length, stamp, 0, stamp.length)) {
            metrics.hits.increment();
            return Arrays.copyOfRange(entry, stamp.length, entry.length);
        }
        metrics.misses.increment();
        long since = Math.max(number(values.get(1)), number(values.get(3)));
        byte[] json = Json.write(fresh.load(since, view));
        if (json.length <= MAX_ENTRY_BYTES) {
            byte[] stored = Arrays.copyOf(stamp, stamp.length + json.length);
            System.arraycopy(json, 0, stored, stamp.length, json.length);
            try {
                redis.set(entryKey, stored, SetParams.setParams().px(ttlMillis));
            } catch (JedisException e) {
                failed(e, () -> null);
            }
        }
        return json;
    }

    @Override
    public void invalidate(String... scopes) {
        List<String> keys = new ArrayList<>(scopes.length * 2);
        for (String scope : scopes) {
            String stripe = Integer.toString(Scopes.stripe(scope));
            keys.add(bumped(stripe));
            keys.add(generation(stripe));
        }
        bump(keys);
    }

    @Override
    public void invalidateAll() {
        bump(List.of(bumped(ALL), generation(ALL)));
    }

    private void bump(List<String> keys) {
        try {
            redis.eval(BUMP, keys, List.of(Long.toString(System.currentTimeMillis())));
        } catch (JedisException e) {
            // Entries keep their old stamps until the TTL ends them: bounded staleness.
            failed(e, () -> null);
        }
    }

    private static String generation(String stripe) {
        return SLOT + ":gen:" + stripe;
    }

    private static String bumped(String stripe) {
        return SLOT + ":bumped:" + stripe;
    }

    private static long number(byte[] value) {
        return value == null ? 0 : Long.parseLong(new String(value, StandardCharsets.US_ASCII));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private byte[] failed(JedisException e, Supplier<?> view) {
        metrics.errors.increment();
        bypassUntil = System.currentTimeMillis() + BYPASS_MILLIS;
        LOG.log(Level.WARNING, "Redis cache unavailable, bypassing it for " + BYPASS_MILLIS + " ms: " + e.getMessage());
        Object value = view.get();
        return value == null ? null : Json.write(value);
    }
}
