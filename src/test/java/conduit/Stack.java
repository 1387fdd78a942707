package conduit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import conduit.redis.RedisSettings;


/**
 * The local stack started by {@code scripts/stack} (real MariaDB writer + replica, Redis, ...),
 * for integration tests. Settings come from the environment that {@code scripts/stack env} prints.
 */
public final class Stack {
    private Stack() {
    }

    public static String env(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(name + " is not set: start the stack with scripts/stack up and eval scripts/stack env");
        }
        return value;
    }

    /** Every app of this test run on the stack's shared database uses the same key (one per database). */
    private static String sharedKmsKey;
    private static final Path SHARED_DATA_DIR = tempDir();

    /**
     * The app's settings for MySQL mode against the stack, on a free loopback port, with in-process
     * sessions and no query cache: the data tier's routing alone, with nothing answering for it.
     * Emails are encrypted under one KMS key (moto) shared by every instance, as in production;
     * without moto, under one local key file shared by the test run.
     */
    public static Settings mysqlSettings(Duration readYourWrites, Duration maxLag) {
        Settings fromEnv = Settings.fromEnvironment(System.getenv());
        Settings settings = relaxedLimits(fromEnv.toBuilder().db(fromEnv.db().withReplicaBounds(readYourWrites, maxLag))
                .redis(null).cacheTtl(Duration.ZERO).build().onFreeLoopbackPort(SHARED_DATA_DIR));
        String moto = System.getenv("MOTO_ENDPOINT");
        if (moto == null || moto.isBlank()) {
            return settings;
        }
        return settings.toBuilder().aws(Settings.Aws.builder().kmsKeyId(sharedKmsKey(moto)).kmsEndpoint(URI.create(moto)).build())
                .build();
    }

    /** The KMS key the stack's database is encrypted under: CONDUIT_TEST_KMS_KEY_ID, else one made in moto for this run. */
    public static synchronized String sharedKmsKey(String moto) {
        if (sharedKmsKey == null) {
            String given = System.getenv("CONDUIT_TEST_KMS_KEY_ID");
            sharedKmsKey = given != null && !given.isBlank() ? given : createKey(moto);
        }
        return sharedKmsKey;
    }

    private static String createKey(String moto) {
        try (var kms = software.amazon.awssdk.services.kms.KmsClient.builder()
                .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create())
                .endpointOverride(URI.create(moto)).region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("test", "test"))).build()) {
            return kms.createKey(r -> r.description("conduit tests")).keyMetadata().arn();
        }
    }

    /** Embedded database, the stack's standalone Redis: for tests of the cache tier alone. */
    public static Settings redisSettings() {
        return relaxedLimits(Settings.embedded(tempDir()).toBuilder().redis(standaloneRedis()).build());
    }

    /**
     * The settings with three limits raised out of the way of tests of other features: the
     * per-address sign-up and login limits (every test user comes from 127.0.0.1, as the
     * conformance suite's do) and the per-user write limit (load and rotation tests write as fast
     * as they can with one token). The per-account login limit, the upload quota and every other
     * rule stay as configured; the limits' own tests ({@code ratelimit.RateLimitTest}) run on the
     * defaults.
     */
    public static Settings relaxedLimits(Settings settings) {
        return settings.toBuilder().limits(settings.limits().toBuilder()
                .signupPerAddress(new conduit.ratelimit.RateLimits.Rate(100_000, Duration.ofMinutes(1)))
                .loginPerAddress(new conduit.ratelimit.RateLimits.Rate(100_000, Duration.ofMinutes(1)))
                .writesPerUser(new conduit.ratelimit.RateLimits.Rate(100_000, Duration.ofMinutes(1)))
                .build()).build();
    }

    /** The stack's standalone Redis (REDIS_URL), even when cluster nodes are in the environment too. */
    public static RedisSettings standaloneRedis() {
        return RedisSettings.builder().url(URI.create(env("REDIS_URL"))).credentials(null, env("REDIS_PASSWORD"))
                .poolSize(8).build();
    }

    /** The stack's Redis Cluster (REDIS_CLUSTER_NODES). */
    public static RedisSettings clusterRedis() {
        return RedisSettings.builder().clusterNodes(List.of(env("REDIS_CLUSTER_NODES").split(",")))
                .credentials(null, env("REDIS_PASSWORD")).poolSize(4).build();
    }

    /** A data directory for one test app, deleted when the test JVM exits. */
    public static Path tempDir() {
        return TempDirs.make("conduit-it");
    }

    /** Runs {@code scripts/stack ARGS...} and fails the test if it fails. */
    public static void script(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("scripts/stack"));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).inheritIO().start();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new AssertionError("scripts/stack " + String.join(" ", args) + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs SQL on the reader as the stack's admin (STOP SLAVE, START SLAVE, ...). */
    public static void onReader(String sql) {
        admin("STACK_DB_READER_PORT", sql);
    }

    public static void onWriter(String sql) {
        admin("STACK_DB_WRITER_PORT", sql);
    }

    private static void admin(String portVar, String sql) {
        String url = "jdbc:mysql://127.0.0.1:" + env(portVar) + "/";
        try (Connection c = DriverManager.getConnection(url, env("STACK_DB_ADMIN_USER"), env("STACK_DB_ADMIN_PASSWORD"));
             Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** Waits out a time the test is about (a window, a bound), not a condition: for those, {@link #await}. */
    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Polls until the condition holds, at most {@code timeout}; fails with the message otherwise. */
    public static void await(Duration timeout, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** The app's health and metrics listener. */
    public static URI observe(App.Running app) {
        return URI.create("http://127.0.0.1:" + app.observePort());
    }

    /** One sample from /observe/metrics: the value of the first line starting with the prefix, or 0. */
    public static double metric(App.Running app, String linePrefix) {
        URI base = observe(app);
        try {
            HttpResponse<String> res = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(base.resolve("/observe/metrics")).header("Accept", "text/plain").build(),
                    HttpResponse.BodyHandlers.ofString());
            for (String line : res.body().split("\n")) {
                if (line.startsWith(linePrefix)) {
                    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return 0;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

}
