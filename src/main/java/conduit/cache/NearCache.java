package conduit.cache;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BooleanSupplier;

import conduit.redis.RedisConnector;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.Protocol;

/**
 * Copies of Redis's cached views in this process, so that a hit costs no network round trip,
 * kept honest by the generation bumps every instance publishes ({@link RedisCacheStore#bump}
 * publishes on {@link #CHANNEL} in the same script that moves the generations).
 *
 * <p><b>The guarantee.</b> A view served from here is at most {@code boundMillis} behind Redis:
 * a read on this instance that starts {@code boundMillis} or more after a write was acknowledged
 * on any instance sees that write (or something newer). How: one connection subscribes to the
 * bumps and, every {@link #PING_MILLIS}, sends a PING on that same connection carrying its send
 * time. Redis answers a PING after every message it published before it, on one connection in
 * order, so when the answer to a PING sent at time T arrives, every bump acknowledged before T has
 * been applied here. A copy is served only while the latest answered PING was sent within the
 * bound; otherwise (Redis slow, the connection silently dead, this process paused) the look-up
 * goes to Redis as without this layer. Losing the connection drops every copy and the mirror of
 * the generations at once; after resubscribing, both are learnt afresh from Redis.
 *
 * <p>A request that must see its own session's writes ({@code mustBeCurrent}: read-your-writes)
 * always asks Redis, so a viewer's own write shows on any instance at once.
 *
 * <p>Beside the copies of views it keeps values for one viewer each ({@link #personal}: a
 * viewer's marks), under the same generations and the same guarantee, in an entry set bounded
 * apart so that many viewers never crowd the shared views out. They are never stored in Redis.
 *
 * <p>A subscription message is {@code at;stripe:generation,...}; the mirror keeps, per stripe,
 * the highest generation seen (from a message, a look-up in Redis or this instance's own bump):
 * generations only grow, so whichever arrives first, the mirror never goes back.
 */
final class NearCache implements AutoCloseable {
    /** Where bumps are published; in the cache's hash slot like every cache key. */
    static final String CHANNEL = "{conduit:cache}:bumps";
    static final long PING_MILLIS = 25;
    private static final Logger LOG = System.getLogger(NearCache.class.getName());

    /** A copy and the generations it is current under: a view's JSON, or a value for one viewer. */
    private record Entry(long allGeneration, long stripeGeneration, Object value) {
    }

    /** What one subscription knows; replaced whole (so dropped whole) when the connection is lost. */
    private static final class Epoch {
        final AtomicLongArray generations = new AtomicLongArray(Scopes.STRIPES + 1);
        final AtomicLongArray bumpedAt = new AtomicLongArray(Scopes.STRIPES + 1);
        final SizedEntries<Entry> entries;
        /** Values for one viewer each, bounded apart so that many viewers never crowd the public views out. */
        final SizedEntries<Entry> personal;
        /** System.nanoTime() at which the latest answered PING (or the SUBSCRIBE) was sent. */
        volatile long confirmedSentAt;

        Epoch(long maxBytes, long maxPersonalBytes) {
            entries = new SizedEntries<>(maxBytes);
            personal = new SizedEntries<>(maxPersonalBytes);
            for (int i = 0; i <= Scopes.STRIPES; i++) {
                generations.set(i, -1); // unknown until learnt
            }
        }

        void learn(int stripe, long generation, long at) {
            generations.accumulateAndGet(stripe, generation, Math::max);
            bumpedAt.accumulateAndGet(stripe, at, Math::max);
        }
    }

    private final RedisConnector.Endpoint endpoint;
    private final long maxBytes;
    private final long maxPersonalBytes;
    private final long boundNanos;
    private final long ttlMillis;
    private final BooleanSupplier mustBeCurrent;
    private final CacheMetrics metrics;
    private final AtomicLong served = new AtomicLong();
    private volatile Epoch epoch;
    private volatile Subscriber subscriber;
    private volatile boolean closed;
    private final Thread listener;
    private final Thread pinger;

