package conduit.cache;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Views held in this process, each until its time to live ends, bounded by the bytes they hold
 * together: past the bound everything is dropped (the hot views come back at once, which is
 * cheaper than tracking which is least used). Shared by the in-process store and the copies kept
 * beside Redis.
 *
 * @param <V> what is held under a key (its size in bytes is given when it is put)
 */
final class SizedEntries<V> {
    private record Held<V>(V value, int size, long expiresAt) {
    }

    private final Map<String, Held<V>> entries = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();
    private final long maxBytes;

    SizedEntries(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** The value under {@code key}, or null when there is none or its time to live has ended. */
    V get(String key) {
        Held<V> held = entries.get(key);
        return held == null || held.expiresAt() <= System.currentTimeMillis() ? null : held.value();
    }

    void put(String key, V value, int size, long ttlMillis) {
        Held<V> previous = entries.put(key, new Held<>(value, size, System.currentTimeMillis() + ttlMillis));
        if (bytes.addAndGet(size - (previous == null ? 0 : previous.size())) > maxBytes) {
            entries.clear();
            bytes.set(0);
        }
    }
}
