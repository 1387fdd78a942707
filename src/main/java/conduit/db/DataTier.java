package conduit.db;

import com.zaxxer.hikari.HikariConfig;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.jdbc.JdbcClientBuilder;

/**
 * Builds the connection pools and DbClients for the configured database, migrates the schema on
 * the writer, and closes everything last on shutdown.
 */
public final class DataTier implements AutoCloseable {
    private final HikariConnectionPool writerPool;
    private final HikariConnectionPool readerPool;
    private final Database database;

    private DataTier(HikariConnectionPool writerPool, HikariConnectionPool readerPool, Database database) {
        this.writerPool = writerPool;
        this.readerPool = readerPool;
        this.database = database;
    }

    public static DataTier start(DbSettings settings) {
        HikariConnectionPool writer = pool("writer", settings.writerUrl(), settings, settings.writerPoolSize(), false);
        HikariConnectionPool reader = null;
        try {
            Migrations.run(writer.dataSource(), settings.dbType());
            DbClient writerClient = client(writer);
            DbClient readerClient = writerClient;
            if (settings.splitReads()) {
                reader = pool("reader", settings.readerUrl(), settings, settings.readerPoolSize(), true);
                readerClient = client(reader);
            }
            return new DataTier(writer, reader, new Database(writerClient, readerClient));
        } catch (RuntimeException e) {
            writer.close();
            if (reader != null) {
                reader.close();
            }
            throw e;
        }
    }

    private static HikariConnectionPool pool(String name, String url, DbSettings settings, int size, boolean readOnly) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(url);
        config.setUsername(settings.username());
        config.setPassword(settings.password());
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(Math.min(2, size));
        config.setConnectionTimeout(settings.connectionTimeout().toMillis());
        config.setValidationTimeout(Math.min(1000, settings.connectionTimeout().toMillis()));
        config.setReadOnly(readOnly);
        // Fail fast at start-up when the database is unreachable, instead of serving 500s later.
        config.setInitializationFailTimeout(settings.connectionTimeout().toMillis());
        return new HikariConnectionPool(config, settings.dbType());
    }

    private static DbClient client(HikariConnectionPool pool) {
        return JdbcClientBuilder.create().connectionPool(pool).build();
    }

    public Database database() {
        return database;
    }

    public HikariConnectionPool writerPool() {
        return writerPool;
    }

    @Override
    public void close() {
        if (readerPool != null) {
            readerPool.close();
        }
        writerPool.close();
    }
}