    /**
     * @param endpoint      where the subscription connects (a connection of its own, outside the pool)
     * @param maxBytes      bound on the JSON held; when passed, every copy is dropped (the hot ones come back at once)
     * @param maxPersonalBytes the same bound for the values kept for one viewer each
     * @param boundMillis   how far behind Redis a copy may be when served
     * @param mustBeCurrent true while the current request must not be served a copy (read-your-writes)
     */
    NearCache(RedisConnector.Endpoint endpoint, long maxBytes, long maxPersonalBytes, long boundMillis, long ttlMillis,
              BooleanSupplier mustBeCurrent, CacheMetrics metrics) {
        if (boundMillis < 4 * PING_MILLIS) {
            throw new IllegalArgumentException("the bound must leave room for a few PINGs: >= " + 4 * PING_MILLIS + " ms");
        }
        this.endpoint = endpoint;
        this.maxBytes = maxBytes;
        this.maxPersonalBytes = maxPersonalBytes;
        this.boundNanos = boundMillis * 1_000_000;
        this.ttlMillis = ttlMillis;
        this.mustBeCurrent = mustBeCurrent;
        this.metrics = metrics;
        this.listener = Thread.ofPlatform().daemon().name("cache-invalidations").start(this::listen);
        this.pinger = Thread.ofPlatform().daemon().name("cache-invalidations-ping").start(this::ping);
    }

    /** The JSON of a copy that is current as far as this instance can vouch for, or null: ask Redis. */
    byte[] get(String key, int stripe) {
        Epoch e = epoch;
        byte[] json = e == null ? null : (byte[]) current(e, e.entries, key, stripe);
        if (json != null) {
            metrics.nearHits.increment();
            served.incrementAndGet();
        }
        return json;
    }

    /** A value kept for one viewer under {@code key}, current as far as this instance can vouch for, or null. */
    Object personal(String key, int stripe) {
        Epoch e = epoch;
        return e == null ? null : current(e, e.personal, key, stripe);
    }

    /** True when this request may be served copies: they are vouched for, and it need not see its own writes. */
    boolean servesThisRequest() {
        return serving() && !mustBeCurrent.getAsBoolean();
    }

    private Object current(Epoch e, SizedEntries<Entry> in, String key, int stripe) {
        if (System.nanoTime() - e.confirmedSentAt > boundNanos || mustBeCurrent.getAsBoolean()) {
            return null;
        }
        Entry entry = in.get(key);
        if (entry == null || entry.allGeneration() != e.generations.get(CacheStore.ALL)
                || entry.stripeGeneration() != e.generations.get(stripe)) {
            return null;
        }
        return entry.value();
    }

    /**
     * The current subscription, to be taken <em>before</em> asking Redis and handed back to
     * {@link #learn} and {@link #put}: what Redis answered is applied only if the same subscription
     * was already live when it was asked. A value read before a (re)subscription may predate a
     * bump whose message this subscription never got, and would otherwise stay in the mirror.
     */
    Object since() {
        return epoch;
    }

    /** What a look-up in Redis (or a bump by this instance) showed: the mirror moves forward to it. */
    void learn(Object since, int stripe, long generation, long at) {
        Epoch e = epoch;
        if (e != null && e == since) {
            e.learn(stripe, generation, at);
        }
    }

    /** Keeps a copy of a view that is current under these generations. */
    void put(Object since, String key, long allGeneration, long stripeGeneration, byte[] json) {
        Epoch e = epoch;
        if (e != null && e == since) {
            e.entries.put(key, new Entry(allGeneration, stripeGeneration, json), json.length, ttlMillis);
        }
    }

    /** Keeps a value for one viewer that is current under these generations ({@code bytes}: about what it holds). */
    void putPersonal(Object since, String key, long allGeneration, long stripeGeneration, Object value, int bytes) {
        Epoch e = epoch;
        if (e != null && e == since) {
            e.personal.put(key, new Entry(allGeneration, stripeGeneration, value), bytes, ttlMillis);
        }
    }

    /** How many views were served from copies here (the metric, for this instance alone). */
    long served() {
        return served.get();
    }

    /** True while copies may be served (subscribed, and the latest PING answered within the bound). */
    boolean serving() {
        Epoch e = epoch;
        return e != null && System.nanoTime() - e.confirmedSentAt <= boundNanos;
    }

    private void listen() {
        long backoff = 100;
        while (!closed) {
            Subscriber s = null;
            try {
                s = new Subscriber(new SubscriberConnection(endpoint.node(), endpoint.config()));
                subscriber = s;
                s.run(); // returns only when the connection fails or is closed
            } catch (RuntimeException e) {
                if (!closed && s != null && s.subscribed) {
                    // Once per loss, not per retry: while Redis is down the tier monitor says so.
                    LOG.log(Level.WARNING, "cache invalidation subscription lost; copies dropped, hits go to Redis: " + e);
                }
            } finally {
                epoch = null;
                subscriber = null;
                if (s != null) {
                    s.connection.close();
                }
            }
            if (s != null && s.subscribed) {
                backoff = 100;
            }
            sleep(backoff);
            backoff = Math.min(backoff * 2, 2000);
        }
    }

