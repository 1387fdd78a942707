package conduit.redis;

import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import conduit.Stack;
import conduit.secrets.SecretValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * New Redis connections log in with a rotated AUTH token from Secrets Manager (moto), against
 * the stack's real Redis: an ACL user of this test stands in for ElastiCache's AUTH token
 * (ElastiCache's ROTATE strategy = a second password on the user, later the first one dropped).
 * Clearing the client's pool makes it open new connections, each a new login.
 */
@EnabledIfEnvironmentVariable(named = "REDIS_URL", matches = ".+", disabledReason = "needs scripts/stack up redis moto")
@EnabledIfEnvironmentVariable(named = "MOTO_ENDPOINT", matches = ".+", disabledReason = "needs scripts/stack up redis moto")
class RedisRotationTest {
    private final String user = "rot_" + UUID.randomUUID().toString().substring(0, 8);
    private final AtomicInteger reads = new AtomicInteger();
    private SecretsManagerClient secrets;
    private Jedis admin;
    private String secretArn;

    @BeforeEach
    void start() {
        URI url = URI.create(Stack.env("REDIS_URL"));
        admin = new Jedis(url.getHost(), url.getPort());
        admin.auth(Stack.env("REDIS_PASSWORD"));
        admin.aclSetUser(user, "on", ">" + token("one"), "~*", "&*", "+@all");
        secrets = SecretsManagerClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder())
                .endpointOverride(URI.create(Stack.env("MOTO_ENDPOINT"))).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"))).build();
        secretArn = secrets.createSecret(r -> r.name("conduit/test/redis-" + user).secretString(token("one"))).arn();
    }

    @AfterEach
    void stop() {
        admin.aclDelUser(user);
        admin.close();
        secrets.close();
    }

    /** A token unique to this test run (ACL passwords are per user, the user is unique). */
    private String token(String name) {
        return name + "-" + user;
    }

    /** The secret as the app reads it, counting Secrets Manager calls; no rate limit unless given. */
    private SecretValue secret(Duration minRefresh) {
        return new SecretValue(secretArn, () -> {
            reads.incrementAndGet();
            return secrets.getSecretValue(r -> r.secretId(secretArn)).secretString();
        }, minRefresh);
    }

    private UnifiedJedis connect(SecretValue token) {
        RedisSettings settings = RedisSettings.builder().url(URI.create(Stack.env("REDIS_URL"))).credentials(user, null)
                .poolSize(4).build();
        return RedisConnector.connect(settings, token);
    }

    private void putSecret(String value) {
        secrets.putSecretValue(r -> r.secretId(secretArn).secretString(value));
    }

    /** Failed logins of this test's user that Redis recorded (ACL LOG, reason "auth"). */
    private long refusedLogins() {
        return admin.aclLog().stream().filter(e -> "auth".equals(e.getReason()) && user.equals(e.getUsername()))
                .mapToLong(e -> e.getCount()).sum();
    }

    private static void newConnections(UnifiedJedis redis) {
        ((RedisClient) redis).getPool().clear();
    }

    @Test
    void newConnectionsCostNoSecretsManagerCallWhileTheTokenIsAccepted() {
        try (UnifiedJedis redis = connect(secret(Duration.ZERO))) {
            for (int i = 0; i < 10; i++) {
                newConnections(redis);
                redis.set("k-" + user, "v" + i);
                assertEquals("v" + i, redis.get("k-" + user));
            }
            assertEquals(1, reads.get(), "read once at start, not per connection");
            assertEquals(0, refusedLogins());
        }
    }

    @Test
    void afterAnElastiCacheStyleRotationNewConnectionsReadTheNewTokenOnce() {
        try (UnifiedJedis redis = connect(secret(Duration.ZERO))) {
            redis.set("k-" + user, "before");
            // ROTATE: Redis accepts both tokens, then the secret moves to the new one
            admin.aclSetUser(user, ">" + token("two"));
            putSecret(token("two"));
            newConnections(redis);
            assertEquals("before", redis.get("k-" + user), "the old token still works while both are accepted");
            assertEquals(1, reads.get(), "nothing refused: nothing read");
            // the old token is dropped: the next new connection is refused, re-reads, logs in
            admin.aclSetUser(user, "<" + token("one"));
            newConnections(redis);
            assertEquals("before", redis.get("k-" + user));
            assertEquals(2, reads.get(), "one read for the refusal");
            assertEquals(1, refusedLogins(), "exactly one login was refused");
            for (int i = 0; i < 5; i++) {
                newConnections(redis);
                redis.get("k-" + user);
            }
            assertEquals(2, reads.get(), "the new token in memory serves the next connections");
        }
    }

    @Test
    void afterAHardSwitchOpenConnectionsKeepWorkingAndNewOnesUseTheNewToken() {
        try (UnifiedJedis redis = connect(secret(Duration.ZERO))) {
            redis.set("k-" + user, "open");
            // like CONFIG SET requirepass: the old token stops working for new logins at once
            admin.aclSetUser(user, "resetpass", ">" + token("three"));
            putSecret(token("three"));
            assertEquals("open", redis.get("k-" + user), "an open connection is not logged out");
            newConnections(redis);
            assertEquals("open", redis.get("k-" + user));
            assertEquals(2, reads.get());
        }
    }

    @Test
    void aWrongSecretFailsTheLoginWithoutALoopOfSecretsManagerCalls() throws InterruptedException {
        try (UnifiedJedis redis = connect(secret(Duration.ofSeconds(5)))) {
            redis.set("k-" + user, "v");
            admin.aclSetUser(user, "resetpass", ">" + token("four"));
            putSecret(token("not-it"));
            Thread.sleep(10);
            for (int i = 0; i < 20; i++) {
                newConnections(redis);
                JedisException e = assertThrows(JedisException.class, () -> redis.get("k-" + user));
                assertTrue(RedisConnector.refusedLogin(e), String.valueOf(e));
            }
            assertTrue(reads.get() <= 2, "at most one read per 5 s however many logins fail: " + reads.get());
        }
    }
}
