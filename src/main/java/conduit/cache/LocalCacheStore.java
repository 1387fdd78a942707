package conduit.cache;

import java.util.concurrent.atomic.AtomicLongArray;

/** Cached views in this process's memory, for a single instance without Redis. Bounded in bytes. */
final class LocalCacheStore implements CacheStore {
    private final SizedEntries<byte[]> entries;
    private final AtomicLongArray generations = new AtomicLongArray(Scopes.STRIPES + 1);
    private final AtomicLongArray bumpedAt = new AtomicLongArray(Scopes.STRIPES + 1);

    /** @param maxBytes bound on the bytes held: when passed, everything is dropped (the hot keys refill at once) */
    LocalCacheStore(long maxBytes) {
        this.entries = new SizedEntries<>(maxBytes);
    }

    @Override
    public Lookup lookup(String key, int stripe) {
        return new Lookup(generations.get(ALL), generations.get(stripe), bumpedAt.get(ALL), bumpedAt.get(stripe), entries.get(key));
    }

    @Override
    public void store(String key, byte[] entry, long ttlMillis) {
        entries.put(key, entry, entry.length, ttlMillis);
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
