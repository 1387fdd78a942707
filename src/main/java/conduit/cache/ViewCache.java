package conduit.cache;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

import conduit.common.Futures;
import conduit.ops.TierBreaker;
import conduit.redis.RedisConnector;
import redis.clients.jedis.UnifiedJedis;

/**
 * Cached public views (response JSON, the same for every viewer), each under a {@link Scopes
 * scope}, over a {@link CacheStore}. The one implementation of the algorithm for both stores:
 *
 * <ul>
 * <li>An entry is the stamp of the two generations it was loaded under ("everything" and its
 * scope's stripe), a newline, and the JSON. It counts only while both are current, so a write
 * that bumps a scope makes its entries stale on every instance at once; the TTL is a backstop.</li>
 * <li>The generations are read <em>before</em> loading: a write in between makes what is loaded
 * stale, and it is stamped so.</li>
 * <li>A fill after a bump must not store what a lagging replica still shows: it is loaded
 * through {@code fresh}, which reads from the writer until the reader has caught up with the
 * later of the two bumps.</li>
 * <li>Entries over {@link #MAX_ENTRY_BYTES} are served but not stored, and so is a view the
 * loader could not load fresh (the writer was down and the reader served it).</li>
 * <li>One fill at a time per view and generations in this process: the requests that miss
 * while it runs wait for it and share what it loaded (or what it threw), instead of each
 * running the same statements. After a bump, a busy list was otherwise loaded by every request
 * that arrived during its first fill (five fills per bump on average in the read-heavy mix).</li>
 * <li>When the store fails, views are loaded directly: public pages keep working from the
 * database. While Redis is down its circuit breaker refuses calls at once, so no request waits
 * out a timeout.</li>
 * <li>Over Redis, a {@link NearCache} may keep copies in this process: a hit it can vouch for
 * costs no round trip, within the staleness bound it states; anything else asks the store.</li>
 * </ul>
 */
public final class ViewCache {
    /** Entries larger than this are served but not stored (one article may be megabytes of JSON). */
    public static final int MAX_ENTRY_BYTES = 256 * 1024;
    private static final Logger LOG = System.getLogger(ViewCache.class.getName());

    /** Runs a loader so that it sees every write committed before the given time (not a lagging replica's view). */
    public interface FreshLoader {
        <T> Loaded<T> load(long since, Supplier<T> loader);
    }

    /** What a fill loaded, and whether it may be stored (it saw every write it was asked to see). */
    public record Loaded<T>(T value, boolean storable) {
    }

    /** Bound on the values kept for one viewer each in this process, apart from the views. */
    static final long PERSONAL_BYTES = 4L * 1024 * 1024;

    private final CacheStore store;
    private final long ttlMillis;
    private final FreshLoader fresh;
    private final CacheMetrics metrics = new CacheMetrics();
    private final NearCache near;
    /** The fills running in this process, by key and the generations they load under. */
    private final Map<String, CompletableFuture<byte[]>> fills = new ConcurrentHashMap<>();
    /** Values for one viewer each, in embedded mode (one instance, the store in this process); null otherwise. */
    private final SizedEntries<Stamped> personal;

    private record Stamped(long allGeneration, long stripeGeneration, Object value) {
    }

    ViewCache(CacheStore store, long ttlMillis, FreshLoader fresh) {
        this(store, ttlMillis, fresh, null);
    }

    private ViewCache(CacheStore store, long ttlMillis, FreshLoader fresh, NearCache near) {
        this.store = store;
        this.ttlMillis = ttlMillis;
        this.fresh = fresh;
        this.near = near;
        this.personal = store instanceof LocalCacheStore ? new SizedEntries<>(PERSONAL_BYTES) : null;
    }

    /** Shared by every instance through Redis, behind Redis's circuit breaker; every hit a round trip. */
    public static ViewCache redis(UnifiedJedis redis, TierBreaker breaker, long ttlMillis, FreshLoader fresh) {
        return new ViewCache(new RedisCacheStore(redis, breaker), ttlMillis, fresh);
    }

    /** How the copies in this process are bounded; see {@link NearCache} for the guarantee. */
    public record Near(long maxBytes, long boundMillis, BooleanSupplier mustBeCurrent) {
    }

