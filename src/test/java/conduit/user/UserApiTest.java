package conduit.user;


import conduit.Api;
import conduit.EmbeddedApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UserApiTest {
    @RegisterExtension
    static final EmbeddedApp APP = new EmbeddedApp();
    private final Api api = APP.api();

    private static String user(String username, String email, String password) {
        return "{\"user\":{\"username\":\"" + username + "\",\"email\":\"" + email + "\",\"password\":\"" + password + "\"}}";
    }

    @Test
    void registerReturns201WithAnOpaque256BitToken() {
        String name = Api.unique("reg");
        Api.Response r = api.post("/api/users", null, user(name, name + "@example.com", "correct horse"));
        assertEquals(201, r.status());
        assertEquals(name, r.json().path("user").path("username").asText());
        assertTrue(r.json().path("user").path("bio").isNull());
        assertTrue(r.json().path("user").path("image").isNull());
        assertTrue(r.json().path("user").path("token").asText().matches("[A-Za-z0-9_-]{43}"));
    }

    @Test
    void emailIsUniqueIgnoringCase() {
        String name = Api.unique("case");
        assertEquals(201, api.post("/api/users", null, user(name, name + "@Example.com", "correct horse")).status());
        Api.Response dup = api.post("/api/users", null, user(name + "x", name.toUpperCase() + "@example.COM", "correct horse"));
        assertEquals(409, dup.status());
        assertEquals("has already been taken", dup.error("email"));
    }

    @Test
    void loginIssuesANewTokenEachTimeAndBothWork() {
        String name = Api.unique("login");
        String first = api.register(name);
        String login = "{\"user\":{\"email\":\"" + name + "@example.com\",\"password\":\"correct horse\"}}";
        String second = api.post("/api/users/login", null, login).json().path("user").path("token").asText();
        assertNotEquals(first, second);
        assertEquals(200, api.get("/api/user", first).status());
        assertEquals(200, api.get("/api/user", second).status());
        assertEquals(second, api.get("/api/user", second).json().path("user").path("token").asText());
    }

    @Test
    void wrongPasswordAndUnknownEmailLookTheSame() {
        String name = Api.unique("wrong");
        api.register(name);
        Api.Response wrong = api.post("/api/users/login", null, "{\"user\":{\"email\":\"" + name + "@example.com\",\"password\":\"nope nope\"}}");
        Api.Response unknown = api.post("/api/users/login", null, "{\"user\":{\"email\":\"nobody-" + name + "@example.com\",\"password\":\"nope nope\"}}");
        assertEquals(401, wrong.status());
        assertEquals(wrong.text(), unknown.text());
        assertEquals("invalid", wrong.error("credentials"));
    }

    @Test
    void passwordsOf8And64CharactersAreAcceptedAnd7IsNot() {
        String name = Api.unique("pw");
        String token = api.register(name);
        assertEquals(422, api.put("/api/user", token, "{\"user\":{\"password\":\"1234567\"}}").status());
        assertEquals(200, api.put("/api/user", token, "{\"user\":{\"password\":\"kq8#zw2p\"}}").status());
        String p64 = "p".repeat(64);
        assertEquals(200, api.put("/api/user", token, "{\"user\":{\"password\":\"" + p64 + "\"}}").status());
        Api.Response login = api.post("/api/users/login", null, "{\"user\":{\"email\":\"" + name + "@example.com\",\"password\":\"" + p64 + "\"}}");
        assertEquals(200, login.status());
    }

    @Test
    void passwordChangeRevokesOtherSessionsButKeepsTheCurrentOne() {
        String name = Api.unique("revoke");
        String first = api.register(name);
        String second = api.post("/api/users/login", null,
                "{\"user\":{\"email\":\"" + name + "@example.com\",\"password\":\"correct horse\"}}").json().path("user").path("token").asText();
        assertEquals(200, api.put("/api/user", second, "{\"user\":{\"password\":\"a new password\"}}").status());
        assertEquals(401, api.get("/api/user", first).status());
        assertEquals(200, api.get("/api/user", second).status());
    }

    @Test
    void usernameAndEmailChangeKeepTheSessionAndFreeTheOldEmail() {
        String name = Api.unique("rename");
        String token = api.register(name);
        Api.Response r = api.put("/api/user", token, "{\"user\":{\"username\":\"" + name + "_new\",\"email\":\"" + name + "_new@example.com\"}}");
        assertEquals(200, r.status());
        assertEquals(name + "_new", api.get("/api/user", token).json().path("user").path("username").asText());
        assertEquals(201, api.post("/api/users", null, user(name, name + "@example.com", "correct horse")).status());
    }

    @Test
    void unicodeBioRoundTripsAndEmptyNormalisesToNull() {
        String token = api.register(Api.unique("bio"));
        String bio = "שלום 🐉 中文 — ✓";
        Api.Response r = api.put("/api/user", token, "{\"user\":{\"bio\":" + Api.json(bio) + "}}");
        assertEquals(bio, r.json().path("user").path("bio").asText());
        assertEquals(bio, api.get("/api/user", token).json().path("user").path("bio").asText());
        assertTrue(api.put("/api/user", token, "{\"user\":{\"bio\":\"\"}}").json().path("user").path("bio").isNull());
    }

    @Test
    void imageMustBeAUrl() {
        String token = api.register(Api.unique("img"));
        Api.Response r = api.put("/api/user", token, "{\"user\":{\"image\":\"javascript:alert(1)\"}}");
        assertEquals(422, r.status());
        assertEquals("must be an http(s) URL", r.error("image"));
    }

    @Test
    void takenUsernameOnUpdateIs409() {
        String taken = Api.unique("taken");
        api.register(taken);
        String token = api.register(Api.unique("taker"));
        Api.Response r = api.put("/api/user", token, "{\"user\":{\"username\":\"" + taken + "\"}}");
        assertEquals(409, r.status());
        assertEquals("has already been taken", r.error("username"));
    }
}
