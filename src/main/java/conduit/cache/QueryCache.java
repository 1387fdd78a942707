package conduit.cache;

import java.util.function.Supplier;

/**
 * Cached answers to hot public reads (tags, the first pages of the global list, articles by
 * slug), as seen by an anonymous visitor: per-user fields never go in. Any change to public
 * content invalidates everything at once (a generation bump); a short TTL is the backstop.
 */
public interface QueryCache {

    /** The cached value, or the loader's, which is stored when that is safe. Never fails for cache reasons. */
    <T> T get(String key, Class<T> type, Supplier<T> loader);

    /** Public content changed: every cached value is stale from now on. */
    void invalidateAll();

    /** No caching at all. */
    QueryCache NONE = new QueryCache() {
        @Override
        public <T> T get(String key, Class<T> type, Supplier<T> loader) {
            return loader.get();
        }

        @Override
        public void invalidateAll() {
        }
    };
}