    private void ping() {
        while (!closed) {
            Subscriber s = subscriber;
            if (s != null && s.subscribed) {
                try {
                    if (System.nanoTime() - s.lastAnswerAt > 4 * boundNanos) {
                        // No answer for this long: the connection is dead or Redis is stuck. Closing
                        // the socket ends the subscription, which drops the copies.
                        epoch = null;
                        s.connection.disconnect();
                    } else {
                        s.connection.send(Protocol.Command.PING, Long.toString(System.nanoTime()));
                    }
                } catch (RuntimeException ex) {
                    epoch = null;
                    s.connection.disconnect();
                }
            }
            sleep(PING_MILLIS);
        }
    }

    /**
     * A connection of its own: the listener thread only reads from it (without flushing), the
     * PING thread only writes to it. Jedis's JedisPubSub would do the same, but needs the
     * token-authentication library this build leaves out.
     */
    private static final class SubscriberConnection extends Connection {
        SubscriberConnection(HostAndPort node, JedisClientConfig config) {
            super(node, config);
        }

        synchronized void send(Protocol.Command command, String... args) {
            sendCommand(command, args);
            flush();
        }
    }

    private final class Subscriber {
        final SubscriberConnection connection;
        /** When Redis last answered on this connection (the SUBSCRIBE, then each PING). */
        volatile long lastAnswerAt;
        volatile boolean subscribed;

        Subscriber(SubscriberConnection connection) {
            this.connection = connection;
            this.lastAnswerAt = System.nanoTime();
        }

        void run() {
            long subscribeSentAt = System.nanoTime();
            connection.send(Protocol.Command.SUBSCRIBE, CHANNEL);
            while (!closed) {
                Object answer = connection.getUnflushedObject();
                if (!(answer instanceof List<?> reply)) {
                    // RESP3 answers a PING on a subscribed connection like any other: its argument.
                    pong(text(answer));
                    continue;
                }
                String kind = text(reply.get(0));
                switch (kind) {
                    case "subscribe" -> {
                        // Every bump from here on arrives on this connection; those before it are
                        // learnt from Redis by the first look-up of each stripe (the mirror starts unknown).
                        Epoch e = new Epoch(maxBytes, maxPersonalBytes);
                        e.confirmedSentAt = subscribeSentAt;
                        lastAnswerAt = System.nanoTime();
                        subscribed = true;
                        epoch = e;
                    }
                    case "message" -> apply(text(reply.get(2)));
                    case "pong" -> pong(text(reply.get(1))); // RESP2
                    default -> throw new IllegalStateException("unexpected on the subscription: " + kind);
                }
            }
        }

        /** Redis answered the PING sent at {@code sentAt}: every bump published before it has been applied. */
        private void pong(String sentAt) {
            Epoch e = epoch;
            if (e != null && !sentAt.isEmpty()) {
                e.confirmedSentAt = Math.max(e.confirmedSentAt, Long.parseLong(sentAt));
            }
            lastAnswerAt = System.nanoTime();
        }

        private void apply(String message) {
            Epoch e = epoch;
            if (e == null) {
                return;
            }
            try {
                int semicolon = message.indexOf(';');
                long at = Long.parseLong(message, 0, semicolon, 10);
                for (String part : message.substring(semicolon + 1).split(",")) {
                    int colon = part.indexOf(':');
                    e.learn(Integer.parseInt(part, 0, colon, 10), Long.parseLong(part, colon + 1, part.length(), 10), at);
                }
            } catch (RuntimeException bad) {
                // Not a message this version understands (another release?): trust no copy.
                throw new IllegalStateException("unreadable bump message: " + message, bad);
            }
        }
    }

    private static String text(Object bulk) {
        return bulk instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(bulk);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        Subscriber s = subscriber;
        if (s != null) {
            try {
                s.connection.disconnect();
            } catch (RuntimeException e) {
                // Already broken (the listener lost it, or closed it meanwhile): nothing left to close.
                LOG.log(Level.DEBUG, "invalidation connection already closed", e);
            }
        }
        listener.interrupt();
        pinger.interrupt();
    }
}
