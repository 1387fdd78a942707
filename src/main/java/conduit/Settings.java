package conduit;

import java.nio.file.Path;
import java.time.Duration;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;

import conduit.db.DbSettings;
import conduit.ratelimit.LoginLimiter;
import conduit.redis.RedisSettings;
import conduit.session.SessionPolicy;

/**
 * Everything the app reads from its environment (12-factor). With nothing set, every tier has an
 * embedded default, so {@code java -jar target/conduit.jar} runs alone.
 *
 * @param host     interface to listen on ({@code HOST}, default all)
 * @param port     {@code PORT} or {@code SERVER_PORT}, default 8080; 0 picks a free port
 * @param dataDir  {@code CONDUIT_DATA_DIR}, default {@code ./data}: the embedded database and files
 * @param db       the data tier: embedded H2, or {@code DB_WRITER_URL} / {@code DB_READER_URL}
 * @param sessions session lifetimes ({@code SESSION_IDLE_MINUTES}, {@code SESSION_MAX_HOURS})
 * @param redis    sessions, query cache and rate limits in Redis ({@code REDIS_URL}), or null for in-process
 * @param cacheTtl how long a cached public read may live at most ({@code CACHE_TTL_MS}; 0 turns caching off)
 * @param logins   login attempts allowed per account and per address ({@code LOGIN_LIMIT_*})
 * @param edge     drain, TLS and CORS: how the instance meets the load balancer and browsers
 * @param aws      S3, KMS and Secrets Manager; every field null means the embedded equivalent
 */
