package conduit.cache;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import conduit.Stack;
import conduit.ops.TierBreaker;
import conduit.redis.RedisConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import redis.clients.jedis.RedisClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two instances' caches on one real Redis (scripts/stack up redis), each with copies of the views
 * in its own memory: the staleness bound {@link NearCache} states, measured; copies dropped when
 * the subscription is lost; read-your-writes never served a copy.
 */
@EnabledIfEnvironmentVariable(named = "REDIS_URL", matches = ".+", disabledReason = "needs scripts/stack up redis")
class NearCacheTest {
    private static final long BOUND = 250;
    private static final ViewCache.FreshLoader PLAIN = new ViewCache.FreshLoader() {
        @Override
        public <T> ViewCache.Loaded<T> load(long since, java.util.function.Supplier<T> loader) {
            return new ViewCache.Loaded<>(loader.get(), true);
        }
    };
    private final List<RedisClient> clients = new ArrayList<>();
    private final AtomicBoolean readYourWrites = new AtomicBoolean();
    private ViewCache a;
    private ViewCache b;

    @BeforeEach
    void twoInstances() {
        a = instance(() -> false);
        b = instance(readYourWrites::get);
        Stack.await(Duration.ofSeconds(5), "both subscribed", () -> a.nearServing() && b.nearServing());
    }

    private ViewCache instance(java.util.function.BooleanSupplier mustBeCurrent) {
        RedisClient redis = (RedisClient) RedisConnector.connect(Stack.standaloneRedis());
        clients.add(redis);
        TierBreaker breaker = new TierBreaker("redis-near-test", e -> true, Duration.ofSeconds(1));
        return ViewCache.redis(redis, RedisConnector.endpoint(Stack.standaloneRedis(), null), breaker, 60_000, PLAIN, new ViewCache.Near(1024 * 1024, BOUND, mustBeCurrent));
    }

    @AfterEach
    void close() {
        a.close();
        b.close();
        clients.forEach(RedisClient::close);
    }

    private long nearHits() {
        return b.nearServed();
    }

