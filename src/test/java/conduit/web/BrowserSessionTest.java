package conduit.web;

import java.nio.charset.StandardCharsets;
import java.util.List;

import conduit.Api;
import conduit.EmbeddedApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The browser UI's cookie session: HttpOnly token, SameSite, CSRF on writes, logout. */
class BrowserSessionTest {
    @RegisterExtension
    static final EmbeddedApp APP = new EmbeddedApp();
    private final Api api = APP.api();

    private record Cookies(String session, String csrf, List<String> raw) {
        String header() {
            return BrowserSession.SESSION_COOKIE + "=" + session + "; " + BrowserSession.CSRF_COOKIE + "=" + csrf;
        }
    }

    private Cookies register(String name, String... extraHeaders) {
        byte[] body = ("{\"user\":{\"username\":\"" + name + "\",\"email\":\"" + name + "@example.com\",\"password\":\"correct horse\"}}")
                .getBytes(StandardCharsets.UTF_8);
        String[] headers = new String[extraHeaders.length + 2];
        headers[0] = BrowserSession.CLIENT_HEADER;
        headers[1] = "web";
        System.arraycopy(extraHeaders, 0, headers, 2, extraHeaders.length);
        Api.Response r = api.sendWith("POST", "/api/users", null, body, headers);
        assertEquals(201, r.status(), r.text());
        assertTrue(r.json().path("user").path("token").isNull(), "the token must not reach JavaScript: " + r.text());
        List<String> setCookies = r.headers().allValues("Set-Cookie");
        return new Cookies(value(setCookies, BrowserSession.SESSION_COOKIE), value(setCookies, BrowserSession.CSRF_COOKIE), setCookies);
    }

    private static String value(List<String> setCookies, String name) {
        return setCookies.stream().filter(c -> c.startsWith(name + "=")).findFirst()
                .map(c -> c.substring(name.length() + 1, c.indexOf(';'))).orElseThrow(() -> new AssertionError(name + " not set: " + setCookies));
    }

    private static String cookie(List<String> setCookies, String name) {
        return setCookies.stream().filter(c -> c.startsWith(name + "=")).findFirst().orElseThrow();
    }

    @Test
    void sessionCookieIsHttpOnlyAndSameSiteAndCsrfCookieIsReadable() {
        Cookies c = register(Api.unique("web"));
        String session = cookie(c.raw(), BrowserSession.SESSION_COOKIE);
        assertTrue(session.contains("HttpOnly"), session);
        assertTrue(session.contains("SameSite=Lax"), session);
        assertFalse(session.contains("Secure"), "plain HTTP without a proxy: no Secure flag: " + session);
        assertFalse(cookie(c.raw(), BrowserSession.CSRF_COOKIE).contains("HttpOnly"));
    }

    /** X-Forwarded-Proto from a peer that is not a trusted proxy proves nothing (ForwardedTest has the trusted case). */
    @Test
    void aClaimedHttpsFromAnUntrustedPeerChangesNoCookie() {
        Cookies c = register(Api.unique("tls"), "X-Forwarded-Proto", "https");
        assertFalse(cookie(c.raw(), BrowserSession.SESSION_COOKIE).contains("Secure"));
        assertTrue(c.raw().stream().noneMatch(v -> v.startsWith(BrowserSession.HOST_PREFIX)), c.raw().toString());
    }

    @Test
    void cookieAuthenticatesReadsAndWritesNeedTheCsrfToken() {
        Cookies c = register(Api.unique("csrf"));
        Api.Response me = api.sendWith("GET", "/api/user", null, null, "Cookie", c.header());
        assertEquals(200, me.status());
        assertTrue(me.json().path("user").path("token").isNull());

        byte[] article = "{\"article\":{\"title\":\"t\",\"description\":\"d\",\"body\":\"b\"}}".getBytes(StandardCharsets.UTF_8);
        Api.Response forged = api.sendWith("POST", "/api/articles", null, article, "Cookie", c.header());
        assertEquals(403, forged.status());
        assertEquals("is missing or invalid", forged.error("csrf"));
        Api.Response wrong = api.sendWith("POST", "/api/articles", null, article, "Cookie", c.header(),
                BrowserSession.CSRF_HEADER, "x" + c.csrf());
        assertEquals(403, wrong.status());
        Api.Response ok = api.sendWith("POST", "/api/articles", null, article, "Cookie", c.header(),
                BrowserSession.CSRF_HEADER, c.csrf());
        assertEquals(201, ok.status(), ok.text());
    }

    @Test
    void logoutRevokesTheSessionAndClearsTheCookies() {
        Cookies c = register(Api.unique("bye"));
        Api.Response out = api.sendWith("POST", "/api/users/logout", null, null, "Cookie", c.header(),
                BrowserSession.CSRF_HEADER, c.csrf());
        assertEquals(204, out.status());
        assertTrue(cookie(out.headers().allValues("Set-Cookie"), BrowserSession.SESSION_COOKIE).contains("Expires=Thu, 1 Jan 1970"));
        assertEquals(401, api.sendWith("GET", "/api/user", null, null, "Cookie", c.header()).status());
    }

    @Test
    void apiClientsKeepGettingTheTokenInTheBody() {
        String token = api.register(Api.unique("apiclient"));
        assertEquals(token, api.get("/api/user", token).json().path("user").path("token").asText());
        assertEquals(204, api.post("/api/users/logout", token, null).status());
        assertEquals(401, api.get("/api/user", token).status());
    }
}