public record Settings(String host, int port, Path dataDir, DbSettings db, SessionPolicy sessions,
                       RedisSettings redis, Duration cacheTtl, LoginLimiter.Limits logins, Edge edge, Aws aws) {

    /**
     * AWS services; any endpoint may be overridden for local stand-ins. Credentials and region
     * always come from the SDK's default chains (the instance role on EC2), never from here.
     *
     * @param s3Bucket          {@code S3_BUCKET}: user files in S3; null for a local folder with signed URLs
     * @param s3Prefix          {@code S3_PREFIX}
     * @param s3Endpoint        {@code S3_ENDPOINT}
     * @param s3KmsKeyId        {@code S3_KMS_KEY_ID}: SSE-KMS for uploaded objects
     * @param cdnBaseUrl        {@code CDN_BASE_URL}: serve images from a CDN instead of presigned GETs
     * @param publicBaseUrl     {@code PUBLIC_BASE_URL}: absolute base of image URLs (relative when empty)
     * @param kmsKeyId          {@code KMS_KEY_ID}: envelope encryption under KMS; null for the local key file
     * @param kmsEndpoint       {@code KMS_ENDPOINT}
     * @param dbSecretArn       {@code DB_SECRET_ARN}: database credentials from Secrets Manager
     * @param secretsEndpoint   {@code SECRETS_ENDPOINT}
     * @param redisSecretArn    {@code REDIS_AUTH_SECRET_ARN}: the Redis AUTH token from Secrets Manager
     */
    public record Aws(String s3Bucket, String s3Prefix, URI s3Endpoint, String s3KmsKeyId, String cdnBaseUrl,
                      String publicBaseUrl, String kmsKeyId, URI kmsEndpoint, String dbSecretArn, URI secretsEndpoint,
                      String redisSecretArn) {
        public static final Aws NONE = new Aws(null, "", null, null, null, "", null, null, null, null, null);

        static Aws from(Map<String, String> env) {
            return new Aws(text(env, "S3_BUCKET"), env.getOrDefault("S3_PREFIX", ""), uri(env, "S3_ENDPOINT"),
                    text(env, "S3_KMS_KEY_ID"), text(env, "CDN_BASE_URL"), env.getOrDefault("PUBLIC_BASE_URL", ""),
                    text(env, "KMS_KEY_ID"), uri(env, "KMS_ENDPOINT"), text(env, "DB_SECRET_ARN"),
                    uri(env, "SECRETS_ENDPOINT"), text(env, "REDIS_AUTH_SECRET_ARN"));
        }

        private static String text(Map<String, String> env, String name) {
            String value = env.get(name);
            return value == null || value.isBlank() ? null : value.trim();
        }

        private static URI uri(Map<String, String> env, String name) {
            String value = text(env, name);
            return value == null ? null : URI.create(value);
        }
    }

    /**
     * @param drain         readiness is 503 this long before the server stops ({@code DRAIN_SECONDS}, default 10)
     * @param grace         in-flight requests get this long to finish after that ({@code SHUTDOWN_GRACE_SECONDS}, 20)
     * @param tlsKeystore   a PKCS#12 key store to serve HTTPS from ({@code TLS_KEYSTORE}); null for plain HTTP
     * @param tlsPassword   its password ({@code TLS_KEYSTORE_PASSWORD})
     * @param corsOrigins   browser origins allowed to call the API ({@code CORS_ORIGINS}, comma-separated, or *)
     */
    public record Edge(Duration drain, Duration grace, Path tlsKeystore, String tlsPassword, Set<String> corsOrigins) {
        public static final Edge DEFAULT = new Edge(Duration.ofSeconds(10), Duration.ofSeconds(20), null, null, Set.of());
    }

    public static Settings fromEnvironment(Map<String, String> env) {
        String port = first(env, "PORT", "SERVER_PORT", "8080");
        Path dataDir = Path.of(env.getOrDefault("CONDUIT_DATA_DIR", "data"));
        DbSettings db = env.containsKey("DB_WRITER_URL")
                ? new DbSettings(env.get("DB_WRITER_URL"), env.get("DB_READER_URL"),
                        env.containsKey("DB_SECRET_ARN") ? null : required(env, "DB_USERNAME"), env.getOrDefault("DB_PASSWORD", ""),
                        integer(env, "DB_WRITER_POOL_SIZE", 10), integer(env, "DB_READER_POOL_SIZE", 10),
                        Duration.ofMillis(integer(env, "DB_CONNECT_TIMEOUT_MS", 3000)),
                        Duration.ofMillis(integer(env, "DB_READ_YOUR_WRITES_MS", 5000)),
                        Duration.ofMillis(integer(env, "DB_MAX_REPLICA_LAG_MS", 2000)),
                        Duration.ofMillis(integer(env, "DB_REPLICA_CHECK_MS", 500)),
                        Duration.ofMillis(integer(env, "DB_READER_BACKOFF_MS", 5000)))
                : DbSettings.embedded(dataDir);
        SessionPolicy sessions = new SessionPolicy(
                Duration.ofMinutes(integer(env, "SESSION_IDLE_MINUTES", (int) SessionPolicy.DEFAULT.idle().toMinutes())),
                Duration.ofHours(integer(env, "SESSION_MAX_HOURS", (int) SessionPolicy.DEFAULT.absolute().toHours())));
        LoginLimiter.Limits logins = new LoginLimiter.Limits(
                integer(env, "LOGIN_LIMIT_PER_ACCOUNT", LoginLimiter.Limits.DEFAULT.perAccount()),
                integer(env, "LOGIN_LIMIT_PER_ADDRESS", LoginLimiter.Limits.DEFAULT.perAddress()),
                Duration.ofSeconds(integer(env, "LOGIN_LIMIT_WINDOW_SECONDS", (int) LoginLimiter.Limits.DEFAULT.window().toSeconds())));
        String keystore = env.get("TLS_KEYSTORE");
        Edge edge = new Edge(Duration.ofSeconds(integer(env, "DRAIN_SECONDS", 10)),
                Duration.ofSeconds(integer(env, "SHUTDOWN_GRACE_SECONDS", 20)),
                keystore == null || keystore.isBlank() ? null : Path.of(keystore), env.get("TLS_KEYSTORE_PASSWORD"),
                Set.of(env.getOrDefault("CORS_ORIGINS", "").split("\\s*,\\s*")).stream()
                        .filter(o -> !o.isBlank()).collect(java.util.stream.Collectors.toUnmodifiableSet()));
        return new Settings(env.getOrDefault("HOST", "0.0.0.0"), Integer.parseInt(port), dataDir, db, sessions,
                redis(env), Duration.ofMillis(integer(env, "CACHE_TTL_MS", 30_000)), logins, edge, Aws.from(env));
    }

    /** Redis from {@code REDIS_URL} (redis:// or rediss://) or {@code REDIS_CLUSTER_NODES}; null when neither is set. */
    private static RedisSettings redis(Map<String, String> env) {
        String url = env.get("REDIS_URL");
        String nodes = env.get("REDIS_CLUSTER_NODES");
        if ((url == null || url.isBlank()) && (nodes == null || nodes.isBlank())) {
            return null;
        }
        List<String> cluster = List.of();
        if (nodes != null && !nodes.isBlank()) {
            cluster = List.of(nodes.split(","));
        } else if (Boolean.parseBoolean(env.getOrDefault("REDIS_CLUSTER", "false"))) {
            URI seed = URI.create(url);
            cluster = List.of(seed.getHost() + ":" + (seed.getPort() > 0 ? seed.getPort() : 6379));
        }
        String ca = env.get("REDIS_TLS_CA_FILE");
        return new RedisSettings(url == null || url.isBlank() ? null : URI.create(url), cluster,
                env.get("REDIS_USERNAME"), env.get("REDIS_PASSWORD"),
                ca == null || ca.isBlank() ? null : Path.of(ca),
                Duration.ofMillis(integer(env, "REDIS_TIMEOUT_MS", 500)), integer(env, "REDIS_POOL_SIZE", 32));
    }

    /** Embedded defaults on a free port, with data under the given directory: for tests. */
    public static Settings embedded(Path dataDir) {
        return new Settings("127.0.0.1", 0, dataDir, DbSettings.embedded(dataDir), SessionPolicy.DEFAULT,
                null, Duration.ofSeconds(30), LoginLimiter.Limits.DEFAULT, Edge.DEFAULT, Aws.NONE);
    }

    /** The same settings listening on a free loopback port with data under the given directory (tests). */
    public Settings onFreeLoopbackPort(Path dir) {
        return new Settings("127.0.0.1", 0, dir, db, sessions, redis, cacheTtl, logins, edge, aws);
    }

    /** The same settings with another database. */
    public Settings withDb(DbSettings db) {
        return new Settings(host, port, dataDir, db, sessions, redis, cacheTtl, logins, edge, aws);
    }

    /** The same settings with other drain, TLS and CORS settings. */
    public Settings withEdge(Edge edge) {
        return new Settings(host, port, dataDir, db, sessions, redis, cacheTtl, logins, edge, aws);
    }

    /** The same settings with another cache TTL (zero: no query cache). */
    public Settings withCacheTtl(Duration cacheTtl) {
        return new Settings(host, port, dataDir, db, sessions, redis, cacheTtl, logins, edge, aws);
    }

    /** The same settings with other AWS services. */
    public Settings withAws(Aws aws) {
        return new Settings(host, port, dataDir, db, sessions, redis, cacheTtl, logins, edge, aws);
    }

    /** The same settings with another Redis (or none). */
    public Settings withRedis(RedisSettings redis) {
        return new Settings(host, port, dataDir, db, sessions, redis, cacheTtl, logins, edge, aws);
    }

    /** The same settings with other login limits. */
    public Settings withLogins(LoginLimiter.Limits logins) {
        return new Settings(host, port, dataDir, db, sessions, redis, cacheTtl, logins, edge, aws);
    }

    /** A short description of the wiring, for the start-up line. */
    public String mode() {
        String data = db.embedded() ? "embedded H2" : "mysql writer + reader";
        String cache = redis == null ? "in-process sessions and cache" : redis.cluster() ? "redis cluster" : "redis";
        return data + ", " + cache + (aws.kmsKeyId() == null ? ", local key" : ", kms")
                + (aws.s3Bucket() == null ? ", local files" : ", s3") + (edge.tlsKeystore() == null ? ", http" : ", https");
    }

    private static String first(Map<String, String> env, String a, String b, String fallback) {
        return env.getOrDefault(a, env.getOrDefault(b, fallback));
    }

    private static String required(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must be set when DB_WRITER_URL is");
        }
        return value;
    }

    private static int integer(Map<String, String> env, String name, int fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, got '" + value + "'", e);
        }
    }
}
