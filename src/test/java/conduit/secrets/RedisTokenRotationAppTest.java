package conduit.secrets;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import conduit.Api;
import conduit.App;
import conduit.Settings;
import conduit.Stack;
import conduit.redis.RedisSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import redis.clients.jedis.Jedis;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The app keeps answering while its Redis AUTH token (REDIS_AUTH_SECRET_ARN, in moto) is rotated
 * under load, the way the stack's rotation function does it on ElastiCache: the new token is
 * added (ModifyReplicationGroup, strategy ROTATE: both accepted), the secret moves to it, and
 * later the old token goes. The stack's real Redis stands in for ElastiCache, with an ACL user
 * of this test in place of the default user's token. After the old token is gone the load grows
 * (2 to 12 clients over two seconds), so the app's pool opens new connections: the first login
 * with the token in memory is refused, the app reads the secret again and logs in with the new
 * one. (Ten new connections refused at the same instant on a loaded 2-core machine made the
 * logins slow enough for the Redis breaker's slow-call rule to open it for half a second: see
 * docs/RELEASE.md.)
 */
@EnabledIfEnvironmentVariable(named = "REDIS_URL", matches = ".+", disabledReason = "needs scripts/stack up redis moto")
@EnabledIfEnvironmentVariable(named = "MOTO_ENDPOINT", matches = ".+", disabledReason = "needs scripts/stack up redis moto")
class RedisTokenRotationAppTest {

    @Test
    void theAppKeepsAnsweringThroughATokenRotationUnderLoad() throws Exception {
        String user = "app_rot_" + UUID.randomUUID().toString().substring(0, 8);
        String first = "first-" + UUID.randomUUID();
        String second = "second-" + UUID.randomUUID();
        URI redisUrl = URI.create(Stack.env("REDIS_URL"));
        try (Jedis admin = new Jedis(redisUrl.getHost(), redisUrl.getPort());
             SecretsManagerClient secrets = SecretsStack.client()) {
            admin.auth(Stack.env("REDIS_PASSWORD"));
            admin.aclSetUser(user, "on", ">" + first, "~*", "&*", "+@all");
            try {
                String arn = secrets.createSecret(r -> r.name(SecretsStack.uniqueName("conduit/redis-auth"))
                        .secretString(first)).arn();
                Settings base = Stack.redisSettings();
                Settings settings = base.toBuilder()
                        .redis(RedisSettings.builder().url(redisUrl).credentials(user, null).poolSize(16).build())
                        .aws(base.aws().toBuilder().redisSecretArn(arn).secretsEndpoint(SecretsStack.endpoint()).build())
                        .build();
                try (App.Running app = App.start(settings)) {
                    long tokenRead = System.nanoTime();   // the app read the token while starting
                    Api api = Api.of(app);
                    String token = api.register(Api.unique("rrot"));
                    String slug = api.article(token, "Redis rotation");
                    long start = System.nanoTime();
                    long rotated;
                    long grown;
                    int connectionsBefore;
                    int connectionsAfter;
                    long refused;
                    RotationLoad load = new RotationLoad(api, token, slug).workers(2);
                    try (load) {
                        Thread.sleep(2000);
                        connectionsBefore = connections(admin, user);
                        rotated = System.nanoTime();
                        admin.aclSetUser(user, ">" + second);                  // ROTATE: both tokens accepted
                        secrets.putSecretValue(r -> r.secretId(arn).secretString(second));
                        // The old token goes later than the refresh rate limit after the app's
                        // last read of the secret, as it does on AWS (days after start-up): a
                        // refusal sooner than that waits out the limit (docs/RELEASE.md, rotation).
                        sleepUntil(tokenRead + SecretCredentials.MIN_REFRESH_INTERVAL.toNanos() + 500_000_000L);
                        admin.aclSetUser(user, "<" + first);                   // the old token is gone
                        grown = System.nanoTime();
                        // traffic grows over two seconds: new connections, new logins
                        for (int i = 0; i < 10; i++) {
                            load.workers(1);
                            Thread.sleep(200);
                        }
                        Thread.sleep(2000);
                        connectionsAfter = connections(admin, user);
                        refused = refusedLogins(admin, user);
                    }
                    List<RotationLoad.Outcome> before = load.all().stream().filter(o -> o.at() < rotated).toList();
                    List<RotationLoad.Outcome> during = load.since(rotated);
                    System.out.printf("%nREDIS TOKEN ROTATION UNDER LOAD: before the rotation %s; from the rotation on %s;"
                                    + " app connections %d -> %d; logins refused (old token) %d; %.1f s%n",
                            RotationLoad.summary(before), RotationLoad.summary(during), connectionsBefore,
                            connectionsAfter, refused, (System.nanoTime() - start) / 1e9);
                    assertEquals(0, RotationLoad.failed(load.all()), "errors: " + RotationLoad.summary(load.all()));
                    assertTrue(load.since(grown).size() > 50, "the load ran after the old token was dropped");
                    assertTrue(connectionsAfter > connectionsBefore,
                            "the pool opened new connections after the rotation: " + connectionsBefore + " -> " + connectionsAfter);
                    assertTrue(refused >= 1, "a login with the old token was refused and the app recovered");
                    // and nothing else was needed: a new session still works
                    assertEquals(200, api.get("/api/user", api.register(Api.unique("rrot"))).status());
                }
            } finally {
                admin.aclDelUser(user);
            }
        }
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(Duration.ofNanos(wait));
        }
    }

    /** The user's open connections (CLIENT LIST). */
    private static int connections(Jedis admin, String user) {
        return (int) admin.clientList().lines().filter(l -> l.contains(" user=" + user + " ")).count();
    }

    private static long refusedLogins(Jedis admin, String user) {
        return admin.aclLog().stream().filter(e -> "auth".equals(e.getReason()) && user.equals(e.getUsername()))
                .mapToLong(e -> e.getCount()).sum();
    }
}
