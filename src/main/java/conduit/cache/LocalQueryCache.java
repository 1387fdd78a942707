package conduit.cache;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Supplier;

import conduit.web.Json;

/** The query cache in this process's memory, when there is no Redis (one instance). */
public final class LocalQueryCache implements QueryCache {
    private record Entry(long allGeneration, long scopeGeneration, byte[] json, long expiresAt) {
    }

    /** Index {@link Scopes#STRIPES} is the generation of "everything". */
    private static final int ALL = Scopes.STRIPES;

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLongArray generations = new AtomicLongArray(Scopes.STRIPES + 1);
    private final AtomicLongArray bumpedAt = new AtomicLongArray(Scopes.STRIPES + 1);
    private final AtomicLong storedBytes = new AtomicLong();
    private final long ttlMillis;
    private final long maxBytes;
    private final FreshLoader fresh;
    private final CacheMetrics metrics = new CacheMetrics();

    /**
     * @param maxBytes bound on the JSON held (when passed, everything is dropped: the hot keys refill at once)
     * @param fresh    runs fills so they see every write before the last bump (a lagging replica must not be cached)
     */
    public LocalQueryCache(long ttlMillis, long maxBytes, FreshLoader fresh) {
        this.ttlMillis = ttlMillis;
        this.maxBytes = maxBytes;
        this.fresh = fresh;
    }

    @Override
    public byte[] json(String key, String scope, Supplier<?> view) {
        int stripe = Scopes.stripe(scope);
        // Read before loading: a write in between makes what is loaded stale, and it is stamped so.
        long all = generations.get(ALL);
        long gen = generations.get(stripe);
        long now = System.currentTimeMillis();
        Entry entry = entries.get(key);
        if (entry != null && entry.allGeneration() == all && entry.scopeGeneration() == gen && entry.expiresAt() > now) {
            metrics.hits.increment();
            return entry.json();
        }
        metrics.misses.increment();
        byte[] json = Json.write(fresh.load(Math.max(bumpedAt.get(ALL), bumpedAt.get(stripe)), view));
        if (json.length <= MAX_ENTRY_BYTES) {
            store(key, new Entry(all, gen, json, now + ttlMillis));
        }
        return json;
    }

    private void store(String key, Entry entry) {
        Entry previous = entries.put(key, entry);
        long total = storedBytes.addAndGet(entry.json().length - (previous == null ? 0 : previous.json().length));
        if (total > maxBytes) {
            entries.clear();
            storedBytes.set(0);
        }
    }

    @Override
    public void invalidate(String... scopes) {
        for (String scope : scopes) {
            bump(Scopes.stripe(scope));
        }
    }

    @Override
    public void invalidateAll() {
        bump(ALL);
    }

    private void bump(int index) {
        bumpedAt.set(index, System.currentTimeMillis());
        generations.incrementAndGet(index);
    }
}
