package conduit.db;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * Where the data lives. Embedded mode: one H2 file (MySQL mode) under the data directory, used as
 * both writer and reader. MySQL mode: an Aurora-style writer endpoint and reader endpoint.
 *
 * @param transactionPoolSize connections to the writer for transactions ({@code DB_WRITER_TX_POOL_SIZE}):
 *                       a pool of their own next to the writer's {@code writerPoolSize} (see {@link DataTier})
 * @param poolWait       how long a request waits for a pooled connection ({@code DB_POOL_WAIT_MS})
 * @param loginTimeout   TCP connect and login to the database ({@code DB_LOGIN_TIMEOUT_MS})
 * @param statementTimeout how long a statement may wait for the database's answer before its
 *                       connection is abandoned ({@code DB_STATEMENT_TIMEOUT_MS}); migrations have none
 * @param migrationUsername the login Flyway uses for DDL ({@code DB_MIGRATION_USERNAME}); null: the app's
 * @param migrationPassword its password ({@code DB_MIGRATION_PASSWORD})
 * @param readYourWrites how long after a session's write its reads stay on the writer
 * @param maxReplicaLag  lag beyond which reads leave the reader until it catches up
 * @param replicaCheck   how often the replica's lag and health are measured
 * @param fillFence      how long a cache fill after a recent write waits for the reader to prove it
 *                       has that write before reading from the writer instead ({@code DB_FILL_FENCE_MS};
 *                       0: such fills read from the writer at once)
 */
