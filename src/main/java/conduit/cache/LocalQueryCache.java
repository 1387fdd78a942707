package conduit.cache;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/** The query cache in this process's memory, when there is no Redis (one instance). */
public final class LocalQueryCache implements QueryCache {
    private record Entry(long generation, Object value, long expiresAt) {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();
    private volatile long bumpedAt;
    private final long ttlMillis;
    private final int maxEntries;
    private final RedisQueryCache.FreshLoader fresh;
    private final CacheMetrics metrics = new CacheMetrics();

    /** @param fresh runs fills so they see every write before the last bump (a lagging replica must not be cached) */
    public LocalQueryCache(long ttlMillis, int maxEntries, RedisQueryCache.FreshLoader fresh) {
        this.ttlMillis = ttlMillis;
        this.maxEntries = maxEntries;
        this.fresh = fresh;
    }

    @Override
    public <T> T get(String key, Class<T> type, Supplier<T> loader) {
        long gen = generation.get();
        long now = System.currentTimeMillis();
        Entry entry = entries.get(key);
        if (entry != null && entry.generation() == gen && entry.expiresAt() > now) {
            metrics.hits.increment();
            return type.cast(entry.value());
        }
        metrics.misses.increment();
        T value = fresh.load(bumpedAt, loader);
        if (entries.size() >= maxEntries) {
            entries.clear(); // crude but bounded; the hot keys refill at once
        }
        // Stamped with the generation read before loading: a write in between makes it stale.
        entries.put(key, new Entry(gen, value, now + ttlMillis));
        return value;
    }

    @Override
    public void invalidateAll() {
        bumpedAt = System.currentTimeMillis();
        generation.incrementAndGet();
    }
}
