package conduit.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What each database error means, from its SQLSTATE or vendor code, through wrappers. */
class SqlErrorsTest {

    @Test
    void sqlStatesAndVendorCodesAsMysqlAndMariadbReportThem() {
        assertKind(SqlErrors.Kind.CONNECTION, new SQLException("Communications link failure", "08S01", 0));
        assertKind(SqlErrors.Kind.CONNECTION, new SQLException("MySQL server has gone away", "HY000", 2006));
        assertKind(SqlErrors.Kind.CONNECTION, new SQLTransientConnectionException("writer - Connection is not available"));
        assertKind(SqlErrors.Kind.READ_ONLY, new SQLException("running with the --read-only option", "HY000", 1290));
        assertKind(SqlErrors.Kind.DEADLOCK, new SQLException("Deadlock found", "40001", 1213));
        assertKind(SqlErrors.Kind.LOCK_WAIT_TIMEOUT, new SQLException("Lock wait timeout exceeded", "HY000", 1205));
        assertKind(SqlErrors.Kind.QUERY_TIMEOUT, new SQLTimeoutException("Statement cancelled due to timeout", "70100"));
        assertKind(SqlErrors.Kind.QUERY_TIMEOUT, new SQLException("max_statement_time exceeded", "70100", 1969));
        assertKind(SqlErrors.Kind.DUPLICATE_KEY, new SQLIntegrityConstraintViolationException("Duplicate entry 'a' for key 'users.username'", "23000", 1062));
        assertEquals(Optional.empty(), SqlErrors.classify(new SQLException("Unknown column 'x'", "42S22", 1054)));
        assertEquals(Optional.empty(), SqlErrors.classify(new IllegalStateException("not SQL")));
    }

    @Test
    void aLostConnectionIsNotAPoolThatHadNoneToGive() {
        assertTrue(SqlErrors.connectionLost(new RuntimeException(new SQLException("Communications link failure", "08S01", 0))));
        assertTrue(SqlErrors.connectionLost(new SQLException("No operations allowed after connection closed.", "08003", 0)));
        assertTrue(SqlErrors.connectionLost(new SQLException("Lost connection to server during query", "HY000", 2013)));
        assertTrue(SqlErrors.connectionLost(new SQLException("Connection was killed", "70100", 1927)),
                "MariaDB's killed connection, whatever its SQLSTATE says");
        SQLException connectFailure = new SQLException("Communications link failure", "08S01", 0);
        assertFalse(SqlErrors.connectionLost(new RuntimeException(new SQLTransientConnectionException(
                "writer-tx - Connection is not available, request timed out after 500ms", "08S01", connectFailure))),
                "the pool's refusal is the tier being down, whatever its cause");
        assertFalse(SqlErrors.connectionLost(new SQLException("Deadlock found", "40001", 1213)));
        assertFalse(SqlErrors.connectionLost(new SQLTimeoutException("Statement cancelled due to timeout", "70100")));
    }

    @Test
    void theChainIsWalkedToABoundedDepth() {
        Throwable wrapped = new RuntimeException("DbClient", new RuntimeException("pool", new SQLException("gone", "08S01", 0)));
        assertTrue(SqlErrors.is(wrapped, SqlErrors.Kind.CONNECTION));
        Throwable deep = new SQLException("gone", "08S01", 0);
        for (int i = 0; i < 10; i++) {
            deep = new RuntimeException("wrapper " + i, deep);
        }
        assertFalse(SqlErrors.is(deep, SqlErrors.Kind.CONNECTION), "beyond ten levels the chain is not followed");
    }

    @Test
    void onlyTheDatabasesOwnTroublesAreUnavailable() {
        assertTrue(SqlErrors.unavailable(new SQLException("x", "08001", 0)));
        assertTrue(SqlErrors.unavailable(new SQLException("x", "40001", 1213)));
        assertFalse(SqlErrors.unavailable(new SQLException("dup", "23000", 1062)), "a duplicate is the request's conflict");
        assertFalse(SqlErrors.unavailable(new SQLException("syntax", "42000", 1064)), "a bad statement is a bug");
    }

    @Test
    void aRealH2UniqueViolationNamesItsKey() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:sqlerrors;MODE=MySQL");
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(10), CONSTRAINT uk_t_name UNIQUE (name))");
            s.execute("INSERT INTO t VALUES (1, 'a')");
            SQLException e = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
                    () -> s.execute("INSERT INTO t VALUES (2, 'a')"));
            assertTrue(SqlErrors.duplicateKey(new RuntimeException(e)).orElseThrow().contains("uk_t_name"));
        }
    }

    private static void assertKind(SqlErrors.Kind expected, SQLException e) {
        assertEquals(Optional.of(expected), SqlErrors.classify(new RuntimeException("wrapped", e)), e.getMessage());
    }
}
