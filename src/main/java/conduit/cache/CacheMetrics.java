package conduit.cache;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Metrics;

/**
 * cache_hits_total, cache_misses_total, cache_errors_total on /observe/metrics, and
 * cache_near_hits_total: the hits served from this process's copies (counted in hits too), and
 * cache_fills_shared_total: the misses that shared another request's fill (counted in misses too).
 */
final class CacheMetrics {
    final Counter hits = counter("cache.hits");
    final Counter misses = counter("cache.misses");
    final Counter errors = counter("cache.errors");
    final Counter nearHits = counter("cache.near.hits");
    /** Misses that waited for another request's fill of the same view instead of loading it. */
    final Counter sharedFills = counter("cache.fills.shared");

    private static Counter counter(String name) {
        return Metrics.globalRegistry().getOrCreate(Counter.builder(name));
    }
}