    /**
     * Shared through a standalone Redis, with copies of the views in this process ({@link
     * NearCache}), which subscribes to the invalidations on a connection of its own to {@code endpoint}.
     */
    public static ViewCache redis(UnifiedJedis redis, RedisConnector.Endpoint endpoint, TierBreaker breaker, long ttlMillis,
                                  FreshLoader fresh, Near near) {
        NearCache copies = new NearCache(endpoint, near.maxBytes(), PERSONAL_BYTES, near.boundMillis(), ttlMillis,
                near.mustBeCurrent(), new CacheMetrics());
        return new ViewCache(new RedisCacheStore(redis, breaker), ttlMillis, fresh, copies);
    }

    /** False when caching is off: nothing is cached, so nothing needs invalidating. */
    public boolean enabled() {
        return store != null;
    }

    /** True while copies in this process may be served (for tests and health details). */
    public boolean nearServing() {
        return near != null && near.serving();
    }

    /** How many views were served from copies in this process. */
    long nearServed() {
        return near == null ? 0 : near.served();
    }

    /** Stops the subscription of the copies in this process, if any. */
    public void close() {
        if (near != null) {
            near.close();
        }
    }

    /** In this process, bounded to {@code maxBytes} of entries (one instance). */
    public static ViewCache local(long maxBytes, long ttlMillis, FreshLoader fresh) {
        return new ViewCache(new LocalCacheStore(maxBytes), ttlMillis, fresh);
    }

    /** No caching: every view is loaded (CACHE_TTL_MS=0). */
    public static ViewCache disabled() {
        return new ViewCache(null, 0, null);
    }

    /**
     * The cached JSON of a public view, or what {@code load} returns, which is stored when that
     * is safe. Never fails for cache reasons; what the loader throws (a 404) is not cached.
     */
    public byte[] get(String key, String scope, Supplier<byte[]> load) {
        if (store == null) {
            return load.get();
        }
        int stripe = Scopes.stripe(scope);
        if (near != null) {
            byte[] copy = near.get(key, stripe);
            if (copy != null) {
                metrics.hits.increment();
                return copy;
            }
        }
        Object since = near == null ? null : near.since();
        CacheStore.Lookup found;
        try {
            found = store.lookup(key, stripe);
        } catch (CacheStore.Unavailable e) {
            failed(e);
            return load.get();
        }
        if (near != null) {
            learn(since, stripe, found);
        }
        byte[] stamp = (found.allGeneration() + "." + found.stripeGeneration() + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] entry = found.entry();
        if (entry != null && entry.length >= stamp.length && Arrays.equals(entry, 0, stamp.length, stamp, 0, stamp.length)) {
            metrics.hits.increment();
            byte[] json = Arrays.copyOfRange(entry, stamp.length, entry.length);
            if (near != null) {
                near.put(since, key, found.allGeneration(), found.stripeGeneration(), json);
            }
            return json;
        }
        metrics.misses.increment();
        String fill = key + '\n' + found.allGeneration() + '.' + found.stripeGeneration();
        CompletableFuture<byte[]> mine = new CompletableFuture<>();
        CompletableFuture<byte[]> running = fills.putIfAbsent(fill, mine);
        if (running != null) {
            metrics.sharedFills.increment();
            return Futures.join(running);
        }
        try {
            byte[] json = fill(key, load, since, found, stamp);
            mine.complete(json);
            return json;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            fills.remove(fill, mine);
        }
    }

    /** Loads a view that missed and stores it when that is safe. */
    private byte[] fill(String key, Supplier<byte[]> load, Object since, CacheStore.Lookup found, byte[] stamp) {
        Loaded<byte[]> loaded = fresh.load(found.lastBumpedAt(), load);
        byte[] json = loaded.value();
        if (loaded.storable() && json.length <= MAX_ENTRY_BYTES) {
            byte[] stored = Arrays.copyOf(stamp, stamp.length + json.length);
            System.arraycopy(json, 0, stored, stamp.length, json.length);
            try {
                store.store(key, stored, ttlMillis);
                if (near != null) {
                    near.put(since, key, found.allGeneration(), found.stripeGeneration(), json);
                }
            } catch (CacheStore.Unavailable e) {
                failed(e);
            }
        }
        return json;
    }

