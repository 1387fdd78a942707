package conduit.secrets;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Password rotation under a live pool: a dedicated MariaDB user on the stack's writer, its
 * password in a moto secret, a HikariCP pool over {@link RotatingCredentialsDataSource}. After
 * {@code ALTER USER} + {@code PutSecretValue} the same pool keeps writing.
 */
@EnabledIfEnvironmentVariable(named = "MOTO_ENDPOINT", matches = ".+")
@EnabledIfEnvironmentVariable(named = "STACK_DB_WRITER_PORT", matches = ".+")
@EnabledIfEnvironmentVariable(named = "STACK_DB_ADMIN_PASSWORD", matches = ".+")
class RotatingCredentialsTest {
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final String user = "rot_" + suffix;
    private final String table = "conduit.rotation_probe_" + suffix;
    private final String secretName = "conduit/test/rotation-" + suffix;
    private final AtomicLong now = new AtomicLong();
    private SecretsManagerClient secrets;

    private static String writerUrl(String database) {
        return "jdbc:mysql://127.0.0.1:" + System.getenv("STACK_DB_WRITER_PORT") + "/" + database;
    }

    private static void asAdmin(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(writerUrl(""), System.getenv("STACK_DB_ADMIN_USER"),
                System.getenv("STACK_DB_ADMIN_PASSWORD"));
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String randomPassword() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    @BeforeEach
    void createUserAndSecret() throws SQLException {
        String password = randomPassword();
        asAdmin("CREATE TABLE " + table + " (id INT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(40) NOT NULL)");
        asAdmin("CREATE USER '" + user + "'@'127.0.0.1' IDENTIFIED BY '" + password + "'");
        asAdmin("GRANT SELECT, INSERT ON " + table + " TO '" + user + "'@'127.0.0.1'");
        secrets = SecretsStack.client();
        secrets.createSecret(b -> b.name(secretName).secretString(SecretsStack.rdsJson(user, password)));
    }

    @AfterEach
    void dropUserAndSecret() throws SQLException {
        try {
            secrets.deleteSecret(b -> b.secretId(secretName).forceDeleteWithoutRecovery(true));
            secrets.close();
        } finally {
            asAdmin("DROP USER IF EXISTS '" + user + "'@'127.0.0.1'");
            asAdmin("DROP TABLE IF EXISTS " + table);
        }
    }

    private SecretCredentials credentials() {
        return new SecretCredentials(SecretsStack.client(), secretName, Duration.ofSeconds(5), now::get);
    }

    private void rotate(String newPassword) throws SQLException {
        asAdmin("ALTER USER '" + user + "'@'127.0.0.1' IDENTIFIED BY '" + newPassword + "'");
        secrets.putSecretValue(b -> b.secretId(secretName).secretString(SecretsStack.rdsJson(user, newPassword)));
        now.addAndGet(Duration.ofSeconds(6).toNanos()); // the last read is older than the refresh limit
    }

    private void write(HikariDataSource pool, String note) throws SQLException {
        try (Connection c = pool.getConnection();
             PreparedStatement s = c.prepareStatement("INSERT INTO " + table + " (note) VALUES (?)")) {
            s.setString(1, note);
            s.executeUpdate();
        }
    }

    private int rows(HikariDataSource pool) throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            r.next();
            return r.getInt(1);
        }
    }

    private static HikariDataSource pool(RotatingCredentialsDataSource dataSource) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("rotation-test");
        config.setDataSource(dataSource);
        config.setMaximumPoolSize(3);
        config.setConnectionTimeout(5000);
        return new HikariDataSource(config);
    }

    @Test
    void aPoolKeepsWritingAcrossAPasswordRotationWithoutBeingRebuilt() throws SQLException {
        try (SecretCredentials creds = credentials();
             HikariDataSource pool = pool(new RotatingCredentialsDataSource(writerUrl("conduit"), creds))) {
            write(pool, "before rotation");
            String oldPassword = creds.current().password();

            String newPassword = randomPassword();
            rotate(newPassword);
            SQLException refused = assertThrows(SQLException.class,
                    () -> DriverManager.getConnection(writerUrl("conduit"), user, oldPassword).close());
            assertEquals(1045, refused.getErrorCode(), "the old password is really dead");

            // New connections from now on: idle ones closed, busy ones replaced when returned.
            pool.getHikariPoolMXBean().softEvictConnections();
            for (int i = 0; i < 5; i++) {
                write(pool, "after rotation " + i);
            }
            assertEquals(6, rows(pool));
            assertEquals(newPassword, creds.current().password(), "the pool logged in with the rotated secret");
            assertTrue(pool.isRunning());
        }
    }

    @Test
    void openConnectionsSurviveARotationAndNewOnesLogInWithTheNewPassword() throws SQLException {
        try (SecretCredentials creds = credentials();
             HikariDataSource pool = pool(new RotatingCredentialsDataSource(writerUrl("conduit"), creds))) {
            write(pool, "before");
            rotate(randomPassword());
            // Open connections survive a password change: MySQL checks it only at login.
            write(pool, "on an old connection");
            try (Connection fresh = new RotatingCredentialsDataSource(writerUrl("conduit"), creds).getConnection()) {
                assertTrue(fresh.isValid(2));
            }
            assertEquals(2, rows(pool));
        }
    }

    @Test
    void anUnreadableSecretIsAFailureToConnectNotACrash() {
        try (SecretCredentials missing = new SecretCredentials(SecretsStack.client(), secretName + "-missing",
                Duration.ofSeconds(5), now::get)) {
            SQLException e = assertThrows(SQLException.class,
                    () -> new RotatingCredentialsDataSource(writerUrl("conduit"), missing).getConnection());
            assertEquals("08001", e.getSQLState(), "a connection failure: the pool retries, the API answers 503");
            assertTrue(conduit.db.SqlErrors.is(e, conduit.db.SqlErrors.Kind.CONNECTION));
        }
    }

    @Test
    void aSecretStillHoldingAWrongPasswordFailsWithTheServersError() throws SQLException {
        try (SecretCredentials creds = credentials()) {
            creds.current();
            asAdmin("ALTER USER '" + user + "'@'127.0.0.1' IDENTIFIED BY '" + randomPassword() + "'");
            now.addAndGet(Duration.ofSeconds(6).toNanos());
            SQLException e = assertThrows(SQLException.class,
                    () -> new RotatingCredentialsDataSource(writerUrl("conduit"), creds).getConnection());
            assertEquals(1045, e.getErrorCode());
            assertEquals("28000", e.getSQLState());
        }
    }
}
