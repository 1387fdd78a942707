package conduit.secrets;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.function.Supplier;
import java.util.logging.Logger;

import javax.sql.DataSource;

import software.amazon.awssdk.core.exception.SdkException;

/**
 * A JDBC {@link DataSource} whose login comes from {@link Logins} (a Secrets Manager secret, or
 * fixed settings for Flyway's own login), for a pool to use
 * ({@code HikariConfig.setDataSource(...)}): every new pooled connection logs in with the
 * credentials in memory, and when the server refuses them (MySQL/MariaDB error 1045, SQLSTATE
 * 28000, after a rotation changed the password) the secret is read again and the login retried
 * once. Connections already open keep working (MySQL checks the password only at login), so a
 * rotation needs no restart and no pool rebuild.
 *
 * <p>Prefer the alternating-users rotation strategy: with single-user rotation the password
 * changes in the database ({@code setSecret}) a moment before the new version becomes
 * AWSCURRENT ({@code finishSecret}); logins in that window fail until a refresh after it, which
 * the pool's own retries provide.
 *
 * <p>Why not HikariCP 7's {@code HikariCredentialsProvider}: it supplies a login for each new
 * connection but never learns that the database refused it, so it cannot re-read the secret on
 * the 1045 a rotation causes; this data source retries once with the secret read again.
 */
public final class RotatingCredentialsDataSource implements DataSource {
    private static final int ACCESS_DENIED = 1045;
    private static final String INVALID_AUTHORIZATION = "28000";

    private final String jdbcUrl;
    private final Properties baseProperties;
    private final Logins credentials;
    private volatile int loginTimeoutSeconds;
    private volatile PrintWriter logWriter;

    public RotatingCredentialsDataSource(String jdbcUrl, Logins credentials) {
        this(jdbcUrl, new Properties(), credentials);
    }

    /** With driver properties (never user or password: those come from the secret). */
    public RotatingCredentialsDataSource(String jdbcUrl, Properties driverProperties, Logins credentials) {
        this.jdbcUrl = jdbcUrl;
        this.baseProperties = (Properties) driverProperties.clone();
        this.credentials = credentials;
    }

    @Override
    public Connection getConnection() throws SQLException {
        DbCredentials used = secret(credentials::current);
        try {
            return connect(used);
        } catch (SQLException e) {
            if (!isAuthenticationFailure(e)) {
                throw e;
            }
            DbCredentials fresh = secret(credentials::refresh);
            if (fresh.username().equals(used.username()) && fresh.password().equals(used.password())) {
                throw e; // Nothing new in the secret: retrying would fail the same way.
            }
            return connect(fresh);
        }
    }

    /**
     * Secrets Manager unreachable (or refusing) is reported as a failure to connect (SQLSTATE
     * 08001), which the pool retries and the web layer answers with a 503, not as a crash.
     */
    private static DbCredentials secret(Supplier<DbCredentials> read) throws SQLException {
        try {
            return read.get();
        } catch (SdkException e) {
            throw new SQLException("cannot read the database credentials from Secrets Manager: " + e.getMessage(), "08001", e);
        }
    }

    private Connection connect(DbCredentials login) throws SQLException {
        Properties props = (Properties) baseProperties.clone();
        props.setProperty("user", login.username());
        props.setProperty("password", login.password());
        if (loginTimeoutSeconds > 0 && !props.containsKey("connectTimeout")) {
            // The pool's connection timeout, passed as the MySQL driver's own property rather than
            // DriverManager.setLoginTimeout, which is global to the JVM.
            props.setProperty("connectTimeout", Integer.toString(loginTimeoutSeconds * 1000));
        }
        return DriverManager.getConnection(jdbcUrl, props);
    }

    static boolean isAuthenticationFailure(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            if (s.getErrorCode() == ACCESS_DENIED || INVALID_AUTHORIZATION.equals(s.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** An explicit login, bypassing the secret (a pool never calls this). */
    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return connect(new DbCredentials(username, password, null, 0, null));
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    @Override
    public void setLoginTimeout(int seconds) {
        this.loginTimeoutSeconds = seconds;
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeoutSeconds;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("no java.util.logging parent logger");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("not a wrapper for " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }
}
