package conduit.cache;

/**
 * Where cached views and the generations that stamp them live: Redis, shared by every instance,
 * or this process's memory. Storage only; {@link ViewCache} owns the algorithm over it (stamps,
 * fresh fills, the size guard, what a failure means), so the two stores cannot drift apart.
 */
interface CacheStore {
    /** Index of the generation of "everything" (the stripes are 0..{@link Scopes#STRIPES}-1). */
    int ALL = Scopes.STRIPES;

    /**
     * The current generations and bump times of "everything" and of one stripe, and the stored
     * entry under the key (null when there is none, or it expired), read together.
     */
    record Lookup(long allGeneration, long stripeGeneration, long allBumpedAt, long stripeBumpedAt, byte[] entry) {
        /** The later of the two bumps: what a fill must see to be stored under these generations. */
        long lastBumpedAt() {
            return Math.max(allBumpedAt, stripeBumpedAt);
        }
    }

    /** @throws Unavailable when the store cannot be reached */
    Lookup lookup(String key, int stripe);

    /** Stores the entry for {@code ttlMillis} at most. @throws Unavailable when the store cannot be reached */
    void store(String key, byte[] entry, long ttlMillis);

    /**
     * Moves the generations of these stripes ({@link #ALL} for everything) forward, recording
     * {@code at} as their bump time before the generation, so that a reader who sees the new
     * generation also sees a bump time at least that recent.
     *
     * @return the stripes' new generations, in the same order
     * @throws Unavailable when the store cannot be reached
     */
    long[] bump(int[] stripes, long at);

    /** The store could not be reached or answered wrongly; the cache steps aside for a while. */
    final class Unavailable extends RuntimeException {
        Unavailable(Throwable cause) {
            super(cause.getMessage(), cause);
        }
    }
}