    /**
     * A value that belongs to one viewer (the key must name them), kept only in this process and
     * never in the shared store, current while its scope's generation is: a write that bumps the
     * scope ends it here and, within the near cache's bound, on every instance.
     *
     * @param load  loads the value (through the fresh loader: never from a replica behind the
     *              scope's last bump); may answer null when the value is too large to keep
     * @param bytes about how much memory the value holds (the bound on these values is in bytes)
     * @return the value, or null when it is not kept here, so the caller asks for what it needs
     *         alone: no values are kept without copies in this process (Redis Cluster, caching off),
     *         none are used while the copies cannot be vouched for or the request must see its own
     *         writes, nor while the store cannot be reached; and null when the loader answered null
     */
    public <T> T personal(String key, String scope, Supplier<T> load, ToIntFunction<T> bytes) {
        if (store == null || (near == null && personal == null) || (near != null && !near.servesThisRequest())) {
            return null;
        }
        int stripe = Scopes.stripe(scope);
        Object since = near == null ? null : near.since();
        CacheStore.Lookup found;
        try {
            Object copy = near != null ? near.personal(key, stripe) : null;
            if (copy != null) {
                @SuppressWarnings("unchecked") T value = (T) copy;
                return value;
            }
            found = store.lookup(key, stripe); // nothing is stored under a personal key: only the generations
        } catch (CacheStore.Unavailable e) {
            failed(e);
            return null;
        }
        if (near != null) {
            learn(since, stripe, found);
        } else {
            Stamped kept = personal.get(key);
            if (kept != null && kept.allGeneration() == found.allGeneration() && kept.stripeGeneration() == found.stripeGeneration()) {
                @SuppressWarnings("unchecked") T value = (T) kept.value();
                return value;
            }
        }
        Loaded<T> loaded = fresh.load(found.lastBumpedAt(), load);
        T value = loaded.value();
        if (value != null && loaded.storable()) {
            if (near != null) {
                near.putPersonal(since, key, found.allGeneration(), found.stripeGeneration(), value, bytes.applyAsInt(value));
            } else {
                personal.put(key, new Stamped(found.allGeneration(), found.stripeGeneration(), value), bytes.applyAsInt(value), ttlMillis);
            }
        }
        return value;
    }

    /** What a look-up in Redis showed of "everything" and of the stripe: the mirror moves forward to it. */
    private void learn(Object since, int stripe, CacheStore.Lookup found) {
        near.learn(since, CacheStore.ALL, found.allGeneration(), found.allBumpedAt());
        near.learn(since, stripe, found.stripeGeneration(), found.stripeBumpedAt());
    }

    /** The content of these scopes changed: their entries are stale from now on, on every instance. */
    public void invalidate(String... scopes) {
        int[] stripes = new int[scopes.length];
        for (int i = 0; i < scopes.length; i++) {
            stripes[i] = Scopes.stripe(scopes[i]);
        }
        bump(stripes);
    }

    /** Public content changed everywhere (an author's profile is embedded in every article). */
    public void invalidateAll() {
        bump(new int[] {CacheStore.ALL});
    }

    private void bump(int[] stripes) {
        if (store == null) {
            return;
        }
        long at = System.currentTimeMillis();
        Object since = near == null ? null : near.since();
        try {
            long[] generations = store.bump(stripes, at);
            if (near != null) {
                // This instance's own writes show here at once, whatever the subscription's delay.
                for (int i = 0; i < stripes.length; i++) {
                    near.learn(since, stripes[i], generations[i], at);
                }
            }
        } catch (CacheStore.Unavailable e) {
            // Entries keep their old stamps until the TTL ends them: bounded staleness.
            failed(e);
        }
    }

    private void failed(CacheStore.Unavailable e) {
        metrics.errors.increment();
        if (!(e.getCause() instanceof TierBreaker.Unavailable)) {
            // A refusal by the open breaker is not news: the breaker logged its opening once.
            LOG.log(Level.WARNING, "cache store unavailable; views load from the database", e.getCause());
        }
    }
}
