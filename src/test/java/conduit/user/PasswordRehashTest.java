package conduit.user;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import conduit.Api;
import conduit.EmbeddedApp;
import conduit.db.DbSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A password hash stored with earlier parameters is replaced at the account's next login. */
class PasswordRehashTest {
    @RegisterExtension
    static final EmbeddedApp APP = new EmbeddedApp();

    /** "legacy password 1" at the earlier 19 MiB and 2 passes, from the Argon2 reference implementation. */
    private static final String EARLIER = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$ZMyLX5OOgYkMcpYTw4VjeiHFcaexdlYA5bW8GabjXCg";

    @Test
    void aHashAtEarlierParametersIsReplacedAtLoginAndTheSamePasswordKeepsWorking() throws SQLException {
        Api api = APP.api();
        String name = Api.unique("rehash");
        api.register(name);
        setHash(name, EARLIER);
        String updatedAt = column(name, "updated_at");

        // The old hash is wrong for the wrong password, and is not replaced by a failed login.
        assertEquals(401, login(api, name, "legacy password 2").status());
        assertEquals(EARLIER, column(name, "password_hash"));

        assertEquals(200, login(api, name, "legacy password 1").status());
        String replaced = column(name, "password_hash");
        assertTrue(replaced.startsWith("$argon2id$v=19$m=7168,t=5,p=1$"), replaced);
        assertEquals(updatedAt, column(name, "updated_at"), "the account holder changed nothing");

        // The new hash is of the same password, and is kept from then on.
        assertEquals(200, login(api, name, "legacy password 1").status());
        assertEquals(replaced, column(name, "password_hash"));
        assertEquals(401, login(api, name, "correct horse").status());
    }

    private static Api.Response login(Api api, String name, String password) {
        return api.post("/api/users/login", null, Api.json(java.util.Map.of("user",
                java.util.Map.of("email", name + "@example.com", "password", password))));
    }

    /** The app's embedded database, opened beside it in this JVM (H2 shares one open database per URL). */
    private static Connection database() throws SQLException {
        DbSettings db = DbSettings.embedded(APP.dataDir());
        return DriverManager.getConnection(db.writerUrl(), db.username(), db.password());
    }

    private static void setHash(String username, String hash) throws SQLException {
        try (Connection c = database(); PreparedStatement s = c.prepareStatement("UPDATE users SET password_hash = ? WHERE username = ?")) {
            s.setString(1, hash);
            s.setString(2, username);
            assertEquals(1, s.executeUpdate());
        }
    }

    private static String column(String username, String column) throws SQLException {
        try (Connection c = database(); PreparedStatement s = c.prepareStatement("SELECT " + column + " FROM users WHERE username = ?")) {
            s.setString(1, username);
            try (ResultSet r = s.executeQuery()) {
                assertTrue(r.next(), "user " + username);
                return r.getString(1);
            }
        }
    }
}
