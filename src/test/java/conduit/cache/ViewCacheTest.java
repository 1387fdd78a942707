package conduit.cache;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;

import conduit.Stack;
import conduit.ops.TierBreaker;
import conduit.redis.RedisConnector;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The view cache over both stores, the in-process one and the Redis one (on the stack's real Redis and Redis
 * Cluster when they are up), against the same expectations: scoped invalidation, no stale fill,
 * fresh loads after a bump, size limits.
 */
class ViewCacheTest {
    /** What the fresh loader was asked for. */
    private static final List<Long> SINCE = new ArrayList<>();
    private static final ViewCache.FreshLoader RECORDING = new ViewCache.FreshLoader() {
        @Override
        public <T> ViewCache.Loaded<T> load(long since, java.util.function.Supplier<T> loader) {
            synchronized (SINCE) {
                SINCE.add(since);
            }
            return new ViewCache.Loaded<>(loader.get(), true);
        }
    };
    private static final TierBreaker BREAKER = new TierBreaker("redis-test", e -> true, Duration.ofSeconds(1));

    static Stream<Named<ViewCache>> caches() {
        List<Named<ViewCache>> caches = new ArrayList<>();
        caches.add(Named.of("in-process", ViewCache.local(1024 * 1024, 60_000, RECORDING)));
        String redis = System.getenv("REDIS_URL");
        if (redis != null && !redis.isBlank()) {
            caches.add(Named.of("Redis", ViewCache.redis(RedisConnector.connect(Stack.standaloneRedis()), BREAKER, 60_000, RECORDING)));
            caches.add(Named.of("Redis, with copies in this process", ViewCache.redis(
                    RedisConnector.connect(Stack.standaloneRedis()), RedisConnector.endpoint(Stack.standaloneRedis(), null), BREAKER, 60_000, RECORDING,
                    new ViewCache.Near(1024 * 1024, 250, () -> false))));
        }
        String cluster = System.getenv("REDIS_CLUSTER_NODES");
        if (cluster != null && !cluster.isBlank()) {
            caches.add(Named.of("Redis Cluster", ViewCache.redis(RedisConnector.connect(Stack.clusterRedis()), BREAKER, 60_000, RECORDING)));
        }
        return caches.stream();
    }

    /** Two scope names of this run that fall on different stripes. */
    private static String[] twoScopes() {
        String a = Scopes.article(UUID.randomUUID().toString());
        String b;
        do {
            b = Scopes.article(UUID.randomUUID().toString());
        } while (Scopes.stripe(b) == Scopes.stripe(a));
        return new String[] {a, b};
    }

    private static Supplier<byte[]> counting(AtomicInteger loads, String text) {
        return () -> json(Map.of("value", text + loads.incrementAndGet()));
    }

    private static byte[] json(Object value) {
        return conduit.web.Json.write(value);
    }

    private static String text(byte[] json) {
        return new String(json, StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @MethodSource("caches")
    void aHitReturnsTheStoredJsonWithoutLoading(ViewCache cache) {
        String scope = twoScopes()[0];
        AtomicInteger loads = new AtomicInteger();
        byte[] first = cache.get(scope, scope, counting(loads, "é✓"));
        assertEquals("{\"value\":\"é✓1\"}", text(first));
        assertArrayEquals(first, cache.get(scope, scope, counting(loads, "é✓")));
        assertEquals(1, loads.get());
    }

    /** A loader that counts its runs and finishes with {@code then} once {@code release} opens. */
    private static Supplier<byte[]> heldUntil(java.util.concurrent.CountDownLatch release, AtomicInteger loads, Supplier<byte[]> then) {
        return () -> {
            loads.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return then.get();
        };
    }

    @ParameterizedTest
    @MethodSource("caches")
    void requestsThatMissTogetherShareOneFill(ViewCache cache) throws Exception {
        String scope = twoScopes()[0];
        AtomicInteger loads = new AtomicInteger();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Supplier<byte[]> slow = heldUntil(release, loads, () -> json(Map.of("value", "once")));
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<byte[]>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(pool.submit(() -> cache.get(scope, scope, slow)));
            }
            Stack.await(Duration.ofSeconds(5), "the first fill runs", () -> loads.get() > 0);
            Thread.sleep(100); // the other seven arrive while it runs
            release.countDown();
            for (var answer : answers) {
                assertEquals("{\"value\":\"once\"}", text(answer.get()));
            }
        }
        assertEquals(1, loads.get(), "eight requests that missed together ran one fill");
        cache.invalidate(scope);
        assertEquals("{\"value\":\"again1\"}", text(cache.get(scope, scope, counting(new AtomicInteger(), "again"))),
                "a later generation is filled again");
    }

