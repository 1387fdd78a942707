package conduit.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariPoolMXBean;
import conduit.ops.TierBreaker;
import conduit.secrets.Logins;
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
    private final HikariConnectionPool transactionPool;
    private final HikariConnectionPool readerPool;
    private final ReplicaMonitor replica;
    private final TierBreaker writerBreaker;
    private final TierBreaker readerBreaker;
    private final Database database;

    private DataTier(HikariConnectionPool writerPool, HikariConnectionPool transactionPool, HikariConnectionPool readerPool,
                     ReplicaMonitor replica, TierBreaker writerBreaker, TierBreaker readerBreaker, Database database) {
        this.writerPool = writerPool;
        this.transactionPool = transactionPool;
        this.readerPool = readerPool;
        this.replica = replica;
        this.writerBreaker = writerBreaker;
        this.readerBreaker = readerBreaker;
        this.database = database;
    }

    public static DataTier start(DbSettings settings) {
        return start(settings, null, null);
    }

    /**
     * @param secret          the app's database login from Secrets Manager (re-read when rotated), or null for the settings' own
     * @param migrationSecret Flyway's login for DDL from Secrets Manager, or null for the settings' migration login (else the app's)
     */
    public static DataTier start(DbSettings settings, SecretCredentials secret, SecretCredentials migrationSecret) {
        Logins appLogin = secret != null ? secret : Logins.fixed(settings.username(), settings.password());
        Logins migrationLogin = migrationSecret != null ? migrationSecret
                : settings.migrationUsername() != null ? Logins.fixed(settings.migrationUsername(), settings.migrationPassword())
                : appLogin;
        DataSource migrations = new RotatingCredentialsDataSource(settings.writerUrl(),
                settings.migrationDriverProperties(settings.writerUrl()), migrationLogin);
        // The migrations' connection (Flyway's, or the read of its history) would be the only
        // one to an embedded database: closing it would close the database, which H2 compacts on
        // close (up to 200 ms of start-up) before the pools open it again. A connection held
        // until the pools have theirs keeps it open.
        try (Connection keepsOpen = settings.embedded() ? migrations.getConnection() : null) {
            Migrations.run(migrations, settings.dbType());
            return startPools(settings, appLogin);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the embedded database: " + e.getMessage(), e);
        }
    }

    private static DataTier startPools(DbSettings settings, Logins appLogin) {
        TierBreaker writerBreaker = breaker("database-writer", settings);
        HikariConnectionPool writer = pool("writer", settings.writerUrl(), settings, settings.writerPoolSize(), Use.WRITES, appLogin);
        keepIdleOnlyWhileClosed(writerBreaker, writer, settings.writerPoolSize());
        HikariConnectionPool transactions = null;
        HikariConnectionPool reader = null;
        try {
            transactions = pool("writer-tx", settings.writerUrl(), settings, settings.transactionPoolSize(), Use.TRANSACTIONS, appLogin);
            keepIdleOnlyWhileClosed(writerBreaker, transactions, settings.transactionPoolSize());
            DbClient writerClient = client(writer);
            DbClient transactionClient = client(transactions);
            if (!settings.splitReads()) {
                return new DataTier(writer, transactions, null, null, writerBreaker, null,
                        new Database(writerClient, transactionClient, writerBreaker));
            }
            TierBreaker readerBreaker = breaker("database-reader", settings);
            reader = pool("reader", settings.readerUrl(), settings, settings.readerPoolSize(), Use.READS, appLogin);
            keepIdleOnlyWhileClosed(readerBreaker, reader, settings.readerPoolSize());
            DbClient readerClient = client(reader);
            ReplicaMonitor replica = new ReplicaMonitor(writerClient, readerClient, readerBreaker,
                    settings.replicaCheck().toMillis(), settings.maxReplicaLag().toMillis(), settings.fillFence().toMillis());
            return new DataTier(writer, transactions, reader, replica, writerBreaker, readerBreaker,
                    new Database(writerClient, transactionClient, readerClient, replica, writerBreaker, readerBreaker));
        } catch (RuntimeException e) {
            writer.close();
            if (transactions != null) {
                transactions.close();
            }
            if (reader != null) {
                reader.close();
            }
            throw e;
        }
    }

    /**
     * While a tier is down HikariCP keeps trying to refill the pool's idle connections, and backs
     * off up to 5 s between tries, so it would still be asleep for seconds after the database
     * came back. With no idle connections to keep while the circuit is open (no request reaches
     * the pool then), its refill stops; the next probe starts a fresh one, which connects at once.
     */
    private static void keepIdleOnlyWhileClosed(TierBreaker breaker, HikariConnectionPool pool, int size) {
        int minimumIdle = Math.min(2, size);
        breaker.onChange(closed -> pool.dataSource().getHikariConfigMXBean().setMinimumIdle(closed ? minimumIdle : 0));
    }

    /**
     * A tier's breaker counts what says the database itself is in trouble (unreachable, read-only
     * after a failover, timing out), and calls slower than two thirds of the statement bound.
     */
    private static TierBreaker breaker(String tier, DbSettings settings) {
        return new TierBreaker(tier, SqlErrors::tierDown, settings.statementTimeout().multipliedBy(2).dividedBy(3));
    }

    /**
     * What a pool's connections are for. Writes and transactions get pools of their own because
     * each keeps its connections in the autocommit mode it needs: DbClient switches a connection
     * to autocommit for every single statement and out of it for every transaction statement,
     * and the pool switches it back when it is returned. On one shared pool each transaction
     * paid two extra round trips for that ({@code SET autocommit=0} before it, {@code =1} after);
     * here the driver sees the mode is already right (useLocalSessionState) and sends nothing.
     */
    private enum Use { WRITES, TRANSACTIONS, READS }

    private static HikariConnectionPool pool(String name, String url, DbSettings settings, int size, Use use,
                                             Logins login) {
        boolean reader = use == Use.READS;
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        // New connections log in with the login's current password; an authentication failure
        // re-reads a secret once (rotation), so the app never needs a restart.
        config.setDataSource(new RotatingCredentialsDataSource(url, settings.driverProperties(url), login));
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(Math.min(2, size));
        // A request waits this long for a connection at most (then 503): under a hung database
        // the pool empties into hung statements, and waiting longer only queues more requests.
        config.setConnectionTimeout(settings.poolWait().toMillis());
        config.setValidationTimeout(Math.max(250, Math.min(1000, settings.poolWait().toMillis() / 2)));
        config.setReadOnly(reader);
        config.setAutoCommit(use != Use.TRANSACTIONS);
        // Writer: fail start-up when it is unreachable, rather than serve 503s. Reader: start
        // anyway; reads use the writer until the reader answers.
        config.setInitializationFailTimeout(reader ? -1 : settings.loginTimeout().toMillis() + settings.poolWait().toMillis());
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

    public TierBreaker writerBreaker() {
        return writerBreaker;
    }

    /** The reader's breaker; null in single-database mode. The replica monitor drives it. */
    public TierBreaker readerBreaker() {
        return readerBreaker;
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
        if (!readerBreaker.closed()) {
            throw new IllegalStateException("the reader does not answer: reads use the writer");
        }
        if (replica.avoidReason() != null) {
            throw new IllegalStateException("the reader lags by " + replica.lagMillis() + " ms: reads use the writer");
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
        transactionPool.close();
        writerPool.close();
    }
}