public record DbSettings(String writerUrl,
                         String readerUrl,
                         String username,
                         String password,
                         int writerPoolSize,
                         int transactionPoolSize,
                         int readerPoolSize,
                         Duration poolWait,
                         Duration loginTimeout,
                         Duration statementTimeout,
                         String migrationUsername,
                         String migrationPassword,
                         Duration readYourWrites,
                         Duration maxReplicaLag,
                         Duration replicaCheck,
                         Duration fillFence) {

    public DbSettings {
        require(writerUrl != null && !writerUrl.isBlank(), "DB_WRITER_URL must not be blank");
        require(writerPoolSize >= 1, "DB_WRITER_POOL_SIZE must be >= 1, got " + writerPoolSize);
        require(transactionPoolSize >= 1, "DB_WRITER_TX_POOL_SIZE must be >= 1, got " + transactionPoolSize);
        require(readerPoolSize >= 0, "DB_READER_POOL_SIZE must be >= 0, got " + readerPoolSize);
        require(poolWait != null && poolWait.toMillis() >= 250, "DB_POOL_WAIT_MS must be >= 250 (HikariCP's minimum)");
        require(positive(loginTimeout), "DB_LOGIN_TIMEOUT_MS must be > 0");
        require(positive(statementTimeout), "DB_STATEMENT_TIMEOUT_MS must be > 0");
        require(!readYourWrites.isNegative(), "DB_READ_YOUR_WRITES_MS must be >= 0");
        require(!maxReplicaLag.isNegative(), "DB_MAX_REPLICA_LAG_MS must be >= 0");
        require(!replicaCheck.isNegative(), "DB_REPLICA_CHECK_MS must be >= 0");
        require(!fillFence.isNegative(), "DB_FILL_FENCE_MS must be >= 0");
    }

    public static DbSettings embedded(Path dataDir) {
        String url = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("conduit")
                + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;CASE_INSENSITIVE_IDENTIFIERS=TRUE"
                // Closed by the pool at the end of the drain, not by H2's own JVM shutdown hook.
                + ";DB_CLOSE_ON_EXIT=FALSE";
        return builder().writerUrl(url).readerUrl(url).credentials("sa", "").readerPoolSize(0)
                .poolWait(Duration.ofSeconds(5)).readYourWrites(Duration.ZERO).maxReplicaLag(Duration.ZERO)
                .replicaCheck(Duration.ZERO).build();
    }

    /**
     * MySQL-mode defaults: pools of 10 (4 more to the writer for transactions); 500 ms pool wait, 1 s login, 1.5 s per statement (a
     * request's worst case stays under 2.5 s, see the README); 5 s read-your-writes, 2 s lag bound.
     */
    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().writerUrl(writerUrl).readerUrl(readerUrl).credentials(username, password)
                .writerPoolSize(writerPoolSize).transactionPoolSize(transactionPoolSize).readerPoolSize(readerPoolSize).poolWait(poolWait)
                .loginTimeout(loginTimeout).statementTimeout(statementTimeout)
                .migrationCredentials(migrationUsername, migrationPassword)
                .readYourWrites(readYourWrites).maxReplicaLag(maxReplicaLag).replicaCheck(replicaCheck).fillFence(fillFence);
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
            // DbClient set them through JDBC, never with SQL) instead of re-sending them. Not its
            // record of whether a transaction is open (useLocalTransactionState): a transaction
            // whose first statement fails (a duplicate key) is open on the server, holding that
            // statement's locks, but the driver never saw it begin, and would skip the ROLLBACK.
            "useLocalSessionState", "true",
            "cacheServerConfiguration", "true");

    /**
     * Driver properties for the app's pooled connections: the MySQL defaults above and the time
     * bounds (a hung or partitioned database must cost a request at most {@link #statementTimeout}:
     * without {@code socketTimeout} a read waits for a frozen server forever), minus any the URL
     * sets itself.
     */
    public Properties driverProperties(String url) {
        Map<String, String> wanted = new java.util.LinkedHashMap<>(MYSQL_DRIVER_DEFAULTS);
        wanted.put("connectTimeout", Long.toString(loginTimeout.toMillis()));
        wanted.put("socketTimeout", Long.toString(statementTimeout.toMillis()));
        return driverProperties(url, wanted);
    }

    /** For Flyway's migrations: the same, but no statement bound (DDL on a big table takes long). */
    public Properties migrationDriverProperties(String url) {
        Map<String, String> wanted = new java.util.LinkedHashMap<>(MYSQL_DRIVER_DEFAULTS);
        wanted.put("connectTimeout", Long.toString(loginTimeout.toMillis()));
        return driverProperties(url, wanted);
    }

    private Properties driverProperties(String url, Map<String, String> wanted) {
        Properties properties = new Properties();
        if (!embedded()) {
            String query = url.indexOf('?') < 0 ? "" : url.substring(url.indexOf('?') + 1);
            wanted.forEach((name, value) -> {
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
        private int transactionPoolSize = 4;
        private int readerPoolSize = 10;
        private Duration poolWait = Duration.ofMillis(500);
        private Duration loginTimeout = Duration.ofSeconds(1);
        private Duration statementTimeout = Duration.ofMillis(1500);
        private String migrationUsername;
        private String migrationPassword;
        private Duration readYourWrites = Duration.ofSeconds(5);
        private Duration maxReplicaLag = Duration.ofSeconds(2);
        private Duration replicaCheck = Duration.ofMillis(500);
        private Duration fillFence = Duration.ZERO;

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

        public Builder transactionPoolSize(int value) {
            transactionPoolSize = value;
            return this;
        }

        public Builder readerPoolSize(int value) {
            readerPoolSize = value;
            return this;
        }

        public Builder poolWait(Duration value) {
            poolWait = value;
            return this;
        }

        public Builder loginTimeout(Duration value) {
            loginTimeout = value;
            return this;
        }

        public Builder statementTimeout(Duration value) {
            statementTimeout = value;
            return this;
        }

        /** Flyway's login for DDL; null for the app's own (or its secret). */
        public Builder migrationCredentials(String user, String pass) {
            migrationUsername = user;
            migrationPassword = pass;
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

        public Builder fillFence(Duration value) {
            fillFence = value;
            return this;
        }

        public DbSettings build() {
            return new DbSettings(writerUrl, readerUrl, username, password, writerPoolSize, transactionPoolSize, readerPoolSize,
                    poolWait, loginTimeout, statementTimeout, migrationUsername, migrationPassword,
                    readYourWrites, maxReplicaLag, replicaCheck, fillFence);
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
