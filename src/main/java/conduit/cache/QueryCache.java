package conduit.cache;

import java.util.function.Supplier;

import conduit.web.Json;

/**
 * Cached answers to hot public reads (tags, the first pages of the global list, articles by
 * slug), as an anonymous visitor sees them, kept as the JSON bytes that go on the wire: per-user
 * fields never go in, and a hit costs no decoding or encoding. Each entry belongs to a
 * {@link Scopes scope}; a write invalidates the scopes it changes (a favourite changes one
 * article and the lists, a comment nothing cached), and a short TTL is the backstop.
 */
public interface QueryCache {

    /** Entries larger than this are served but not stored (one article may be megabytes of JSON). */
    int MAX_ENTRY_BYTES = 256 * 1024;

    /**
     * The cached JSON of a public view, or {@code view}'s value encoded, which is stored when
     * that is safe. Never fails for cache reasons; what the view throws (a 404) is not cached.
     */
    byte[] json(String key, String scope, Supplier<?> view);

    /** The content of these scopes changed: their entries are stale from now on, on every instance. */
    void invalidate(String... scopes);

    /** Public content changed everywhere (an author's profile is embedded in every article). */
    void invalidateAll();

    /** Runs a loader so that it sees every write committed before the given time (not a lagging replica's view). */
    interface FreshLoader {
        <T> T load(long since, Supplier<T> loader);
    }

    /** No caching at all. */
    QueryCache NONE = new QueryCache() {
        @Override
        public byte[] json(String key, String scope, Supplier<?> view) {
            return Json.write(view.get());
        }

        @Override
        public void invalidate(String... scopes) {
        }

        @Override
        public void invalidateAll() {
        }
    };
}
