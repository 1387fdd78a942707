package conduit.db;

import java.sql.Connection;
import java.sql.SQLException;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.helidon.dbclient.DbClientException;
import io.helidon.dbclient.jdbc.JdbcConnectionPool;

/**
 * The HikariCP pool that {@code helidon-dbclient-hikari} would provide (that module is not
 * published for Helidon 4.2+): one named pool of JDBC connections for Helidon DbClient.
 */
public final class HikariConnectionPool implements JdbcConnectionPool, AutoCloseable {
    private final HikariDataSource dataSource;
    private final String dbType;

    public HikariConnectionPool(HikariConfig config, String dbType) {
        this.dataSource = new HikariDataSource(config);
        this.dbType = dbType;
    }

    @Override
    public Connection connection() {
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            throw new DbClientException("No connection from pool " + dataSource.getPoolName(), e);
        }
    }

    @Override
    public String dbType() {
        return dbType;
    }

    @Override
    public String name() {
        return dataSource.getPoolName();
    }

    public HikariDataSource dataSource() {
        return dataSource;
    }

    public HikariPoolMXBean stats() {
        return dataSource.getHikariPoolMXBean();
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
