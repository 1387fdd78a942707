package conduit.backup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;

import conduit.Settings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A damaged copy fails verify, and the report names each fault: its check, table, row and what.
 * Each test damages its own copy of one embedded database the app wrote.
 */
class VerifyFaultsTest {
    private static Path original;

    @BeforeAll
    static void database() {
        original = Fixture.embeddedDatabase().dir();
    }

    @Test
    void anAlteredEmailCiphertextIsNamedByUserId() {
        Path copy = Fixture.copy(original);
        long id = number(copy, "SELECT MIN(id) FROM users");
        Fixture.sql(copy, Fixture.alterCiphertext(id));
        Fixture.Run run = Fixture.verify(Settings.embedded(copy));
        assertEquals(1, run.status(), run.out());
        assertTrue(run.out().contains("FAULT [emails] users id=" + id + ": email does not decrypt"), run.out());
        assertTrue(run.out().contains("verify: FAILED, 1 faults"), run.out());
    }

    @Test
    void aBlindIndexThatIsNotTheEmailsIsNamed() {
        Path copy = Fixture.copy(original);
        long id = number(copy, "SELECT MAX(id) FROM users");
        Fixture.sql(copy, "UPDATE users SET email_lookup = REPEAT('0', 64) WHERE id = " + id);
        Fixture.Run run = Fixture.verify(Settings.embedded(copy));
        assertEquals(1, run.status(), run.out());
        assertTrue(run.out().contains("FAULT [emails] users id=" + id + ": email_lookup is not the blind index"), run.out());
    }

    @Test
    void aFavouriteOfADeletedArticleIsNamed() {
        Path copy = Fixture.copy(original);
        long article = number(copy, "SELECT MIN(article_id) FROM favorites");
        long user = number(copy, "SELECT user_id FROM favorites WHERE article_id = " + article);
        Fixture.sql(copy, "SET REFERENTIAL_INTEGRITY FALSE", "DELETE FROM articles WHERE id = " + article,
                "SET REFERENTIAL_INTEGRITY TRUE");
        Fixture.Run run = Fixture.verify(Settings.embedded(copy));
        assertEquals(1, run.status(), run.out());
        assertTrue(run.out().contains("FAULT [foreign-keys] favorites user_id=" + user + ", article_id=" + article
                + ": article_id=" + article + " has no row in articles (fk_favorites_article)"), run.out());
    }

    @Test
    void aChangedFlywayChecksumIsNamedByVersion() {
        Path copy = Fixture.copy(original);
        Fixture.sql(copy, "UPDATE flyway_schema_history SET checksum = checksum + 1 WHERE version = '1'");
        Fixture.Run run = Fixture.verify(Settings.embedded(copy));
        assertEquals(1, run.status(), run.out());
        assertTrue(run.out().contains("FAULT [schema-history] flyway_schema_history version=1: checksum"), run.out());
        assertTrue(run.out().contains("V1__schema.sql"), run.out());
    }

    @Test
    void aForeignKeyConstraintDroppedFromTheSchemaIsNamed() {
        Path copy = Fixture.copy(original);
        Fixture.sql(copy, "ALTER TABLE favorites DROP CONSTRAINT fk_favorites_user");
        Fixture.Run run = Fixture.verify(Settings.embedded(copy));
        assertEquals(1, run.status(), run.out());
        assertTrue(run.out().contains("FAULT [foreign-keys] favorites fk_favorites_user: the database does not declare "
                + "favorites(user_id) -> users(id)"), run.out());
    }

    @Test
    void aMissingBlindIndexKeyIsAFindingAndVerifyDoesNotCreateOne() {
        Path copy = Fixture.copy(original);
        Fixture.sql(copy, "DELETE FROM key_material");
        Fixture.Run run = Fixture.verify(Settings.embedded(copy));
        assertEquals(1, run.status(), run.out());
        assertTrue(run.out().contains("FAULT [emails] users: 2 emails cannot be checked: key_material has no "
                + "'users.email.blind-index'"), run.out());
        assertEquals(0, number(copy, "SELECT COUNT(*) FROM key_material"), "verify stored no key");
    }

    @Test
    void anotherMasterKeyIsAFinding() throws IOException {
        Path copy = Fixture.copy(original);
        byte[] other = new byte[32];
        new SecureRandom().nextBytes(other);
        Files.write(copy.resolve("keys").resolve("master.key"), other);
        Fixture.Run run = Fixture.verify(Settings.embedded(copy));
        assertEquals(1, run.status(), run.out());
        assertTrue(run.out().contains("FAULT [emails] key_material name=users.email.blind-index: the blind-index key "
                + "does not open with the local key file"), run.out());
    }

    @Test
    void aLostLocalMasterKeyIsAFindingAndVerifyDoesNotMakeANewOne() throws IOException {
        Path copy = Fixture.copy(original);
        Path key = copy.resolve("keys").resolve("master.key");
        Files.delete(key);
        Fixture.Run run = Fixture.verify(Settings.embedded(copy));
        assertEquals(1, run.status(), run.out());
        assertTrue(run.out().contains("2 emails cannot be checked: no KMS_KEY_ID and no local master key"), run.out());
        assertFalse(Files.exists(key));
    }

    @Test
    void allThreeDamagesAtOnceAreEachNamed() {
        Path copy = Fixture.copy(original);
        long user = number(copy, "SELECT MIN(id) FROM users");
        long article = number(copy, "SELECT MIN(article_id) FROM favorites");
        Fixture.sql(copy, Fixture.alterCiphertext(user),
                "SET REFERENTIAL_INTEGRITY FALSE", "DELETE FROM articles WHERE id = " + article, "SET REFERENTIAL_INTEGRITY TRUE",
                "UPDATE flyway_schema_history SET checksum = checksum + 1 WHERE version = '3'");
        Fixture.Run run = Fixture.verify(Settings.embedded(copy));
        assertEquals(1, run.status(), run.out());
        assertTrue(run.out().contains("FAULT [emails] users id=" + user), run.out());
        assertTrue(run.out().contains("FAULT [foreign-keys] favorites") && run.out().contains("article_id=" + article
                + " has no row in articles"), run.out());
        assertTrue(run.out().contains("FAULT [schema-history] flyway_schema_history version=3"), run.out());
    }

    @Test
    void faultsBeyondTheListingLimitAreCountedButNotListed() {
        Path copy = Fixture.copy(original);
        Fixture.sql(copy, "SET REFERENTIAL_INTEGRITY FALSE", "DELETE FROM tags", "SET REFERENTIAL_INTEGRITY TRUE");
        Fixture.Run all = Fixture.verify(Settings.embedded(copy));
        Fixture.Run one = Fixture.verify(Settings.embedded(copy), "--max-faults", "1");
        assertEquals(1, one.status());
        assertEquals(3, all.out().lines().filter(l -> l.contains("FAULT [foreign-keys] article_tags")).count(), all.out());
        assertEquals(1, one.out().lines().filter(l -> l.contains("FAULT [foreign-keys]")).count(), one.out());
        assertTrue(one.out().contains("and 2 more faults, counted but not listed"), one.out());
        assertTrue(one.out().contains("verify: FAILED, 3 faults"), one.out());
    }

    private static long number(Path dataDir, String sql) {
        try (Connection c = DriverManager.getConnection(Settings.embedded(dataDir).db().writerUrl(), "sa", "");
             ResultSet rs = c.createStatement().executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