    @ParameterizedTest
    @MethodSource("caches")
    void aFailedFillIsSharedAndTheNextMissLoadsAgain(ViewCache cache) throws Exception {
        String scope = twoScopes()[0];
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        AtomicInteger loads = new AtomicInteger();
        Supplier<byte[]> failing = heldUntil(release, loads, () -> {
            throw new IllegalArgumentException("not found");
        });
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            var first = pool.submit(() -> cache.get(scope, scope, failing));
            Stack.await(Duration.ofSeconds(5), "the first fill runs", () -> loads.get() > 0);
            var second = pool.submit(() -> cache.get(scope, scope, failing));
            Thread.sleep(100);
            release.countDown();
            for (var answer : List.of(first, second)) {
                var thrown = assertThrows(java.util.concurrent.ExecutionException.class, answer::get);
                assertEquals(IllegalArgumentException.class, thrown.getCause().getClass());
            }
        }
        assertEquals(1, loads.get());
        assertEquals("{\"value\":\"later1\"}", text(cache.get(scope, scope, counting(new AtomicInteger(), "later"))));
    }

    /** The caches that keep a viewer's value: those that can vouch for it (one instance, or copies beside Redis). */
    static Stream<Named<ViewCache>> keepingCaches() {
        return caches().filter(c -> !c.getName().equals("Redis") && !c.getName().equals("Redis Cluster"))
                .peek(c -> Stack.await(Duration.ofSeconds(5), c.getName() + " vouches for its copies",
                        () -> c.getName().equals("in-process") || c.getPayload().nearServing()));
    }

    @ParameterizedTest
    @MethodSource("keepingCaches")
    void aViewersValueIsKeptUntilItsScopeOrEverythingIsInvalidated(ViewCache cache) {
        long viewer = System.nanoTime();
        String key = "viewer-marks:" + viewer;
        String scope = Scopes.viewer(viewer);
        AtomicInteger loads = new AtomicInteger();
        Supplier<String> load = () -> "v" + loads.incrementAndGet();
        assertEquals("v1", cache.personal(key, scope, load, String::length));
        assertEquals("v1", cache.personal(key, scope, load, String::length));
        assertEquals(1, loads.get());
        cache.invalidate(scope);
        assertEquals("v2", cache.personal(key, scope, load, String::length));
        cache.invalidateAll();
        assertEquals("v3", cache.personal(key, scope, load, String::length));
        assertEquals("v3", cache.personal(key, scope, () -> null, String::length));
        assertEquals(null, cache.personal("viewer-marks:" + (viewer + 1), Scopes.viewer(viewer + 1), () -> null, String::length),
                "a loader's null is answered, not kept");
    }

    /** Without copies in this process nothing could end a kept value on another instance: none is kept, nothing loaded. */
    @org.junit.jupiter.api.Test
    void cachesThatCannotVouchForAViewersValueKeepNoneAndLoadNothing() {
        List<ViewCache> none = new ArrayList<>(List.of(ViewCache.disabled()));
        caches().filter(c -> keepingCaches().noneMatch(k -> k.getName().equals(c.getName()))).forEach(c -> none.add(c.getPayload()));
        for (ViewCache cache : none) {
            AtomicInteger loads = new AtomicInteger();
            assertEquals(null, cache.personal("viewer-marks:1", Scopes.viewer(1), () -> "v" + loads.incrementAndGet(), String::length));
            assertEquals(0, loads.get());
        }
    }

    @ParameterizedTest
    @MethodSource("caches")
    void invalidatingAScopeReloadsItsEntriesOnlyAndInvalidatingAllReloadsEverything(ViewCache cache) {
        String[] scopes = twoScopes();
        AtomicInteger a = new AtomicInteger();
        AtomicInteger b = new AtomicInteger();
        cache.get(scopes[0], scopes[0], counting(a, "a"));
        cache.get(scopes[1], scopes[1], counting(b, "b"));

        for (int i = 0; i < 3; i++) {
            cache.invalidate(scopes[0]);
        }
        assertEquals("{\"value\":\"a2\"}", text(cache.get(scopes[0], scopes[0], counting(a, "a"))));
        assertEquals("{\"value\":\"b1\"}", text(cache.get(scopes[1], scopes[1], counting(b, "b"))), "other scope kept");

        cache.invalidateAll();
        assertEquals("{\"value\":\"a3\"}", text(cache.get(scopes[0], scopes[0], counting(a, "a"))));
        assertEquals("{\"value\":\"b2\"}", text(cache.get(scopes[1], scopes[1], counting(b, "b"))));
    }

    /** A write that commits while a fill is loading: what the fill loaded is not served afterwards. */
    @ParameterizedTest
    @MethodSource("caches")
    void aFillOverlappingAnInvalidationIsNotServedLater(ViewCache cache) {
        String scope = twoScopes()[0];
        cache.get(scope, scope, () -> {
            cache.invalidate(scope);
            return json("loaded before the write");
        });
        assertEquals("\"after\"", text(cache.get(scope, scope, () -> json("after"))));
    }

    @ParameterizedTest
    @MethodSource("caches")
    void aFillAfterABumpAsksForDataAtLeastAsNewAsTheBump(ViewCache cache) {
        String scope = twoScopes()[0];
        long before = System.currentTimeMillis();
        cache.invalidate(scope);
        synchronized (SINCE) {
            SINCE.clear();
        }
        cache.get(scope, scope, () -> json("x"));
        synchronized (SINCE) {
            assertEquals(1, SINCE.size());
            assertTrue(SINCE.get(0) >= before, "fresh since " + SINCE.get(0) + ", bumped at or after " + before);
        }
    }

    @ParameterizedTest
    @MethodSource("caches")
    void largeViewsAreServedButNotStoredAndFailuresAreNotCached(ViewCache cache) {
        String scope = twoScopes()[0];
        AtomicInteger loads = new AtomicInteger();
        String big = "x".repeat(ViewCache.MAX_ENTRY_BYTES);
        for (int i = 0; i < 2; i++) {
            assertEquals(ViewCache.MAX_ENTRY_BYTES + 2, cache.get(scope, scope, () -> {
                loads.incrementAndGet();
                return json(big);
            }).length);
        }
        assertEquals(2, loads.get());

        String missing = twoScopes()[1];
        assertThrows(IllegalStateException.class, () -> cache.get(missing, missing, () -> {
            throw new IllegalStateException("404");
        }));
        assertEquals("\"found\"", text(cache.get(missing, missing, () -> json("found"))));
    }
}
