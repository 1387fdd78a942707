package conduit.user;

import java.time.Duration;

import conduit.Infrastructure;
import conduit.Stack;
import conduit.common.Identifiers;
import conduit.db.Database;
import conduit.db.Rows;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rows written before V5 and before the current email normalisation keep working, on the stack's
 * MariaDB (the migration runs there): usernames are keyed by the backfill, look-alike pairs that
 * already existed are left for an operator, and an email indexed the old way is found and moved.
 */
class IdentifierMigrationTest {

    private static Infrastructure infra() {
        return Infrastructure.start(Stack.mysqlSettings(Duration.ofSeconds(5), Duration.ofSeconds(5)));
    }

    @Test
    void theBackfillKeysOldRowsAndLeavesLookAlikePairsAlone() {
        try (Infrastructure infra = infra()) {
            Database db = infra.data().database();
            UserStore store = new UserStore(db, infra.keys().emails());
            String base = "old_" + System.nanoTime();
            // As the previous release wrote them: no username_key. Two of them already look alike.
            long plain = store.insert(base, null, base + "@example.com", "x", 1, UserStore.AlsoInTransaction.NOTHING);
            long upper = store.insert(base.toUpperCase(), null, base + "_2@example.com", "x", 1, UserStore.AlsoInTransaction.NOTHING);
            long other = store.insert(base + "_other", null, base + "_3@example.com", "x", 1, UserStore.AlsoInTransaction.NOTHING);
            IdentifierBackfill.Result result = new IdentifierBackfill(store).run();
            assertTrue(result.keyed() >= 2 && result.clashes() >= 1, result.toString());
            assertEquals(Identifiers.usernameKey(base), key(db, plain));
            assertEquals(null, key(db, upper), "the second look-alike keeps no key");
            assertEquals(Identifiers.usernameKey(base + "_other"), key(db, other));
            // Both old accounts still work, and no one new can take either name or a look-alike.
            assertEquals(base.toUpperCase(), store.byIdFresh(upper).orElseThrow().username());
            assertTrue(store.usernameClash("\u043e" + base.substring(1), Identifiers.usernameKey("\u043e" + base.substring(1)), 0).isPresent());
            assertTrue(store.usernameClash(base.toUpperCase(), Identifiers.usernameKey(base.toUpperCase()), 0).isPresent());
            assertEquals(0, new IdentifierBackfill(store).run().keyed(), "idempotent");
        }
    }

    @Test
    void anEmailIndexedTheOldWayIsFoundAndMovedToTheNewIndex() {
        try (Infrastructure infra = infra()) {
            Database db = infra.data().database();
            UserStore store = new UserStore(db, infra.keys().emails());
            String email = "Straße" + System.nanoTime() + "@example.com";
            long id = store.insert("strasse" + System.nanoTime(), null, email, "x", 1, UserStore.AlsoInTransaction.NOTHING);
            String legacy = infra.keys().emails().legacyIndex(email);
            db.write(exec -> exec.update("UPDATE users SET email_lookup = ? WHERE id = ?", legacy, id));

            // The old spelling finds it; so does the spelling that only the new normalisation equates.
            assertEquals(id, store.byEmail(email.toUpperCase().replace("STRASSE", "STRAßE")).orElseThrow().id());
            assertEquals(infra.keys().emails().index(email), lookup(db, id), "moved to the current index");
            assertEquals(id, store.byEmail(email.replace("ß", "ss")).orElseThrow().id());
            assertTrue(store.emailTaken(email.replace("ß", "ss"), 0));
        }
    }

    private static String key(Database db, long id) {
        // null when the row has no key (a row that is missing fails the test in the caller's next step)
        return db.write(exec -> exec.get("SELECT username_key FROM users WHERE id = ?", id)
                .flatMap(r -> java.util.Optional.ofNullable(Rows.string(r, "username_key")))).orElse(null);
    }

    private static String lookup(Database db, long id) {
        return db.write(exec -> exec.get("SELECT email_lookup FROM users WHERE id = ?", id).map(r -> Rows.string(r, "email_lookup")))
                .orElseThrow();
    }
}
