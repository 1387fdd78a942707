package conduit.user;

import com.fasterxml.jackson.databind.JsonNode;
import conduit.Api;
import conduit.AuditLines;
import conduit.EmbeddedApp;
import conduit.session.Tokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GET and DELETE /api/user/sessions: a user sees and ends their own sessions, and only theirs. */
class SessionListTest {
    @RegisterExtension
    static final AuditLines AUDIT = new AuditLines();
    @RegisterExtension
    static final EmbeddedApp APP = new EmbeddedApp();
    /** No sudo window: ending other sessions needs the current password. */
    @RegisterExtension
    static final EmbeddedApp NO_SUDO = new EmbeddedApp(s -> s.toBuilder().accounts(s.accounts().withSudo(java.time.Duration.ZERO)).build());
    private final Api api = APP.api();

    private String login(String name, String userAgent) {
        byte[] body = ("{\"user\":{\"email\":\"" + name + "@example.com\",\"password\":\"correct horse\"}}").getBytes();
        Api.Response r = api.sendWith("POST", "/api/users/login", null, body, "User-Agent", userAgent);
        assertEquals(200, r.status(), r.text());
        return r.json().path("user").path("token").asText();
    }

    private JsonNode sessions(String token) {
        Api.Response r = api.get("/api/user/sessions", token);
        assertEquals(200, r.status(), r.text());
        return r.json().path("sessions");
    }

    @Test
    void listsEverySessionWithItsDetailsAndMarksTheCurrentOne() {
        String name = Api.unique("lister");
        String signup = api.register(name);
        String laptop = login(name, "Firefox/140.0");
        String phone = login(name, "Mobile Safari/18");
        JsonNode list = sessions(phone);
        assertEquals(3, list.size(), list.toString());
        int current = 0;
        for (JsonNode s : list) {
            String id = s.path("id").asText();
            assertTrue(id.matches("[0-9a-f]{32}"), id);
            for (String token : new String[] {signup, laptop, phone}) {
                assertFalse(Tokens.hash(token).contains(id) || token.contains(id), "the id is neither the token nor its hash");
            }
            assertTrue(s.path("createdAt").asText().matches("\\d{4}-\\d\\d-\\d\\dT.*Z"), s.toString());
            assertTrue(s.path("lastUsedAt").asText().compareTo(s.path("createdAt").asText()) >= 0, s.toString());
            assertEquals("127.0.0.1", s.path("clientAddress").asText());
            current += s.path("current").asBoolean() ? 1 : 0;
        }
        assertEquals(1, current);
        assertEquals("Mobile Safari/18", list.get(2).path("userAgent").asText(), "oldest first, the newest last");
        assertTrue(list.get(2).path("current").asBoolean());
        assertEquals("Firefox/140.0", list.get(1).path("userAgent").asText());
    }

    @Test
    void endingOneSessionOrAllOthers() {
        String name = Api.unique("ender");
        String first = api.register(name);
        String second = login(name, "second");
        String third = login(name, "third");
        String secondId = sessions(third).get(1).path("id").asText();
        assertEquals(204, api.delete("/api/user/sessions/" + secondId, third).status());
        assertEquals(401, api.get("/api/user", second).status());
        assertEquals(200, api.get("/api/user", first).status());
        assertEquals(404, api.delete("/api/user/sessions/" + secondId, third).status(), "gone already");
        assertEquals(204, api.delete("/api/user/sessions", third).status());
        assertEquals(401, api.get("/api/user", first).status());
        assertEquals(200, api.get("/api/user", third).status());
        assertEquals(1, sessions(third).size());
        assertTrue(AUDIT.events("session.revoked").stream().anyMatch(e -> e.path("scope").asText().equals("others")
                && e.path("count").asInt() == 1));
        // Ending the current session is a logout.
        String own = sessions(third).get(0).path("id").asText();
        assertEquals(204, api.delete("/api/user/sessions/" + own, third).status());
        assertEquals(401, api.get("/api/user", third).status());
    }

    @Test
    void anotherUsersSessionIsNotFound() {
        String mallory = api.register(Api.unique("mallory"));
        String victimName = Api.unique("victim");
        String victim = api.register(victimName);
        String victimId = sessions(victim).get(0).path("id").asText();
        Api.Response r = api.delete("/api/user/sessions/" + victimId, mallory);
        assertEquals(404, r.status());
        assertEquals("not found", r.error("session"));
        assertEquals(200, api.get("/api/user", victim).status());
        assertEquals(401, api.get("/api/user/sessions", null).status());
    }

    /** ASVS 7.5.2: a stolen token alone cannot sign the owner out of their other sessions. */
    @Test
    void endingOtherSessionsNeedsTheCurrentPasswordOutsideTheSudoWindow() {
        Api strict = NO_SUDO.api();
        String name = Api.unique("owner");
        String owner = strict.register(name);
        String stolen = strict.post("/api/users/login", null, "{\"user\":{\"email\":\"" + name
                + "@example.com\",\"password\":\"correct horse\"}}").json().path("user").path("token").asText();
        String ownerId = strict.get("/api/user/sessions", owner).json().path("sessions").get(0).path("id").asText();
        Api.Response one = strict.delete("/api/user/sessions/" + ownerId, stolen);
        Api.Response all = strict.delete("/api/user/sessions", stolen);
        for (Api.Response r : java.util.List.of(one, all)) {
            assertEquals(403, r.status(), r.text());
            assertEquals("is required for this change (or sign in again)", r.error("currentPassword"));
        }
        assertEquals(403, strict.send("DELETE", "/api/user/sessions", stolen, "{\"user\":{\"currentPassword\":\"guess\"}}").status());
        assertEquals(200, strict.get("/api/user", owner).status(), "the owner is still signed in");
        // With the password it works, and ending one's own session never needs it.
        assertEquals(204, strict.send("DELETE", "/api/user/sessions", owner, "{\"user\":{\"currentPassword\":\"correct horse\"}}").status());
        assertEquals(401, strict.get("/api/user", stolen).status());
        String own = strict.get("/api/user/sessions", owner).json().path("sessions").get(0).path("id").asText();
        assertEquals(204, strict.delete("/api/user/sessions/" + own, owner).status());
        assertEquals(401, strict.get("/api/user", owner).status());
    }
}
