package conduit.cache;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/** Cached views in this process's memory, for a single instance without Redis. Bounded in bytes. */
final class LocalCacheStore implements CacheStore {
    private record Entry(byte[] bytes, long expiresAt) {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLongArray generations = new AtomicLongArray(Scopes.STRIPES + 1);
    private final AtomicLongArray bumpedAt = new AtomicLongArray(Scopes.STRIPES + 1);
    private final AtomicLong storedBytes = new AtomicLong();
    private final long maxBytes;

    /** @param maxBytes bound on the bytes held: when passed, everything is dropped (the hot keys refill at once) */
    LocalCacheStore(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public Lookup lookup(String key, int stripe) {
        Entry entry = entries.get(key);
        byte[] bytes = entry == null || entry.expiresAt() <= System.currentTimeMillis() ? null : entry.bytes();
        return new Lookup(generations.get(ALL), generations.get(stripe), bumpedAt.get(ALL), bumpedAt.get(stripe), bytes);
    }

    @Override
    public void store(String key, byte[] entry, long ttlMillis) {
        Entry previous = entries.put(key, new Entry(entry, System.currentTimeMillis() + ttlMillis));
        long total = storedBytes.addAndGet(entry.length - (previous == null ? 0 : previous.bytes().length));
        if (total > maxBytes) {
            entries.clear();
            storedBytes.set(0);
        }
    }

    @Override
    public long[] bump(int[] stripes, long at) {
        long[] now = new long[stripes.length];
        for (int i = 0; i < stripes.length; i++) {
            bumpedAt.set(stripes[i], at);
            now[i] = generations.incrementAndGet(stripes[i]);
        }
        return now;
    }
}
