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

    public static DbSettings embedded(Path dataDir) {
        String url = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("conduit")
                + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;CASE_INSENSITIVE_IDENTIFIERS=TRUE"
                // Closed by the pool at the end of the drain, not by H2's own JVM shutdown hook.
                + ";DB_CLOSE_ON_EXIT=FALSE";
        return new DbSettings(url, url, "sa", "", 10, 0, Duration.ofSeconds(5),
                Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO);
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
        return new DbSettings(writerUrl, readerUrl, username, password, writerPoolSize, readerPoolSize,
                connectionTimeout, readYourWrites, maxReplicaLag, replicaCheck, readerBackoff);
    }
}
