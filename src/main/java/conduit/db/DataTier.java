package conduit.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariPoolMXBean;
import conduit.secrets.RotatingCredentialsDataSource;
import conduit.secrets.SecretCredentials;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.jdbc.JdbcClientBuilder;
import io.helidon.metrics.api.Metrics;

/**
 * Builds the connection pools and DbClients for the configured database, migrates the schema on
 * the writer, watches the replica, and closes everything last on shutdown.
 */
public final class DataTier implements AutoCloseable {
    private final HikariConnectionPool writerPool;
    private final HikariConnectionPool readerPool;
    private final ReplicaMonitor replica;
    private final Database database;

    private DataTier(HikariConnectionPool writerPool, HikariConnectionPool readerPool, ReplicaMonitor replica, Database database) {
        this.writerPool = writerPool;
        this.readerPool = readerPool;
        this.replica = replica;
        this.database = database;
    }

    public static DataTier start(DbSettings settings) {
        return start(settings, null);
    }

    /** @param secret database credentials from Secrets Manager (re-read when rotated), or null for the settings' own */
    public static DataTier start(DbSettings settings, SecretCredentials secret) {
        HikariConnectionPool writer = pool("writer", settings.writerUrl(), settings, settings.writerPoolSize(), false, secret);
        HikariConnectionPool reader = null;
        try {
            Migrations.run(writer.dataSource(), settings.dbType());
            DbClient writerClient = client(writer);
            if (!settings.splitReads()) {
                return new DataTier(writer, null, null, new Database(writerClient));
            }
            reader = pool("reader", settings.readerUrl(), settings, settings.readerPoolSize(), true, secret);
            DbClient readerClient = client(reader);
            ReplicaMonitor replica = new ReplicaMonitor(writerClient, readerClient, settings.replicaCheck().toMillis(),
                    settings.maxReplicaLag().toMillis(), settings.readerBackoff().toMillis());
            return new DataTier(writer, reader, replica, new Database(writerClient, readerClient, replica));
        } catch (RuntimeException e) {
            writer.close();
            if (reader != null) {
                reader.close();
            }
            throw e;
        }
    }

    private static HikariConnectionPool pool(String name, String url, DbSettings settings, int size, boolean reader,
                                             SecretCredentials secret) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        if (secret == null) {
            config.setJdbcUrl(url);
            config.setUsername(settings.username());
            config.setPassword(settings.password());
            config.setDataSourceProperties(settings.driverProperties(url));
        } else {
            // New connections log in with the secret's current password; an authentication
            // failure re-reads the secret once (rotation), so the app never needs a restart.
            config.setDataSource(new RotatingCredentialsDataSource(url, settings.driverProperties(url), secret));
        }
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(Math.min(2, size));
        config.setConnectionTimeout(settings.connectionTimeout().toMillis());
        config.setValidationTimeout(Math.min(1000, settings.connectionTimeout().toMillis()));
        config.setReadOnly(reader);
        // Writer: fail start-up when it is unreachable, rather than serve 503s. Reader: start
        // anyway; reads use the writer until the reader answers.
        config.setInitializationFailTimeout(reader ? -1 : settings.connectionTimeout().toMillis());
        // hikaricp_connections_{active,idle,pending,...}{pool="writer|reader"} on /observe/metrics.
        config.setMetricRegistry(Metrics.globalRegistry().unwrap(io.micrometer.core.instrument.MeterRegistry.class));
        return new HikariConnectionPool(config, settings.dbType());
    }

    private static DbClient client(HikariConnectionPool pool) {
        return JdbcClientBuilder.create().connectionPool(pool).build();
    }

    public Database database() {
        return database;
    }

    /** Probes the writer with a pooled connection; details of the pool. Throws when the writer does not answer. */
    public Map<String, Object> writerStatus() throws SQLException {
        try (Connection c = writerPool.dataSource().getConnection()) {
            if (!c.isValid(1)) {
                throw new SQLException("the writer did not answer a validation query within 1 s");
            }
        }
        return poolDetails(writerPool);
    }

    /**
     * The reader as the replica monitor last saw it (no probe of its own: the monitor already
     * reads from the reader every interval). Throws when reads are being kept off it.
     */
    public Map<String, Object> readerStatus() {
        if (readerPool == null) {
            return Map.of("mode", "single database");
        }
        Map<String, Object> details = new LinkedHashMap<>(poolDetails(readerPool));
        details.put("lagMillis", replica.lagMillis());
        String avoid = replica.avoidReason();
        if (avoid != null) {
            throw new IllegalStateException("reads use the writer (reader " + avoid + ")");
        }
        return details;
    }

    private static Map<String, Object> poolDetails(HikariConnectionPool pool) {
        HikariPoolMXBean stats = pool.stats();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("active", stats == null ? 0 : stats.getActiveConnections());
        details.put("idle", stats == null ? 0 : stats.getIdleConnections());
        details.put("waiting", stats == null ? 0 : stats.getThreadsAwaitingConnection());
        return details;
    }

    @Override
    public void close() {
        if (replica != null) {
            replica.close();
        }
        if (readerPool != null) {
            readerPool.close();
        }
        writerPool.close();
    }
}
