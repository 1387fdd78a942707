package conduit.session;

import java.time.Duration;
import java.util.List;

import conduit.Stack;
import conduit.ops.TierBreaker;
import conduit.redis.RedisConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The session rules over the Redis backend, against a real Redis and Redis Cluster (scripts/stack up redis redis-cluster). */
@EnabledIfEnvironmentVariable(named = "REDIS_URL", matches = ".+", disabledReason = "needs scripts/stack up redis")
class RedisSessionBackendTest {
    private static final conduit.common.ClientInfo CLIENT =
            new conduit.common.ClientInfo(java.net.InetAddress.getLoopbackAddress(), "JUnit");
    private static final TierBreaker BREAKER = new TierBreaker("redis-sessions-test", e -> true, Duration.ofSeconds(1));
    private static final Duration TIMEOUT = Duration.ofMillis(500);
    private UnifiedJedis redis;

    private SessionStore store(UnifiedJedis client, Duration idle, Duration absolute) {
        redis = client;
        return Sessions.redis(client, BREAKER, TIMEOUT, new SessionPolicy(idle, absolute), System::currentTimeMillis);
    }

    private static UnifiedJedis standalone() {
        return RedisConnector.connect(Stack.standaloneRedis());
    }

    @AfterEach
    void close() {
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void storesTheHashOfTheTokenNeverTheToken() {
        SessionStore store = store(standalone(), Duration.ofMinutes(5), Duration.ofMinutes(10));
        String token = store.create(42, CLIENT);
        String key = RedisSessionBackend.key(Tokens.hash(token));
        assertTrue(key.endsWith(Tokens.hash(token)));
        String value = redis.get(key);
        assertNotNull(value);
        assertFalse(value.contains(token));
        for (String k : redis.scan("0", new ScanParams().match("conduit:*").count(10_000)).getResult()) {
            assertFalse(k.contains(token), "a key holds the raw token: " + k);
        }
        assertEquals(42, store.find(token).orElseThrow().userId());
    }

    @Test
    void idleExpirySlidesWithUse() throws InterruptedException {
        SessionStore store = store(standalone(), Duration.ofMillis(1000), Duration.ofMinutes(1));
        String token = store.create(1, CLIENT);
        for (int i = 0; i < 4; i++) {
            Thread.sleep(500);
            assertTrue(store.find(token).isPresent(), "used every 0.5 s, idle limit 1 s (step " + i + ")");
        }
        Thread.sleep(1300);
        assertTrue(store.find(token).isEmpty(), "idle for 1.3 s");
    }

    @Test
    void absoluteLifetimeEndsAnActiveSession() throws InterruptedException {
        SessionStore store = store(standalone(), Duration.ofMillis(1000), Duration.ofMillis(2000));
        String token = store.create(1, CLIENT);
        long start = System.currentTimeMillis();
        while (System.currentTimeMillis() - start < 1700) {
            assertTrue(store.find(token).isPresent());
            Thread.sleep(300);
        }
        Thread.sleep(600);
        assertTrue(store.find(token).isEmpty(), "2.3 s after creation, cap 2 s");
        assertEquals(null, redis.get(RedisSessionBackend.key(Tokens.hash(token))), "the key itself is gone");
    }

    @Test
    void revokeAndRevokeOthers() {
        SessionStore store = store(standalone(), Duration.ofMinutes(5), Duration.ofMinutes(10));
        long user = System.nanoTime();
        String a = store.create(user, CLIENT);
        String b = store.create(user, CLIENT);
        String c = store.create(user, CLIENT);
        store.revoke(a);
        assertTrue(store.find(a).isEmpty());
        store.revokeOthers(user, c);
        assertTrue(store.find(b).isEmpty());
        assertTrue(store.find(c).isPresent());
    }

    @Test
    void aWriteMarkedOnOneInstanceIsSeenByEveryInstance() {
        SessionStore one = store(standalone(), Duration.ofMinutes(5), Duration.ofMinutes(10));
        try (UnifiedJedis other = standalone()) {
            SessionStore two = Sessions.redis(other, BREAKER, TIMEOUT, new SessionPolicy(Duration.ofMinutes(5), Duration.ofMinutes(10)),
                    System::currentTimeMillis);
            String token = one.create(7, CLIENT);
            assertEquals(0, two.find(token).orElseThrow().lastWriteAt());
            assertEquals(0, one.findWriting(token, 12345).orElseThrow().lastWriteAt(), "the previous write's time");
            assertEquals(12345, two.find(token).orElseThrow().lastWriteAt());
            one.revoke(token);
            assertTrue(two.findWriting(token, 23456).isEmpty(), "a revoked session is not brought back by a write");
            assertTrue(one.find(token).isEmpty());
        }
    }

    @Test
    @EnabledIfEnvironmentVariable(named = "REDIS_CLUSTER_NODES", matches = ".+", disabledReason = "needs scripts/stack up redis-cluster")
    void worksOnARedisCluster() {
        UnifiedJedis cluster = RedisConnector.connect(Stack.clusterRedis());
        SessionStore store = store(cluster, Duration.ofMinutes(5), Duration.ofMinutes(10));
        long user = System.nanoTime();
        List<String> tokens = List.of(store.create(user, CLIENT), store.create(user, CLIENT), store.create(user, CLIENT), store.create(user, CLIENT));
        for (String t : tokens) {
            assertEquals(user, store.find(t).orElseThrow().userId());
        }
        store.findWriting(tokens.get(0), 99);
        assertEquals(99, store.find(tokens.get(0)).orElseThrow().lastWriteAt());
        store.revokeOthers(user, tokens.get(3));
        assertTrue(store.find(tokens.get(0)).isEmpty());
        assertTrue(store.find(tokens.get(3)).isPresent());
    }

    /** Last use from PEXPIRETIME minus the idle period; records of the previous release listed too. */
    @Test
    void theListReadsLastUseFromTheExpiryInRedis() throws Exception {
        long user = 900_000 + System.nanoTime() % 100_000;
        SessionStore store = store(standalone(), Duration.ofMinutes(5), Duration.ofMinutes(30));
        long before = System.currentTimeMillis();
        String token = store.create(user, CLIENT);
        Thread.sleep(50);
        store.find(token);
        long after = System.currentTimeMillis();
        String old = Tokens.newToken();
        redis.set(RedisSessionBackend.key(Tokens.hash(old)), user + ":" + before + ":0",
                SetParams.setParams().px(60_000));
        redis.sadd("conduit:user-sessions:" + user, Tokens.hash(old));
        List<SessionInfo> list = store.list(user);
        assertEquals(2, list.size(), list.toString());
        SessionInfo mine = list.stream().filter(s -> s.tokenHash().equals(Tokens.hash(token))).findFirst().orElseThrow();
        assertTrue(mine.lastUsedAt() >= before + 50 && mine.lastUsedAt() <= after, mine + " vs " + before + ".." + after);
        assertEquals("JUnit", mine.userAgent());
        assertTrue(list.stream().anyMatch(s -> s.tokenHash().equals(Tokens.hash(old)) && s.userAgent() == null));
        assertEquals(1, store.revokeOthers(user, token), "the other one ended");
        assertEquals(1, store.list(user).size());
    }
}
