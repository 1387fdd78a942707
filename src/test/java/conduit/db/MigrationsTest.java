package conduit.db;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import com.mysql.cj.jdbc.MysqlDataSource;
import conduit.Settings;
import conduit.Stack;
import org.flywaydb.core.api.FlywayException;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Flyway starts only when the history is not exactly the jar's scripts: a start with nothing to
 * migrate skips it, and everything Flyway would catch (an edited script, a failed migration) is
 * still caught by Flyway, on H2 and on the stack's MariaDB.
 */
class MigrationsTest {

    private static JdbcDataSource embedded() {
        JdbcDataSource ds = new JdbcDataSource();
        Path dir = Stack.tempDir();
        ds.setURL(Settings.embedded(dir).db().writerUrl());
        ds.setUser("sa");
        return ds;
    }

    private static void execute(JdbcDataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate(sql);
        }
    }

    @Test
    void theJarsScriptsAreFoundByVersion() {
        Map<String, Migrations.Script> scripts = Migrations.scriptsInJar();
        assertTrue(scripts.size() >= 9, scripts.toString());
        assertEquals("V1__schema.sql", scripts.get("1").name());
        assertEquals("V8__tag_pages.sql", scripts.get("8").name());
        assertEquals("V9__tag_index_contract.sql", scripts.get("9").name());
    }

    @Test
    void aNewDatabaseIsMigratedAndTheNextStartSkipsFlyway() throws SQLException {
        JdbcDataSource ds = embedded();
        assertTrue(Migrations.run(ds, "h2"), "a new database: Flyway migrates");
        // Skipped only when every script's checksum is the one Flyway recorded: ours match its own.
        assertFalse(Migrations.run(ds, "h2"), "nothing to migrate: Flyway not started");
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            var rows = s.executeQuery("SELECT COUNT(*) FROM flyway_schema_history WHERE type = 'SQL' AND success");
            rows.next();
            assertEquals(Migrations.scriptsInJar().size(), rows.getInt(1), "no row added by the skipped start");
        }
    }

    @Test
    void anEditedScriptStillStopsTheStart() throws SQLException {
        assertTheStartStops("UPDATE flyway_schema_history SET checksum = checksum + 1 WHERE version = '3'", "checksum mismatch");
    }

    @Test
    void aFailedMigrationStillStopsTheStart() throws SQLException {
        assertTheStartStops("UPDATE flyway_schema_history SET success = FALSE WHERE version = '8'", "failed migration");
    }

    /** A migrated database, changed by {@code change}: the next start must fail in Flyway, saying {@code why}. */
    private static void assertTheStartStops(String change, String why) throws SQLException {
        JdbcDataSource ds = embedded();
        Migrations.run(ds, "h2");
        execute(ds, change);
        FlywayException e = assertThrows(FlywayException.class, () -> Migrations.run(ds, "h2"));
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }

    @Test
    void aMigrationTheJarDoesNotKnowLeavesTheDecisionToFlyway() throws SQLException {
        // A release rolled back after a later one migrated: Flyway ignores such future migrations.
        JdbcDataSource ds = embedded();
        Migrations.run(ds, "h2");
        execute(ds, "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum,"
                + " installed_by, execution_time, success) VALUES (999, '999', 'later', 'SQL', 'V999__later.sql', 1, 'sa', 1, TRUE)");
        assertTrue(Migrations.run(ds, "h2"), "Flyway started, and accepted the future migration");
    }

    @Test
    void theChecksumIsFlywaysOverLinesWithoutTheirEndsOrAByteOrderMark() {
        int unix = Migrations.checksum("CREATE TABLE a (id INT);\nSELECT 1;\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(unix, Migrations.checksum("CREATE TABLE a (id INT);\r\nSELECT 1;".getBytes(StandardCharsets.UTF_8)));
        assertEquals(unix, Migrations.checksum("\uFEFFCREATE TABLE a (id INT);\nSELECT 1;".getBytes(StandardCharsets.UTF_8)));
        assertNotEquals(unix, Migrations.checksum("CREATE TABLE a (id INT);\nSELECT 2;".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    @EnabledIfEnvironmentVariable(named = "DB_WRITER_URL", matches = ".+", disabledReason = "needs scripts/stack up db")
    void onMariaDbAMigratedSchemaSkipsFlyway() {
        Settings settings = Settings.fromEnvironment(System.getenv());
        MysqlDataSource ds = new MysqlDataSource();
        ds.setURL(settings.db().writerUrl());
        ds.setUser(settings.db().username());
        ds.setPassword(settings.db().password());
        Migrations.run(ds, "mysql"); // whatever state the stack is in: migrated after this
        assertFalse(Migrations.run(ds, "mysql"), "the checksums Flyway recorded on MariaDB are the ones computed here");
    }
}
