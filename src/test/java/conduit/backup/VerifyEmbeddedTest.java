package conduit.backup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import conduit.Settings;
import conduit.db.Migrations;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** verify on an embedded (H2) database that the app wrote through its API. */
class VerifyEmbeddedTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path data;
    private static Fixture.Data made;

    @BeforeAll
    static void database() {
        Fixture.Made fixture = Fixture.embeddedDatabase();
        data = fixture.dir();
        made = fixture.data();
    }

    @Test
    void aWholeDatabasePassesWithItsCountsAndTheJsonFormSaysTheSame() throws IOException {
        Path json = Fixture.tempDir().resolve("verify.json");
        Fixture.Run run = Fixture.verify(Settings.embedded(data), "--json", json.toString());
        assertEquals(0, run.status(), run.out() + run.err());
        assertTrue(run.out().contains("verify: OK"), run.out());

        JsonNode report = JSON.readTree(json.toFile());
        assertTrue(report.path("ok").asBoolean());
        assertEquals(0, report.path("faultCount").asInt());
        JsonNode tables = report.path("tables");
        assertEquals(made.users(), tables.path("users").path("rows").asInt());
        assertEquals(made.articles(), tables.path("articles").path("rows").asInt());
        assertEquals(made.tags(), tables.path("tags").path("rows").asInt());
        assertEquals(made.articleTags(), tables.path("article_tags").path("rows").asInt());
        assertEquals(made.favorites(), tables.path("favorites").path("rows").asInt());
        assertEquals(made.comments(), tables.path("comments").path("rows").asInt());
        assertEquals(made.follows(), tables.path("follows").path("rows").asInt());
        // The blind-index key, the idempotency-record key and the session-id key, all wrapped.
        assertEquals(3, tables.path("key_material").path("rows").asInt());
        assertTrue(tables.path("users").path("sha256").asText().matches("[0-9a-f]{64}"));
        assertTrue(tables.path("replica_heartbeat").isMissingNode(), "liveness rows are not data");
        for (JsonNode check : report.path("checks")) {
            assertTrue(check.path("ok").asBoolean(), check.toString());
        }
        assertTrue(report.path("checks").toString().contains("2 users: 2 emails open"), report.path("checks").toString());
    }

    @Test
    void verifyChangesNoFileOfTheDataDirectory() throws IOException {
        Path copy = Fixture.copy(data);
        Map<String, String> before = fingerprint(copy);
        assertEquals(0, Fixture.verify(Settings.embedded(copy)).status());
        assertEquals(before, fingerprint(copy), "same files, same bytes");
    }

    @Test
    void aCopyHasTheSameCountsAndChecksumsAsItsOriginal() throws Exception {
        Path copy = Fixture.copy(data);
        assertEquals(Verification.run(Settings.embedded(data), null, 10).tables(),
                Verification.run(Settings.embedded(copy), null, 10).tables());
    }

    @Test
    void theSameRowsInsertedInAnotherOrderHaveTheSameChecksumAndOneChangedValueDoesNot() throws Exception {
        Path a = migrated();
        Path b = migrated();
        Fixture.sql(a, "INSERT INTO tags (id, name) VALUES (1, 'alpha')", "INSERT INTO tags (id, name) VALUES (2, 'beta')",
                "INSERT INTO tags (id, name) VALUES (3, 'gamma')");
        Fixture.sql(b, "INSERT INTO tags (id, name) VALUES (3, 'gamma')", "INSERT INTO tags (id, name) VALUES (1, 'alpha')",
                "INSERT INTO tags (id, name) VALUES (2, 'beta')");
        Report.Table inA = Verification.run(Settings.embedded(a), null, 10).tables().get("tags");
        assertEquals(3, inA.rows());
        assertEquals(inA, Verification.run(Settings.embedded(b), null, 10).tables().get("tags"));

        Fixture.sql(b, "UPDATE tags SET name = 'Gamma' WHERE id = 3");
        Report.Table changed = Verification.run(Settings.embedded(b), null, 10).tables().get("tags");
        assertEquals(3, changed.rows());
        assertNotEquals(inA.sha256(), changed.sha256());
    }

    @Test
    void aDataDirectoryWithoutADatabaseIsAnErrorAndNoEmptyDatabaseIsMade() throws IOException {
        Path empty = Fixture.tempDir();
        Fixture.Run run = Fixture.verify(Settings.embedded(empty));
        assertEquals(2, run.status(), run.out());
        assertTrue(run.err().contains("could not check"), run.err());
        try (Stream<Path> files = Files.list(empty)) {
            assertEquals(0, files.count(), "nothing was created");
        }
    }

    @Test
    void unknownArgumentsAndATargetOfAnotherKindAreRefused() {
        Settings settings = Settings.embedded(data);
        Fixture.Run unknown = Fixture.verify(settings, "--fix");
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().contains(VerifyCommand.USAGE), unknown.err());
        assertEquals(2, Fixture.verify(settings, "--max-faults", "many").status());
        Fixture.Run mysql = Fixture.verify(settings, "--url", "jdbc:mysql://127.0.0.1:1/conduit");
        assertEquals(2, mysql.status());
        assertTrue(mysql.err().contains("is not a h2 database"), mysql.err());
    }

    /** A data directory whose database has the schema (migrated as the app does) and no rows. */
    private static Path migrated() {
        Path dir = Fixture.tempDir();
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(Settings.embedded(dir).db().writerUrl());
        ds.setUser("sa");
        Migrations.run(ds, "h2");
        return dir;
    }

    private static Map<String, String> fingerprint(Path dir) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                files.put(dir.relativize(p).toString(), sha256(Files.readAllBytes(p)));
            }
        }
        assertFalse(files.isEmpty());
        return files;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
