package conduit.session;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import conduit.Stack;
import conduit.TcpForwarder;
import conduit.redis.RedisConnector;
import conduit.redis.RedisSettings;
import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Metrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Session look-ups shared between concurrent requests, against a real Redis and Redis Cluster (scripts/stack up redis redis-cluster). */
@EnabledIfEnvironmentVariable(named = "REDIS_URL", matches = ".+", disabledReason = "needs scripts/stack up redis")
class PipelinedLookupsTest {
    private static final Duration TIMEOUT = Duration.ofMillis(500);

    @Test
    void concurrentLookupsEachGetTheirOwnValueInSharedBatches() throws Exception {
        try (UnifiedJedis redis = RedisConnector.connect(Stack.standaloneRedis())) {
            lookUpConcurrently(redis, "pipelined-test:" + System.nanoTime() + ":");
        }
    }

    @Test
    @EnabledIfEnvironmentVariable(named = "REDIS_CLUSTER_NODES", matches = ".+", disabledReason = "needs scripts/stack up redis-cluster")
    void concurrentLookupsOnARedisClusterSpanItsNodes() throws Exception {
        try (UnifiedJedis cluster = RedisConnector.connect(Stack.clusterRedis())) {
            lookUpConcurrently(cluster, "pipelined-test:" + System.nanoTime() + ":");
        }
    }

    /** 300 keys, each looked up 3 times by as many threads at once: every reply is its own key's value, no other's. */
    private static void lookUpConcurrently(UnifiedJedis redis, String prefix) throws Exception {
        int keys = 300;
        for (int i = 0; i < keys; i++) {
            redis.set(prefix + i, "value-" + i);
        }
        PipelinedLookups lookups = new PipelinedLookups(redis, TIMEOUT);
        double batchesBefore = counter("session.lookup.batches");
        double lookupsBefore = counter("session.lookups");
        List<Integer> order = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < keys; i++) {
                order.add(i);
            }
        }
        Collections.shuffle(order);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<String>> replies = new ArrayList<>();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i : order) {
                replies.add(threads.submit(() -> {
                    start.await();
                    return lookups.getEx(prefix + i, 60_000);
                }));
            }
            start.countDown();
            for (int n = 0; n < order.size(); n++) {
                assertEquals("value-" + order.get(n), replies.get(n).get(), "look-up " + n);
            }
        }
        long ttl = redis.pttl(prefix + 7);
        assertTrue(ttl > 50_000 && ttl <= 60_000, "the look-up slid the key's expiry: " + ttl);
        double sent = counter("session.lookups") - lookupsBefore;
        double batches = counter("session.lookup.batches") - batchesBefore;
        assertEquals(order.size(), sent, 0.0);
        assertTrue(batches < sent, batches + " batches for " + sent + " look-ups: none shared");
        assertNull(lookups.getEx(prefix + "missing", 60_000));
    }

    @Test
    void aKeyOfTheWrongTypeFailsOnlyItsOwnLookup() throws Exception {
        try (UnifiedJedis redis = RedisConnector.connect(Stack.standaloneRedis())) {
            String prefix = "pipelined-test:" + System.nanoTime() + ":";
            redis.sadd(prefix + "set", "member");
            redis.set(prefix + "string", "fine");
            PipelinedLookups lookups = new PipelinedLookups(redis, TIMEOUT);
            try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<String>> good = new ArrayList<>();
                List<Future<String>> bad = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    good.add(threads.submit(() -> lookups.getEx(prefix + "string", 60_000)));
                    bad.add(threads.submit(() -> lookups.getEx(prefix + "set", 60_000)));
                }
                for (int i = 0; i < 50; i++) {
                    assertEquals("fine", good.get(i).get());
                    Future<String> wrong = bad.get(i);
                    var e = assertThrows(java.util.concurrent.ExecutionException.class, wrong::get);
                    assertTrue(e.getCause() instanceof JedisDataException, e.getCause().toString());
                }
            }
        }
    }

    /** Redis accepts the connection and never answers: every look-up gives up within the timeout, then recovers. */
    @Test
    void aLookupWaitsNoLongerThanTheTimeoutWhenRedisHangs() throws Exception {
        URI url = URI.create(Stack.env("REDIS_URL"));
        try (TcpForwarder wedge = new TcpForwarder(new InetSocketAddress(url.getHost(), url.getPort()));
             UnifiedJedis redis = connectHeld(wedge, url)) {
            PipelinedLookups lookups = new PipelinedLookups(redis, TIMEOUT);
            try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<Long>> waits = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    waits.add(threads.submit(() -> {
                        long began = System.nanoTime();
                        assertThrows(JedisConnectionException.class, () -> lookups.getEx("pipelined-test:held", 60_000));
                        return (System.nanoTime() - began) / 1_000_000;
                    }));
                }
                for (Future<Long> wait : waits) {
                    long ms = wait.get();
                    assertTrue(ms >= TIMEOUT.toMillis() - 50 && ms < TIMEOUT.toMillis() + 400, "gave up after " + ms + " ms");
                }
            }
            assertTrue(wedge.held() > 0, "the look-ups reached the wedged port");
            wedge.release();
            String key = "pipelined-test:after:" + System.nanoTime();
            redis.set(key, "back");
            assertEquals("back", lookups.getEx(key, 60_000));
        }
    }

    /** A client whose every connection goes through the wedge, held before the first is made. */
    private static UnifiedJedis connectHeld(TcpForwarder wedge, URI url) {
        wedge.hold();
        return RedisConnector.connect(RedisSettings.builder()
                .url(URI.create(url.getScheme() + "://" + url.getHost() + ":" + wedge.port()))
                .credentials(null, Stack.env("REDIS_PASSWORD")).poolSize(2).timeout(TIMEOUT).build());
    }

    private static double counter(String name) {
        return Metrics.globalRegistry().getOrCreate(Counter.builder(name)).count();
    }
}
