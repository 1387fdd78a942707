package conduit.backup;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import conduit.App;
import conduit.Settings;
import conduit.Stack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * verify against the real MariaDB writer and replica (scripts/stack up db). The data lives in a
 * database of this class's own on the stack, made by the app through its API: the run's shared
 * database holds rows that other tests damage on purpose, which verify would rightly report.
 */
@EnabledIfEnvironmentVariable(named = "DB_WRITER_URL", matches = ".+", disabledReason = "needs scripts/stack up db")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VerifyMySqlTest {
    private static final String DB = "conduit_verify_" + UUID.randomUUID().toString().substring(0, 8);
    private static Map<String, String> env;
    private static Fixture.Data made;

    @BeforeAll
    static void database() throws SQLException {
        admin("STACK_DB_WRITER_PORT", "CREATE DATABASE " + DB + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
                "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, DROP, REFERENCES ON " + DB + ".* TO '"
                        + Stack.env("DB_USERNAME") + "'@'127.0.0.1'");
        env = new HashMap<>(System.getenv());
        env.put("DB_WRITER_URL", "jdbc:mysql://127.0.0.1:" + Stack.env("STACK_DB_WRITER_PORT") + "/" + DB);
        env.put("DB_READER_URL", "jdbc:mysql://127.0.0.1:" + Stack.env("STACK_DB_READER_PORT") + "/" + DB);
        env.put("PORT", "0");
        env.put("OBSERVE_PORT", "0");
        env.put("HOST", "127.0.0.1");
        env.put("CONDUIT_DATA_DIR", Stack.tempDir().toString());
        env.keySet().removeIf(k -> k.startsWith("REDIS_"));
        String moto = System.getenv("MOTO_ENDPOINT");
        if (moto != null && !moto.isBlank()) {
            env.put("KMS_KEY_ID", Stack.sharedKmsKey(moto));
            env.put("KMS_ENDPOINT", moto);
        }
        try (App.Running app = App.start(settings())) {
            made = Fixture.populate(URI.create("http://127.0.0.1:" + app.port()));
        }
    }

    @AfterAll
    static void dropDatabase() throws SQLException {
        admin("STACK_DB_WRITER_PORT", "DROP DATABASE IF EXISTS " + DB);
    }

    private static Settings settings() {
        return Settings.fromEnvironment(env);
    }

    @Test
    @Order(1)
    void theWriterPassesAndTheReplicaHoldsTheSameCountsAndChecksums() throws SQLException {
        Report writer = Verification.run(settings(), null, 10);
        assertTrue(writer.consistent(), writer.listedFaults().toString());
        assertEquals(made.users(), writer.tables().get("users").rows());
        assertEquals(made.favorites(), writer.tables().get("favorites").rows());
        assertEquals(made.articleTags(), writer.tables().get("article_tags").rows());
        Stack.await(Duration.ofSeconds(10), "the replica applied every row", () -> {
            try {
                return Verification.run(settings(), env.get("DB_READER_URL"), 10).tables().equals(writer.tables());
            } catch (SQLException e) {
                return false;
            }
        });
        Report reader = Verification.run(settings(), env.get("DB_READER_URL"), 10);
        assertTrue(reader.consistent(), reader.listedFaults().toString());
    }

    @Test
    @Order(2)
    void verifyLeavesNothingInTheWritersBinlog() throws SQLException {
        String before = adminQuery("SELECT @@gtid_binlog_pos");
        assertEquals(0, Fixture.verify(settings()).status());
        assertEquals(before, adminQuery("SELECT @@gtid_binlog_pos"), "no transaction was written");
    }

    @Test
    @Order(3)
    void theServerItselfRefusesWritesOnVerifysConnections() throws SQLException {
        try (ReadOnlyTarget target = ReadOnlyTarget.open(settings().db(), env.get("DB_WRITER_URL"), null);
             Connection c = target.snapshot(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT @@session.tx_read_only")) {
                assertTrue(rs.next());
                assertEquals(1, rs.getInt(1), "the session is read-only on the server");
            }
            // Past the driver's own guard (which MariaDB, seen as MySQL 5.5, leaves to the driver):
            // the server refuses the write itself.
            c.setReadOnly(false);
            SQLException refused = assertThrows(SQLException.class, () -> s.executeUpdate("DELETE FROM tags"));
            assertTrue(refused.getMessage().contains("READ ONLY transaction"), refused.getMessage());
        }
        assertEquals(Integer.toString(made.tags()), adminQuery("SELECT COUNT(*) FROM " + DB + ".tags"));
    }

    @Test
    @Order(4)
    void aDamagedDatabaseFailsWithEachFaultNamed() throws SQLException {
        long user = Long.parseLong(adminQuery("SELECT MIN(id) FROM " + DB + ".users"));
        long article = Long.parseLong(adminQuery("SELECT MIN(article_id) FROM " + DB + ".favorites"));
        admin("STACK_DB_WRITER_PORT",
                Fixture.alterCiphertext(user).replace("UPDATE users", "UPDATE " + DB + ".users"),
                "SET foreign_key_checks = 0",
                "DELETE FROM " + DB + ".articles WHERE id = " + article,
                "SET foreign_key_checks = 1",
                "UPDATE " + DB + ".flyway_schema_history SET checksum = checksum + 1 WHERE version = '2'");
        Fixture.Run run = Fixture.verify(settings());
        assertEquals(1, run.status(), run.out());
        for (String fault : List.of("FAULT [emails] users id=" + user + ": email does not decrypt",
                "has no row in articles (fk_favorites_article)",
                "FAULT [schema-history] flyway_schema_history version=2: checksum")) {
            assertTrue(run.out().contains(fault), fault + " in\n" + run.out());
        }
    }

    private static void admin(String portVar, String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + Stack.env(portVar) + "/",
                Stack.env("STACK_DB_ADMIN_USER"), Stack.env("STACK_DB_ADMIN_PASSWORD")); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    private static String adminQuery(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + Stack.env("STACK_DB_WRITER_PORT") + "/",
                Stack.env("STACK_DB_ADMIN_USER"), Stack.env("STACK_DB_ADMIN_PASSWORD"));
             ResultSet rs = c.createStatement().executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getString(1);
        }
    }
}
