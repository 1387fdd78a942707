package conduit.cache;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/**
 * The query cache in Redis, shared by every instance. One round trip per read: {@code MGET} of
 * the generation, the time of its last bump and the entry (one hash slot, so it works on a
 * cluster too). An entry counts only if it carries the current generation.
 *
 * <p>Filling after a bump must not cache what a lagging replica still shows, so the loader is
 * run through {@code freshLoad}, which reads from the writer until the reader has caught up
 * with the bump.
 *
 * <p>When Redis fails, reads bypass the cache for a few seconds (no timeout paid per request)
 * and public pages keep working from the database.
 */
public final class RedisQueryCache implements QueryCache {
    private static final Logger LOG = System.getLogger(RedisQueryCache.class.getName());
    private static final String SLOT = "{conduit:cache}";
    private static final String GEN = SLOT + ":gen";
    private static final String BUMPED = SLOT + ":bumped";
    private static final String ENTRY = SLOT + ":e:";
    private static final long BYPASS_MILLIS = 5000;

    /** Runs a loader so that it sees every write committed before the given time. */
    public interface FreshLoader {
        <T> T load(long since, Supplier<T> loader);
    }

    private final UnifiedJedis redis;
    private final long ttlMillis;
    private final FreshLoader fresh;
    private final ObjectMapper json = new ObjectMapper();
    private final CacheMetrics metrics = new CacheMetrics();
    private volatile long bypassUntil;

    public RedisQueryCache(UnifiedJedis redis, long ttlMillis, FreshLoader fresh) {
        this.redis = redis;
        this.ttlMillis = ttlMillis;
        this.fresh = fresh;
    }

    @Override
    public <T> T get(String key, Class<T> type, Supplier<T> loader) {
        if (System.currentTimeMillis() < bypassUntil) {
            return loader.get();
        }
        List<String> values;
        try {
            values = redis.mget(GEN, BUMPED, ENTRY + key);
        } catch (JedisException e) {
            return failed(e, loader);
        }
        String gen = values.get(0) == null ? "0" : values.get(0);
        long bumped = values.get(1) == null ? 0 : Long.parseLong(values.get(1));
        String entry = values.get(2);
        if (entry != null && entry.startsWith(gen + "\n")) {
            T value = decode(entry.substring(gen.length() + 1), type);
            if (value != null) {
                metrics.hits.increment();
                return value;
            }
        }
        metrics.misses.increment();
        T value = fresh.load(bumped, loader);
        try {
            redis.set(ENTRY + key, gen + "\n" + json.writeValueAsString(value), SetParams.setParams().px(ttlMillis));
        } catch (JedisException e) {
            failed(e, () -> value);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot cache " + key, e);
        }
        return value;
    }

    @Override
    public void invalidateAll() {
        try {
            // Time first, then the generation: a reader that sees the new generation also sees
            // a bump time at least this recent.
            redis.set(BUMPED, Long.toString(System.currentTimeMillis()));
            redis.incr(GEN);
        } catch (JedisException e) {
            // Entries keep their old generation until the TTL ends them: bounded staleness.
            failed(e, () -> null);
        }
    }

    private <T> T decode(String text, Class<T> type) {
        try {
            return json.readValue(text, type);
        } catch (IOException e) {
            return null; // an entry from another app version: treat as a miss
        }
    }

    private <T> T failed(JedisException e, Supplier<T> loader) {
        metrics.errors.increment();
        bypassUntil = System.currentTimeMillis() + BYPASS_MILLIS;
        LOG.log(Level.WARNING, "Redis cache unavailable, bypassing it for " + BYPASS_MILLIS + " ms: " + e.getMessage());
        return loader.get();
    }

}