    private static byte[] json(String text) {
        return ("\"" + text + "\"").getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] json) {
        return new String(json, StandardCharsets.UTF_8);
    }

    @Test
    void aWriteAcknowledgedOnOneInstanceShowsOnTheOtherWithinTheBound() {
        List<Long> lags = new ArrayList<>();
        for (int round = 0; round < 20; round++) {
            String scope = Scopes.article(UUID.randomUUID().toString());
            AtomicInteger version = new AtomicInteger();
            b.get(scope, scope, () -> json("v" + version.get())); // filled by B: in Redis and in B's memory
            long before = nearHits();
            for (int i = 0; i < 5; i++) {
                assertEquals("\"v0\"", text(b.get(scope, scope, () -> json("not loaded"))));
            }
            assertEquals(5, nearHits() - before, "B serves its own copy, no round trip");

            version.incrementAndGet(); // the write, then its invalidation, acknowledged on A
            a.invalidate(scope);
            long acknowledged = System.nanoTime();
            while (!text(b.get(scope, scope, () -> json("v" + version.get()))).equals("\"v1\"")) {
                assertTrue(System.nanoTime() - acknowledged < Duration.ofSeconds(5).toNanos(), "B never saw the write");
                Thread.onSpinWait();
            }
            lags.add((System.nanoTime() - acknowledged) / 1_000_000);
        }
        Collections.sort(lags);
        System.out.println("near cache: lag from A's acknowledgement to B's first fresh read, ms (20 rounds, sorted): " + lags);
        assertTrue(lags.get(lags.size() - 1) <= BOUND, "every lag within the " + BOUND + " ms bound: " + lags);
    }

    @Test
    void losingTheSubscriptionDropsTheCopiesAndAChangeThatWasNeverPublishedStillShowsWithinTheBound() {
        String scope = Scopes.article(UUID.randomUUID().toString());
        b.get(scope, scope, () -> json("old"));
        assertEquals("\"old\"", text(b.get(scope, scope, () -> json("not loaded"))));
        try (RedisClient admin = (RedisClient) RedisConnector.connect(Stack.standaloneRedis())) {
            // A generation moved with no message (as if it were lost), and every subscriber cut off.
            admin.incr("{conduit:cache}:gen:" + Scopes.stripe(scope));
            admin.sendCommand(redis.clients.jedis.Protocol.Command.CLIENT, "KILL", "TYPE", "pubsub");
            long cut = System.nanoTime();
            while (!text(b.get(scope, scope, () -> json("new"))).equals("\"new\"")) {
                assertTrue(System.nanoTime() - cut < BOUND * 1_000_000, "B still served its copy after the bound");
                Thread.onSpinWait();
            }
        }
        Stack.await(Duration.ofSeconds(5), "B resubscribed", () -> b.nearServing());
        long before = nearHits();
        b.get(scope, scope, () -> json("not loaded")); // learns the generations again, copies the entry
        assertEquals("\"new\"", text(b.get(scope, scope, () -> json("not loaded"))));
        assertEquals(1, nearHits() - before, "copies served again after resubscribing");
    }

    @Test
    void aRequestThatMustSeeItsOwnWritesAsksRedisEvenWhenACopyIsCurrent() {
        String scope = Scopes.article(UUID.randomUUID().toString());
        b.get(scope, scope, () -> json("x"));
        long before = nearHits();
        readYourWrites.set(true);
        try {
            assertEquals("\"x\"", text(b.get(scope, scope, () -> json("not loaded"))));
        } finally {
            readYourWrites.set(false);
        }
        assertEquals(0, nearHits() - before);
        assertEquals("\"x\"", text(b.get(scope, scope, () -> json("not loaded"))));
        assertEquals(1, nearHits() - before);
    }

    @Test
    void aViewersValueIsKeptOnlyInTheInstanceThatLoadedItAndEndsOnEveryInstanceWithinTheBoundOfTheirWrite() {
        long viewer = System.nanoTime();
        String key = "viewer-marks:" + viewer;
        String scope = Scopes.viewer(viewer);
        AtomicInteger loads = new AtomicInteger();
        AtomicInteger version = new AtomicInteger();
        java.util.function.Supplier<String> load = () -> {
            loads.incrementAndGet();
            return "marks v" + version.get();
        };
        assertEquals("marks v0", b.personal(key, scope, load, String::length));
        for (int i = 0; i < 5; i++) {
            assertEquals("marks v0", b.personal(key, scope, load, String::length));
        }
        assertEquals(1, loads.get(), "B keeps the value: one load, then no round trip");
        try (RedisClient admin = (RedisClient) RedisConnector.connect(Stack.standaloneRedis())) {
            assertTrue(admin.keys("*" + viewer + "*").isEmpty(), "nothing of the viewer's is stored in Redis");
        }

        List<Long> lags = new ArrayList<>();
        for (int round = 1; round <= 10; round++) {
            version.incrementAndGet(); // the viewer's favourite, then its invalidation, acknowledged on A
            a.invalidate(scope);
            long acknowledged = System.nanoTime();
            String expected = "marks v" + round;
            while (!b.personal(key, scope, load, String::length).equals(expected)) {
                assertTrue(System.nanoTime() - acknowledged < Duration.ofSeconds(5).toNanos(), "B never saw the write");
                Thread.onSpinWait();
            }
            lags.add((System.nanoTime() - acknowledged) / 1_000_000);
        }
        Collections.sort(lags);
        System.out.println("near cache, a viewer's value: lag from A's acknowledgement to B's fresh value, ms (sorted): " + lags);
        assertTrue(lags.get(lags.size() - 1) <= BOUND, "every lag within the " + BOUND + " ms bound: " + lags);

        int before = loads.get();
        readYourWrites.set(true);
        try {
            assertEquals(null, b.personal(key, scope, load, String::length), "a request that must see its own writes gets no kept value");
        } finally {
            readYourWrites.set(false);
        }
        assertEquals(before, loads.get(), "nor loads one: it asks for its page alone");
        assertEquals("marks v10", b.personal(key, scope, load, String::length));
        assertEquals(before, loads.get());
        assertEquals("marks v10", a.personal(key, scope, () -> "marks v10", String::length), "A loads its own");
    }
}
