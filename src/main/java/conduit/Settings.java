package conduit;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import conduit.db.DbSettings;
import conduit.ratelimit.RateLimits;
import conduit.redis.RedisSettings;
import conduit.session.SessionPolicy;
import conduit.user.AccountPolicy;
import conduit.web.Cidr;

/**
 * Everything the app reads from its environment (12-factor). With nothing set, every tier has an
 * embedded default, so {@code java -jar target/conduit.jar} runs alone. Values are checked when
 * built (a bad port or a negative duration stops the start-up naming the setting); tests change
 * one value by name: {@code Settings.embedded(dir).toBuilder().cacheTtl(Duration.ZERO).build()}.
 *
 * @param host        interface to listen on ({@code HOST}, default all)
 * @param port        {@code PORT} or {@code SERVER_PORT}, default 8080; 0 picks a free port
 * @param observePort {@code OBSERVE_PORT}, default 9090: health and metrics, never on the public port; 0 picks a free port
 * @param dataDir     {@code CONDUIT_DATA_DIR}, default {@code ./data}: the embedded database and files
 * @param db          the data tier: embedded H2, or {@code DB_WRITER_URL} / {@code DB_READER_URL}
 * @param sessions    session lifetimes ({@code SESSION_IDLE_MINUTES}, {@code SESSION_MAX_HOURS})
 * @param redis       sessions, query cache and rate limits in Redis ({@code REDIS_URL}), or null for in-process
 * @param cacheTtl    how long a cached public read may live at most ({@code CACHE_TTL_MS}; 0 turns caching off)
 * @param limits      rate limits and quotas ({@code SIGNUP_LIMIT_*}, {@code LOGIN_LIMIT_*}, {@code WRITE_LIMIT_*},
 *                    {@code UPLOAD_QUOTA_*})
 * @param accounts    re-authentication window and password list check ({@code SUDO_MINUTES}, {@code PASSWORD_LIST_CHECK})
 * @param edge        drain, TLS, CORS, trusted proxies and body deadline: how the instance meets the load
 *                    balancer and browsers
 * @param aws         S3, KMS and Secrets Manager; every field null means the embedded equivalent
 * @param mail        how mail leaves: files in the data directory, or Amazon SES
 */
