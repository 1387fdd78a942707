package conduit.user;

import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import conduit.Api;
import conduit.AuditLines;
import conduit.EmbeddedApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Account takeover and spoofing paths through the API: look-alike identifiers, weak passwords,
 * re-authentication for password and email changes, and the audit lines they leave.
 */
class AccountSecurityTest {
    @RegisterExtension
    static final AuditLines AUDIT = new AuditLines();
    /** Defaults, so a fresh session is within the 10-minute sudo window. */
    @RegisterExtension
    static final EmbeddedApp APP = new EmbeddedApp();
    /** No sudo window: every session is "old", as a stolen token's may be. */
    @RegisterExtension
    static final EmbeddedApp NO_SUDO = new EmbeddedApp(s -> s.toBuilder().accounts(s.accounts().withSudo(Duration.ZERO)).build());
    private final Api api = APP.api();
    private final Api strict = NO_SUDO.api();

    private static String user(String username, String email, String password) {
        return "{\"user\":{\"username\":" + Api.json(username) + ",\"email\":" + Api.json(email) + ",\"password\":" + Api.json(password) + "}}";
    }

    private static String login(String email, String password) {
        return "{\"user\":{\"email\":" + Api.json(email) + ",\"password\":" + Api.json(password) + "}}";
    }

    @Test
    void lookAlikeUsernamesAreRefused() {
        String base = Api.unique("alice");
        assertEquals(201, api.post("/api/users", null, user(base, base + "@example.com", "correct horse")).status());
        String[] lookAlikes = {base.toUpperCase(), "\u0430" + base.substring(1), base.replace("a", "\uff41"), "A" + base.substring(1)};
        for (String name : lookAlikes) {
            Api.Response r = api.post("/api/users", null, user(name, Api.unique("other") + "@example.com", "correct horse"));
            assertTrue(r.status() == 409 || r.status() == 422, name + ": " + r.status() + " " + r.text());
            assertTrue(r.error("username") != null, r.text());
        }
        // The check can pass: a different name is fine.
        assertEquals(201, api.post("/api/users", null, user(base + "x", Api.unique("x") + "@example.com", "correct horse")).status());
        // Renaming into a look-alike is refused too.
        String token = api.register(Api.unique("renamer"));
        assertEquals(409, api.put("/api/user", token, "{\"user\":{\"username\":" + Api.json(base.toUpperCase()) + "}}").status());
    }

    @Test
    void invisibleCharactersInIdentifiersAre422AndNeverASecondAccount() {
        String name = Api.unique("carol");
        String email = name + "@example.com";
        assertEquals(201, api.post("/api/users", null, user(name, email, "correct horse")).status());
        for (String trick : new String[] {email + "\u200b", email + "\u0001", "\u200b" + email}) {
            Api.Response signup = api.post("/api/users", null, user(Api.unique("dup"), trick, "correct horse"));
            assertEquals(422, signup.status(), signup.text());
            assertEquals("must not contain control, format or invisible characters", signup.error("email"));
            Api.Response in = api.post("/api/users/login", null, login(trick, "correct horse"));
            assertEquals(422, in.status(), "no spelling of the address signs in: " + in.text());
        }
        // Case and full-width forms are the same account: they sign in, and cannot sign up again.
        assertEquals(200, api.post("/api/users/login", null, login(email.toUpperCase(), "correct horse")).status());
        assertEquals(409, api.post("/api/users", null, user(Api.unique("dup"), email.toUpperCase(), "correct horse")).status());
    }

    @Test
    void weakPasswordsAreRefusedOnSignUpAndChange() {
        String name = Api.unique("weak");
        for (String weak : new String[] {"12345678", "        ", name, "password123"}) {
            Api.Response r = api.post("/api/users", null, user(name, name + "@example.com", weak));
            assertEquals(422, r.status(), weak + ": " + r.text());
            assertTrue(r.error("password") != null, r.text());
        }
        String token = api.register(name);
        assertEquals(422, api.put("/api/user", token, "{\"user\":{\"password\":\"iloveyou1\"}}").status());
        assertEquals(200, api.put("/api/user", token, "{\"user\":{\"password\":\"a much better one\"}}").status());
    }

