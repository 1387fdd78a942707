package conduit.ratelimit;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;

/**
 * Token buckets in this process, bounded in number. When the bound is reached, buckets that have
 * refilled completely are dropped first: a full bucket holds no state (a new one is the same),
 * so dropping it gives nobody extra attempts. Only if every bucket is in use does the map start
 * again, which takes an attacker more distinct keys within one window than the per-address limit
 * lets through.
 */
final class LocalBuckets {
    private record Held(Bucket bucket, long capacity) {
        boolean full() {
            return bucket.getAvailableTokens() >= capacity;
        }
    }

    private final Map<String, Held> buckets = new ConcurrentHashMap<>();
    private final int max;

    LocalBuckets(int max) {
        this.max = max;
    }

    Bucket get(String key, Bandwidth limit) {
        Held held = buckets.get(key);
        if (held != null) {
            return held.bucket();
        }
        if (buckets.size() >= max) {
            evict();
        }
        return buckets.computeIfAbsent(key, k -> new Held(Bucket.builder().addLimit(limit).build(), limit.getCapacity())).bucket();
    }

    private synchronized void evict() {
        if (buckets.size() < max) {
            return; // another thread made room
        }
        buckets.values().removeIf(Held::full);
        if (buckets.size() >= max) {
            buckets.clear();
        }
    }

    int size() {
        return buckets.size();
    }
}