public record Settings(String host, int port, int observePort, Path dataDir, DbSettings db, SessionPolicy sessions,
                       RedisSettings redis, Duration cacheTtl, RateLimits limits, AccountPolicy accounts, Edge edge,
                       Aws aws, Mail mail) {

    public Settings {
        require(host != null && !host.isBlank(), "HOST must not be blank");
        require(port >= 0 && port <= 65535, "PORT must be 0..65535, got " + port);
        require(observePort >= 0 && observePort <= 65535, "OBSERVE_PORT must be 0..65535, got " + observePort);
        require(observePort == 0 || observePort != port, "OBSERVE_PORT must differ from PORT (" + port + ")");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(db, "db");
        Objects.requireNonNull(sessions, "sessions");
        require(cacheTtl != null && !cacheTtl.isNegative(), "CACHE_TTL_MS must be >= 0");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(accounts, "accounts");
        Objects.requireNonNull(edge, "edge");
        Objects.requireNonNull(aws, "aws");
        Objects.requireNonNull(mail, "mail");
    }

    /**
     * @param ses              {@code MAIL_TRANSPORT=ses}: Amazon SES v2; else ({@code file}, the default)
     *                         {@code .eml} files under {@code <data dir>/mail} for a developer to open
     * @param from             {@code MAIL_FROM}: the sender (on AWS an address of the SES identity's domain)
     * @param configurationSet {@code SES_CONFIGURATION_SET}: bounces and complaints go where it says
     * @param sesEndpoint      {@code SES_ENDPOINT}: moto in tests; null for the regional endpoint
     */
    public record Mail(boolean ses, String from, String configurationSet, URI sesEndpoint) {
        public static final Mail FILES = new Mail(false, "Conduit <no-reply@conduit.local>", null, null);

        public Mail {
            require(from != null && !from.isBlank(), "MAIL_FROM must not be blank");
        }

        static Mail from(Env env) {
            String transport = env.text("MAIL_TRANSPORT", "file");
            require(transport.equals("file") || transport.equals("ses"), "MAIL_TRANSPORT must be file or ses, got '" + transport + "'");
            return new Mail(transport.equals("ses"), env.text("MAIL_FROM", FILES.from()), env.text("SES_CONFIGURATION_SET"),
                    env.uri("SES_ENDPOINT"));
        }
    }

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
     * @param dbSecretArn       {@code DB_SECRET_ARN}: the app's database login from Secrets Manager (DML only)
     * @param dbMigrationSecretArn {@code DB_MIGRATION_SECRET_ARN}: Flyway's login for DDL; null: the app's
     * @param secretsEndpoint   {@code SECRETS_ENDPOINT}
     * @param redisSecretArn    {@code REDIS_AUTH_SECRET_ARN}: the Redis AUTH token from Secrets Manager
     */
    public record Aws(String s3Bucket, String s3Prefix, URI s3Endpoint, String s3KmsKeyId, String cdnBaseUrl,
                      String publicBaseUrl, String kmsKeyId, URI kmsEndpoint, String dbSecretArn, String dbMigrationSecretArn,
                      URI secretsEndpoint, String redisSecretArn) {
        public static final Aws NONE = builder().build();

        public Aws {
            s3Prefix = s3Prefix == null ? "" : s3Prefix;
            publicBaseUrl = publicBaseUrl == null ? "" : publicBaseUrl;
        }

        public static Builder builder() {
            return new Builder();
        }

        public Builder toBuilder() {
            return new Builder().s3Bucket(s3Bucket).s3Prefix(s3Prefix).s3Endpoint(s3Endpoint).s3KmsKeyId(s3KmsKeyId)
                    .cdnBaseUrl(cdnBaseUrl).publicBaseUrl(publicBaseUrl).kmsKeyId(kmsKeyId).kmsEndpoint(kmsEndpoint)
                    .dbSecretArn(dbSecretArn).dbMigrationSecretArn(dbMigrationSecretArn).secretsEndpoint(secretsEndpoint)
                    .redisSecretArn(redisSecretArn);
        }

        static Aws from(Env env) {
            return builder().s3Bucket(env.text("S3_BUCKET")).s3Prefix(env.text("S3_PREFIX", ""))
                    .s3Endpoint(env.uri("S3_ENDPOINT")).s3KmsKeyId(env.text("S3_KMS_KEY_ID"))
                    .cdnBaseUrl(env.text("CDN_BASE_URL")).publicBaseUrl(env.text("PUBLIC_BASE_URL", ""))
                    .kmsKeyId(env.text("KMS_KEY_ID")).kmsEndpoint(env.uri("KMS_ENDPOINT"))
                    .dbSecretArn(env.text("DB_SECRET_ARN")).dbMigrationSecretArn(env.text("DB_MIGRATION_SECRET_ARN"))
                    .secretsEndpoint(env.uri("SECRETS_ENDPOINT"))
                    .redisSecretArn(env.text("REDIS_AUTH_SECRET_ARN")).build();
        }

        /** Named setters; every field defaults to "not on AWS". */
        public static final class Builder {
            private String s3Bucket;
            private String s3Prefix = "";
            private URI s3Endpoint;
            private String s3KmsKeyId;
            private String cdnBaseUrl;
            private String publicBaseUrl = "";
            private String kmsKeyId;
            private URI kmsEndpoint;
            private String dbSecretArn;
            private String dbMigrationSecretArn;
            private URI secretsEndpoint;
            private String redisSecretArn;

            public Builder s3Bucket(String value) {
                s3Bucket = value;
                return this;
            }

            public Builder s3Prefix(String value) {
                s3Prefix = value;
                return this;
            }

            public Builder s3Endpoint(URI value) {
                s3Endpoint = value;
                return this;
            }

            public Builder s3KmsKeyId(String value) {
                s3KmsKeyId = value;
                return this;
            }

            public Builder cdnBaseUrl(String value) {
                cdnBaseUrl = value;
                return this;
            }

            public Builder publicBaseUrl(String value) {
                publicBaseUrl = value;
                return this;
            }

            public Builder kmsKeyId(String value) {
                kmsKeyId = value;
                return this;
            }

            public Builder kmsEndpoint(URI value) {
                kmsEndpoint = value;
                return this;
            }

            public Builder dbSecretArn(String value) {
                dbSecretArn = value;
                return this;
            }

            public Builder dbMigrationSecretArn(String value) {
                dbMigrationSecretArn = value;
                return this;
            }

            public Builder secretsEndpoint(URI value) {
                secretsEndpoint = value;
                return this;
            }

            public Builder redisSecretArn(String value) {
                redisSecretArn = value;
                return this;
            }

            public Aws build() {
                return new Aws(s3Bucket, s3Prefix, s3Endpoint, s3KmsKeyId, cdnBaseUrl, publicBaseUrl, kmsKeyId, kmsEndpoint,
                        dbSecretArn, dbMigrationSecretArn, secretsEndpoint, redisSecretArn);
            }
        }
    }

    /**
     * @param drain         readiness is 503 this long before the server stops ({@code DRAIN_SECONDS}, default 10)
     * @param grace         in-flight requests get this long to finish after that ({@code SHUTDOWN_GRACE_SECONDS}, 20)
     * @param tlsKeystore   a PKCS#12 key store to serve HTTPS from ({@code TLS_KEYSTORE}); null for plain HTTP
     * @param tlsPassword   its password ({@code TLS_KEYSTORE_PASSWORD})
     * @param corsOrigins   browser origins allowed to call the API ({@code CORS_ORIGINS}, comma-separated, or *)
     * @param trustedProxies peers whose forwarding headers are believed ({@code TRUSTED_PROXY_CIDRS}; the AMI
     *                      sets the VPC's); empty: every peer is the client
     * @param clientAddressHeader the header a trusted proxy names the client in ({@code CLIENT_ADDRESS_HEADER};
     *                      {@code x-viewer-ip} behind the stack's CloudFront); null: {@code X-Forwarded-For}
     * @param bodyReadTimeout a request body must have arrived this long after the handler asks for it
     *                      ({@code BODY_READ_TIMEOUT_SECONDS}, default 10), else 408
     */
    public record Edge(Duration drain, Duration grace, Path tlsKeystore, String tlsPassword, Set<String> corsOrigins,
                       List<Cidr> trustedProxies, String clientAddressHeader, Duration bodyReadTimeout) {
        public static final Edge DEFAULT = builder().build();

        public Edge {
            require(drain != null && !drain.isNegative(), "DRAIN_SECONDS must be >= 0");
            require(grace != null && !grace.isNegative(), "SHUTDOWN_GRACE_SECONDS must be >= 0");
            require(bodyReadTimeout != null && !bodyReadTimeout.isNegative() && !bodyReadTimeout.isZero(),
                    "BODY_READ_TIMEOUT_SECONDS must be >= 1");
            require(clientAddressHeader == null || clientAddressHeader.matches("[A-Za-z0-9-]{1,64}"),
                    "CLIENT_ADDRESS_HEADER must be a header name, got '" + clientAddressHeader + "'");
            corsOrigins = Set.copyOf(corsOrigins);
            trustedProxies = List.copyOf(trustedProxies);
        }

        public static Builder builder() {
            return new Builder();
        }

        public Builder toBuilder() {
            return new Builder().drain(drain).grace(grace).tls(tlsKeystore, tlsPassword).corsOrigins(corsOrigins)
                    .trustedProxies(trustedProxies).clientAddressHeader(clientAddressHeader).bodyReadTimeout(bodyReadTimeout);
        }

        /**
         * Named setters over the defaults: 10 s drain, 20 s grace, plain HTTP, no CORS, no trusted
         * proxy, 10 s to receive a body.
         */
        public static final class Builder {
            private Duration drain = Duration.ofSeconds(10);
            private Duration grace = Duration.ofSeconds(20);
            private Path tlsKeystore;
            private String tlsPassword;
            private Set<String> corsOrigins = Set.of();
            private List<Cidr> trustedProxies = List.of();
            private String clientAddressHeader;
            private Duration bodyReadTimeout = Duration.ofSeconds(10);

            public Builder drain(Duration value) {
                drain = value;
                return this;
            }

            public Builder grace(Duration value) {
                grace = value;
                return this;
            }

            public Builder tls(Path keystore, String password) {
                tlsKeystore = keystore;
                tlsPassword = password;
                return this;
            }

            public Builder corsOrigins(Set<String> value) {
                corsOrigins = value;
                return this;
            }

            public Builder trustedProxies(List<Cidr> value) {
                trustedProxies = value;
                return this;
            }

            public Builder clientAddressHeader(String value) {
                clientAddressHeader = value;
                return this;
            }

            public Builder bodyReadTimeout(Duration value) {
                bodyReadTimeout = value;
                return this;
            }

            public Edge build() {
                return new Edge(drain, grace, tlsKeystore, tlsPassword, corsOrigins, trustedProxies, clientAddressHeader,
                        bodyReadTimeout);
            }
        }
    }

    public static Settings fromEnvironment(Map<String, String> environment) {
        Env env = new Env(environment);
        Path dataDir = Path.of(env.text("CONDUIT_DATA_DIR", "data"));
        Builder settings = builder(dataDir)
                .host(env.text("HOST", "0.0.0.0"))
                .port(env.integer("PORT", env.integer("SERVER_PORT", 8080)))
                .observePort(env.integer("OBSERVE_PORT", 9090))
                .db(env.has("DB_WRITER_URL") ? mysql(env) : DbSettings.embedded(dataDir))
                .sessions(new SessionPolicy(env.minutes("SESSION_IDLE_MINUTES", SessionPolicy.DEFAULT.idle()),
                        env.hours("SESSION_MAX_HOURS", SessionPolicy.DEFAULT.absolute())))
                .redis(redis(env))
                .cacheTtl(env.millis("CACHE_TTL_MS", Duration.ofSeconds(30)))
                .limits(limits(env))
                .accounts(new AccountPolicy(env.minutes("SUDO_MINUTES", AccountPolicy.DEFAULT.sudo()),
                        env.bool("PASSWORD_LIST_CHECK", AccountPolicy.DEFAULT.passwordListCheck())))
                .edge(Edge.builder()
                        .drain(env.seconds("DRAIN_SECONDS", Edge.DEFAULT.drain()))
                        .grace(env.seconds("SHUTDOWN_GRACE_SECONDS", Edge.DEFAULT.grace()))
                        .tls(env.path("TLS_KEYSTORE"), env.text("TLS_KEYSTORE_PASSWORD"))
                        .corsOrigins(Set.copyOf(env.list("CORS_ORIGINS")))
                        .trustedProxies(env.list("TRUSTED_PROXY_CIDRS").stream().map(cidr -> {
                            try {
                                return Cidr.parse(cidr);
                            } catch (IllegalArgumentException e) {
                                throw new IllegalArgumentException("TRUSTED_PROXY_CIDRS: " + e.getMessage(), e);
                            }
                        }).toList())
                        .clientAddressHeader(env.text("CLIENT_ADDRESS_HEADER"))
                        .bodyReadTimeout(env.seconds("BODY_READ_TIMEOUT_SECONDS", Edge.DEFAULT.bodyReadTimeout()))
                        .build())
                .aws(Aws.from(env))
                .mail(Mail.from(env));
        return settings.build();
    }

    /** Every rate limit and quota: a count per window each, the defaults unless set. */
    private static RateLimits limits(Env env) {
        RateLimits d = RateLimits.DEFAULT;
        Duration loginWindow = env.seconds("LOGIN_LIMIT_WINDOW_SECONDS", d.loginPerAccount().window());
        long uploadMib = env.integer("UPLOAD_QUOTA_MB_PER_DAY", (int) (d.uploadKibPerUser().count() / 1024));
        require(uploadMib >= 5, "UPLOAD_QUOTA_MB_PER_DAY must be >= 5 (one image may be 5 MiB)");
        Duration resetWindow = env.seconds("RESET_LIMIT_WINDOW_SECONDS", d.resetsPerAddress().window());
        return RateLimits.builder()
                .signupPerAddress(rate(env, "SIGNUP_LIMIT_PER_ADDRESS", d.signupPerAddress().count(),
                        env.seconds("SIGNUP_LIMIT_WINDOW_SECONDS", d.signupPerAddress().window())))
                .loginPerAccount(rate(env, "LOGIN_LIMIT_PER_ACCOUNT", d.loginPerAccount().count(), loginWindow))
                .loginPerAddress(rate(env, "LOGIN_LIMIT_PER_ADDRESS", d.loginPerAddress().count(), loginWindow))
                .writesPerUser(rate(env, "WRITE_LIMIT_PER_USER", d.writesPerUser().count(),
                        env.seconds("WRITE_LIMIT_WINDOW_SECONDS", d.writesPerUser().window())))
                .uploadsPerUser(rate(env, "UPLOAD_QUOTA_FILES_PER_DAY", d.uploadsPerUser().count(), Duration.ofDays(1)))
                .uploadKibPerUser(new RateLimits.Rate(uploadMib * 1024, Duration.ofDays(1)))
                .resetsPerAddress(rate(env, "RESET_LIMIT_PER_ADDRESS", d.resetsPerAddress().count(), resetWindow))
                .resetsPerAccount(rate(env, "RESET_LIMIT_PER_ACCOUNT", d.resetsPerAccount().count(), resetWindow))
                .linksPerAddress(rate(env, "LINK_LIMIT_PER_ADDRESS", d.linksPerAddress().count(), d.linksPerAddress().window()))
                .verificationsPerUser(rate(env, "VERIFICATION_LIMIT_PER_USER", d.verificationsPerUser().count(),
                        d.verificationsPerUser().window()))
                .build();
    }

    private static RateLimits.Rate rate(Env env, String name, long fallback, Duration window) {
        int count = env.integer(name, (int) fallback);
        require(count >= 1, name + " must be >= 1, got " + count);
        require(!window.isZero() && !window.isNegative(), "the window of " + name + " must be >= 1 s");
        return new RateLimits.Rate(count, window);
    }

    private static DbSettings mysql(Env env) {
        DbSettings.Builder db = DbSettings.builder()
                .writerUrl(env.text("DB_WRITER_URL"))
                .readerUrl(env.text("DB_READER_URL"));
        if (!env.has("DB_SECRET_ARN")) {
            db.credentials(env.required("DB_USERNAME", "when DB_WRITER_URL is (or DB_SECRET_ARN)"), env.text("DB_PASSWORD", ""));
        }
        DbSettings defaults = db.build();
        return db.writerPoolSize(env.integer("DB_WRITER_POOL_SIZE", defaults.writerPoolSize()))
                .transactionPoolSize(env.integer("DB_WRITER_TX_POOL_SIZE", defaults.transactionPoolSize()))
                .readerPoolSize(env.integer("DB_READER_POOL_SIZE", defaults.readerPoolSize()))
                // DB_CONNECT_TIMEOUT_MS is this setting's earlier name (it never bounded the login).
                .poolWait(env.millis("DB_POOL_WAIT_MS", env.millis("DB_CONNECT_TIMEOUT_MS", defaults.poolWait())))
                .loginTimeout(env.millis("DB_LOGIN_TIMEOUT_MS", defaults.loginTimeout()))
                .statementTimeout(env.millis("DB_STATEMENT_TIMEOUT_MS", defaults.statementTimeout()))
                .migrationCredentials(env.text("DB_MIGRATION_USERNAME"), env.text("DB_MIGRATION_PASSWORD"))
                .readYourWrites(env.millis("DB_READ_YOUR_WRITES_MS", defaults.readYourWrites()))
                .maxReplicaLag(env.millis("DB_MAX_REPLICA_LAG_MS", defaults.maxReplicaLag()))
                .replicaCheck(env.millis("DB_REPLICA_CHECK_MS", defaults.replicaCheck()))
                .fillFence(env.millis("DB_FILL_FENCE_MS", defaults.fillFence()))
                .build();
    }

    /** Redis from {@code REDIS_URL} (redis:// or rediss://) or {@code REDIS_CLUSTER_NODES}; null when neither is set. */
    private static RedisSettings redis(Env env) {
        URI url = env.uri("REDIS_URL");
        List<String> nodes = env.list("REDIS_CLUSTER_NODES");
        if (url == null && nodes.isEmpty()) {
            return null;
        }
        if (nodes.isEmpty() && env.bool("REDIS_CLUSTER", false)) {
            nodes = List.of(url.getHost() + ":" + (url.getPort() > 0 ? url.getPort() : 6379));
        }
        return RedisSettings.builder().url(url).clusterNodes(nodes)
                .credentials(env.text("REDIS_USERNAME"), env.text("REDIS_PASSWORD"))
                .caFile(env.path("REDIS_TLS_CA_FILE"))
                .timeout(env.millis("REDIS_TIMEOUT_MS", RedisSettings.DEFAULT_TIMEOUT))
                .poolSize(env.integer("REDIS_POOL_SIZE", RedisSettings.DEFAULT_POOL_SIZE))
                .build();
    }

    /** Embedded defaults on free loopback ports, with data under the given directory: for tests. */
    public static Settings embedded(Path dataDir) {
        return builder(dataDir).host("127.0.0.1").port(0).observePort(0).build();
    }

    /** Every tier embedded, data under {@code dataDir}: the defaults {@code java -jar} starts with. */
    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    public Builder toBuilder() {
        return new Builder(dataDir).host(host).port(port).observePort(observePort).db(db).sessions(sessions).redis(redis)
                .cacheTtl(cacheTtl).limits(limits).accounts(accounts).edge(edge).aws(aws).mail(mail);
    }

    /** The same settings listening on free loopback ports with data under the given directory (tests). */
    public Settings onFreeLoopbackPort(Path dir) {
        return toBuilder().host("127.0.0.1").port(0).observePort(0).dataDir(dir).build();
    }

    /** The site's absolute address for links in mail: {@code PUBLIC_BASE_URL}, else this host and port. */
    public String siteUrl(int boundPort) {
        return aws.publicBaseUrl().isBlank() ? "http://localhost:" + boundPort : aws.publicBaseUrl();
    }

    /** A short description of the wiring, for the start-up line. */
    public String mode() {
        String data = db.embedded() ? "embedded H2" : "mysql writer + reader";
        String cache = redis == null ? "in-process sessions and cache" : redis.cluster() ? "redis cluster" : "redis";
        return data + ", " + cache + (aws.kmsKeyId() == null ? ", local key" : ", kms")
                + (aws.s3Bucket() == null ? ", local files" : ", s3") + (edge.tlsKeystore() == null ? ", http" : ", https");
    }

    /** Named setters over the embedded defaults. */
    public static final class Builder {
        private String host = "0.0.0.0";
        private int port = 8080;
        private int observePort = 9090;
        private Path dataDir;
        private DbSettings db;
        private SessionPolicy sessions = SessionPolicy.DEFAULT;
        private RedisSettings redis;
        private Duration cacheTtl = Duration.ofSeconds(30);
        private RateLimits limits = RateLimits.DEFAULT;
        private AccountPolicy accounts = AccountPolicy.DEFAULT;
        private Edge edge = Edge.DEFAULT;
        private Aws aws = Aws.NONE;
        private Mail mail = Mail.FILES;

        private Builder(Path dataDir) {
            this.dataDir = dataDir;
        }

        public Builder host(String value) {
            host = value;
            return this;
        }

        public Builder port(int value) {
            port = value;
            return this;
        }

        public Builder observePort(int value) {
            observePort = value;
            return this;
        }

        /** Where embedded data lives; the embedded database moves with it unless another was chosen. */
        public Builder dataDir(Path value) {
            if (db != null && db.embedded()) {
                db = DbSettings.embedded(value);
            }
            dataDir = value;
            return this;
        }

        public Builder db(DbSettings value) {
            db = value;
            return this;
        }

        public Builder sessions(SessionPolicy value) {
            sessions = value;
            return this;
        }

        /** Redis for sessions, cache and limits; null for in-process. */
        public Builder redis(RedisSettings value) {
            redis = value;
            return this;
        }

        public Builder cacheTtl(Duration value) {
            cacheTtl = value;
            return this;
        }

        public Builder limits(RateLimits value) {
            limits = value;
            return this;
        }

        public Builder accounts(AccountPolicy value) {
            accounts = value;
            return this;
        }

        public Builder edge(Edge value) {
            edge = value;
            return this;
        }

        public Builder aws(Aws value) {
            aws = value;
            return this;
        }

        public Builder mail(Mail value) {
            mail = value;
            return this;
        }

        public Settings build() {
            return new Settings(host, port, observePort, dataDir, db == null ? DbSettings.embedded(dataDir) : db, sessions,
                    redis, cacheTtl, limits, accounts, edge, aws, mail);
        }
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