    @Test
    void aFreshSessionMayChangePasswordAndEmailWithoutTheCurrentPassword() {
        String name = Api.unique("sudo");
        String token = api.register(name);
        assertEquals(200, api.put("/api/user", token, "{\"user\":{\"email\":\"" + name + "2@example.com\"}}").status());
        assertEquals(200, api.put("/api/user", token, "{\"user\":{\"password\":\"brand new secret\"}}").status());
    }

    @Test
    void anOlderSessionNeedsTheCurrentPasswordForPasswordOrEmail() {
        String name = Api.unique("taken");
        String stolen = strict.register(name);
        String owner = strict.post("/api/users/login", null, login(name + "@example.com", "correct horse"))
                .json().path("user").path("token").asText();

        Api.Response noProof = strict.put("/api/user", stolen, "{\"user\":{\"password\":\"attacker wins now\"}}");
        assertEquals(403, noProof.status(), noProof.text());
        assertEquals("is required for this change (or sign in again)", noProof.error("currentPassword"));
        Api.Response wrong = strict.put("/api/user", stolen,
                "{\"user\":{\"email\":\"evil-" + name + "@example.com\",\"currentPassword\":\"guess guess\"}}");
        assertEquals(403, wrong.status());
        assertEquals("is incorrect", wrong.error("currentPassword"));
        assertEquals(200, strict.get("/api/user", owner).status(), "the owner's session survived");
        assertEquals(name + "@example.com", strict.get("/api/user", owner).json().path("user").path("email").asText());

        // Other fields need no proof; with the right password the change goes through.
        assertEquals(200, strict.put("/api/user", stolen, "{\"user\":{\"bio\":\"hello\"}}").status());
        assertEquals(200, strict.put("/api/user", stolen,
                "{\"user\":{\"password\":\"a rightful change\",\"currentPassword\":\"correct horse\"}}").status());
        assertEquals(401, strict.get("/api/user", owner).status(), "a real password change ends the other sessions");

        JsonNode failed = AUDIT.events("reauth.failed").stream()
                .filter(e -> e.path("reason").asText().equals("wrong password")).findFirst().orElseThrow();
        assertTrue(failed.path("userId").asLong() > 0 && failed.path("clientAddress").asText().equals("127.0.0.1")
                && !failed.path("requestId").asText().isEmpty(), failed.toString());
        JsonNode changed = AUDIT.events("password.changed").get(AUDIT.events("password.changed").size() - 1);
        assertEquals(1, changed.path("otherSessionsEnded").asInt(), changed.toString());
    }

    @Test
    void guessingTheCurrentPasswordIsLimitedLikeLogins() {
        String name = Api.unique("guess");
        String stolen = strict.register(name);
        int limited = 0;
        for (int i = 0; i < 12 && limited == 0; i++) {
            Api.Response r = strict.put("/api/user", stolen, "{\"user\":{\"password\":\"x-" + i + "-attacker\",\"currentPassword\":\"guess " + i + "\"}}");
            if (r.status() == 429) {
                limited = i;
                assertTrue(r.headers().firstValue("Retry-After").isPresent());
            } else {
                assertEquals(403, r.status(), r.text());
            }
        }
        assertEquals(10, limited, "the 11th guess on the account is refused (LOGIN_LIMIT_PER_ACCOUNT = 10)");
    }

    @Test
    void loginsAndSignUpsAreAuditedWithoutSecrets() {
        String name = Api.unique("audited");
        String token = api.register(name);
        api.post("/api/users/login", null, login(name + "@example.com", "wrong wrong"));
        api.post("/api/users/login", null, login(name + "@example.com", "correct horse"));
        long id = AUDIT.events("signup").stream().mapToLong(e -> e.path("userId").asLong()).max().orElseThrow();
        assertTrue(AUDIT.events("login.failed").stream().anyMatch(e -> e.path("userId").asLong() == id
                && e.path("account").asText().equals("known")), "failed login names the account by id");
        assertTrue(AUDIT.events("login.succeeded").stream().anyMatch(e -> e.path("userId").asLong() == id));
        for (String line : AUDIT.raw()) {
            assertFalse(line.contains(token) || line.contains("correct horse") || line.contains(name + "@example.com"), line);
        }
    }
}
