package conduit.db;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * Where the data lives. Embedded mode: one H2 file (MySQL mode) under the data directory, used as
 * both writer and reader. MySQL mode: an Aurora-style writer endpoint and reader endpoint.
 *
 * @param readYourWrites how long after a session's write its reads stay on the writer
 * @param maxReplicaLag  lag beyond which reads leave the reader until it catches up
 * @param replicaCheck   how often the replica's lag and health are measured
 * @param readerBackoff  how long reads avoid a reader that failed to connect
 */
public record DbSettings(String writerUrl,
                         String readerUrl,
                         String username,
                         String password,
                         int writerPoolSize,
                         int readerPoolSize,
                         Duration connectionTimeout,
                         Duration readYourWrites,
                         Duration maxReplicaLag,
                         Duration replicaCheck,
                         Duration readerBackoff) {

    public DbSettings {
        require(writerUrl != null && !writerUrl.isBlank(), "DB_WRITER_URL must not be blank");
        require(writerPoolSize >= 1, "DB_WRITER_POOL_SIZE must be >= 1, got " + writerPoolSize);
        require(readerPoolSize >= 0, "DB_READER_POOL_SIZE must be >= 0, got " + readerPoolSize);
        require(positive(connectionTimeout), "DB_CONNECT_TIMEOUT_MS must be > 0");
        require(!readYourWrites.isNegative(), "DB_READ_YOUR_WRITES_MS must be >= 0");
        require(!maxReplicaLag.isNegative(), "DB_MAX_REPLICA_LAG_MS must be >= 0");
        require(!replicaCheck.isNegative(), "DB_REPLICA_CHECK_MS must be >= 0");
        require(!readerBackoff.isNegative(), "DB_READER_BACKOFF_MS must be >= 0");
    }

    public static DbSettings embedded(Path dataDir) {
        String url = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("conduit")
                + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;CASE_INSENSITIVE_IDENTIFIERS=TRUE"
                // Closed by the pool at the end of the drain, not by H2's own JVM shutdown hook.
                + ";DB_CLOSE_ON_EXIT=FALSE";
        return builder().writerUrl(url).readerUrl(url).credentials("sa", "").readerPoolSize(0)
                .connectionTimeout(Duration.ofSeconds(5)).readYourWrites(Duration.ZERO).maxReplicaLag(Duration.ZERO)
                .replicaCheck(Duration.ZERO).readerBackoff(Duration.ZERO).build();
    }

    /** MySQL-mode defaults: pools of 10, 3 s pool wait, 5 s read-your-writes, 2 s lag bound. */
    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().writerUrl(writerUrl).readerUrl(readerUrl).credentials(username, password)
                .writerPoolSize(writerPoolSize).readerPoolSize(readerPoolSize).connectionTimeout(connectionTimeout)
                .readYourWrites(readYourWrites).maxReplicaLag(maxReplicaLag).replicaCheck(replicaCheck)
                .readerBackoff(readerBackoff);
    }

    public boolean embedded() {
        return writerUrl.startsWith("jdbc:h2:");
    }

    /** True when reads have a pool of their own (MySQL mode with a reader endpoint). */
    public boolean splitReads() {
        return !embedded() && readerUrl != null && !readerUrl.isBlank() && readerPoolSize > 0;
    }

    public String dbType() {
        return embedded() ? "h2" : "mysql";
    }

    /**
     * Connector/J settings that every pooled connection gets unless its URL says otherwise.
     * Measured with scripts/bench: without them the driver re-parses each statement's SQL on
     * every execution and sends a {@code SET autocommit=1} round trip before each statement.
     */
    private static final Map<String, String> MYSQL_DRIVER_DEFAULTS = Map.of(
            // Keep the parsed form of each statement per connection (the app has a few dozen).
            "cachePrepStmts", "true",
            "prepStmtCacheSize", "256",
            "prepStmtCacheSqlLimit", "4096",
            // Trust the driver's own record of autocommit, isolation and read-only (the pool and
            // DbClient set them through JDBC, never with SQL) instead of re-sending them.
            "useLocalSessionState", "true",
            "useLocalTransactionState", "true",
            "cacheServerConfiguration", "true");

    /** Driver properties for new connections: the MySQL defaults above, minus any the URL sets itself. */
    public Properties driverProperties(String url) {
        Properties properties = new Properties();
        if (!embedded()) {
            String query = url.indexOf('?') < 0 ? "" : url.substring(url.indexOf('?') + 1);
            MYSQL_DRIVER_DEFAULTS.forEach((name, value) -> {
                if (!query.matches("(?i)(.*[&;])?" + name + "=.*")) {
                    properties.setProperty(name, value);
                }
            });
        }
        return properties;
    }

    /** The same settings with other replica bounds (tests use a long lag bound to observe the reader). */
    public DbSettings withReplicaBounds(Duration readYourWrites, Duration maxReplicaLag) {
        return toBuilder().readYourWrites(readYourWrites).maxReplicaLag(maxReplicaLag).build();
    }

    /** Named setters. */
    public static final class Builder {
        private String writerUrl;
        private String readerUrl;
        private String username;
        private String password;
        private int writerPoolSize = 10;
        private int readerPoolSize = 10;
        private Duration connectionTimeout = Duration.ofSeconds(3);
        private Duration readYourWrites = Duration.ofSeconds(5);
        private Duration maxReplicaLag = Duration.ofSeconds(2);
        private Duration replicaCheck = Duration.ofMillis(500);
        private Duration readerBackoff = Duration.ofSeconds(5);

        public Builder writerUrl(String value) {
            writerUrl = value;
            return this;
        }

        public Builder readerUrl(String value) {
            readerUrl = value;
            return this;
        }

        /** The login, unless a Secrets Manager secret supplies it (then both null). */
        public Builder credentials(String user, String pass) {
            username = user;
            password = pass;
            return this;
        }

        public Builder writerPoolSize(int value) {
            writerPoolSize = value;
            return this;
        }

        public Builder readerPoolSize(int value) {
            readerPoolSize = value;
            return this;
        }

        public Builder connectionTimeout(Duration value) {
            connectionTimeout = value;
            return this;
        }

        public Builder readYourWrites(Duration value) {
            readYourWrites = value;
            return this;
        }

        public Builder maxReplicaLag(Duration value) {
            maxReplicaLag = value;
            return this;
        }

        public Builder replicaCheck(Duration value) {
            replicaCheck = value;
            return this;
        }

        public Builder readerBackoff(Duration value) {
            readerBackoff = value;
            return this;
        }

        public DbSettings build() {
            return new DbSettings(writerUrl, readerUrl, username, password, writerPoolSize, readerPoolSize,
                    connectionTimeout, readYourWrites, maxReplicaLag, replicaCheck, readerBackoff);
        }
    }

    private static boolean positive(Duration d) {
        return d != null && !d.isNegative() && !d.isZero();
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
