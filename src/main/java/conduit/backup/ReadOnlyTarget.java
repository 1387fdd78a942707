package conduit.backup;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import conduit.db.DbSettings;
import conduit.secrets.RotatingCredentialsDataSource;
import conduit.secrets.SecretCredentials;

/**
 * Connections to the database under verification that cannot change it, opened from the app's
 * own settings (and its Secrets Manager login, when there is one), never through the app's data
 * tier, which would run the migrations.
 *
 * <p>Read-only is enforced by the server, not only asked of the driver: an H2 file is opened with
 * {@code ACCESS_MODE_DATA=r} (and {@code IFEXISTS}, so a wrong path is an error rather than a new
 * empty database); a MySQL session is {@code SET SESSION TRANSACTION READ ONLY} (Connector/J keeps
 * {@code setReadOnly} to itself with MariaDB, and with {@code useLocalSessionState} in general).
 */
final class ReadOnlyTarget implements AutoCloseable {
    private final HikariDataSource pool;
    private final boolean mysql;

    private ReadOnlyTarget(HikariDataSource pool, boolean mysql) {
        this.pool = pool;
        this.mysql = mysql;
    }

    /**
     * @param url    the database to verify: the settings' writer URL, or another of the same kind
     *               (a reader, a restored copy) reached with the same login
     * @param secret the login from Secrets Manager, or null for the settings' user and password
     */
    static ReadOnlyTarget open(DbSettings db, String url, SecretCredentials secret) {
        boolean mysql = url.startsWith("jdbc:mysql:");
        if (mysql == db.embedded()) {
            throw new IllegalArgumentException("the target " + safeName(url) + " is not a " + db.dbType() + " database like the settings'");
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName("verify");
        if (mysql) {
            if (secret == null) {
                config.setJdbcUrl(url);
                config.setUsername(db.username());
                config.setPassword(db.password());
                config.setDataSourceProperties(db.migrationDriverProperties(url));
            } else {
                config.setDataSource(new RotatingCredentialsDataSource(url, db.migrationDriverProperties(url), secret));
            }
            config.setConnectionInitSql("SET SESSION TRANSACTION READ ONLY");
        } else {
            // LAZY_QUERY_EXECUTION: rows are produced as they are read, not buffered first.
            config.setJdbcUrl(url + ";IFEXISTS=TRUE;ACCESS_MODE_DATA=r;LAZY_QUERY_EXECUTION=TRUE");
            config.setUsername(db.username());
            config.setPassword(db.password());
        }
        config.setReadOnly(true);
        config.setAutoCommit(false);
        config.setTransactionIsolation("TRANSACTION_REPEATABLE_READ");
        // One connection holds the snapshot the checks read; Flyway takes another.
        config.setMaximumPoolSize(2);
        config.setMinimumIdle(0);
        // A batch run may wait longer for its connection than a request may; its statements have
        // no time bound at all (the migrations' driver settings: a full scan of a large table
        // streams for minutes, an anti-join may think for seconds before its first row).
        long wait = Math.max(5000, db.loginTimeout().toMillis());
        config.setConnectionTimeout(wait);
        config.setInitializationFailTimeout(wait);
        return new ReadOnlyTarget(new HikariDataSource(config), mysql);
    }

    /**
     * A connection inside one read-only transaction: every query on it sees the database as it
     * was when the transaction began, however long the checks take and whatever the app writes
     * meanwhile, so a row and the rows it refers to are always seen together.
     */
    Connection snapshot() throws SQLException {
        Connection c = pool.getConnection();
        if (mysql) {
            try (Statement s = c.createStatement()) {
                s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
            }
        }
        return c;
    }

    /** For Flyway, which opens and closes its own connections. */
    DataSource dataSource() {
        return pool;
    }

    boolean mysql() {
        return mysql;
    }

    /** A URL without its query string or H2 settings (options nobody asked to see, maybe a password). */
    static String safeName(String url) {
        int q = url.indexOf('?');
        int semicolon = url.startsWith("jdbc:h2:") ? url.indexOf(';') : -1;
        int end = q >= 0 ? q : semicolon >= 0 ? semicolon : url.length();
        return url.substring(0, end);
    }

    @Override
    public void close() {
        pool.close();
    }
}
