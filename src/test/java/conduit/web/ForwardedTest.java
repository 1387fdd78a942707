package conduit.web;

import java.util.List;

import conduit.Api;
import conduit.EmbeddedApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Behind a trusted proxy (here the test client itself, 127.0.0.1, as the ALB is on AWS): the
 * client address comes from the proxy's header or X-Forwarded-For, HTTPS from X-Forwarded-Proto.
 * The untrusted case, where the same headers are ignored, is in EdgeTest and BrowserSessionTest.
 * The address the app settled on is read back where a user sees it: the session list.
 */
class ForwardedTest {
    @RegisterExtension
    static final EmbeddedApp APP = new EmbeddedApp(s -> s.toBuilder().edge(s.edge().toBuilder()
            .trustedProxies(List.of(Cidr.parse("127.0.0.1/32"), Cidr.parse("10.0.0.0/8")))
            .clientAddressHeader("x-viewer-ip").build()).build());
    private final Api api = APP.api();

    /** Signs in with the given extra headers and returns the client address the new session recorded. */
    private String signedInFrom(String... headers) {
        String name = Api.unique("fwd");
        api.register(name);
        byte[] login = ("{\"user\":{\"email\":\"" + name + "@example.com\",\"password\":\"correct horse\"}}").getBytes();
        Api.Response r = api.sendWith("POST", "/api/users/login", null, login, headers);
        assertEquals(200, r.status(), r.text());
        String token = r.json().path("user").path("token").asText();
        for (var s : api.get("/api/user/sessions", token).json().path("sessions")) {
            if (s.path("current").asBoolean()) {
                return s.path("clientAddress").asText();
            }
        }
        throw new AssertionError("no current session listed");
    }

    @Test
    void theRightMostUntrustedForwardedForEntryIsTheClient() {
        // 10.0.0.5 is a trusted hop (an inner proxy); 1.1.1.1 is what the client claimed about itself.
        assertEquals("198.51.100.7", signedInFrom("X-Forwarded-For", "1.1.1.1, 198.51.100.7, 10.0.0.5"));
        assertEquals("198.51.100.8", signedInFrom("X-Forwarded-For", "198.51.100.8"));
        // Several header lines are one list.
        assertEquals("198.51.100.9", signedInFrom("X-Forwarded-For", "1.1.1.1", "X-Forwarded-For", "198.51.100.9"));
    }

    @Test
    void theProxysClientHeaderWinsOverForwardedFor() {
        assertEquals("203.0.113.9", signedInFrom("x-viewer-ip", "203.0.113.9", "X-Forwarded-For", "198.51.100.7"));
        assertEquals("2001:db8:0:0:0:0:0:1", signedInFrom("x-viewer-ip", "2001:db8::1"));
    }

    @Test
    void garbageIsNeverAnAddress() {
        // Not an address: the header is passed over, and X-Forwarded-For stops at the garbage.
        assertEquals("198.51.100.7", signedInFrom("x-viewer-ip", "localhost", "X-Forwarded-For", "198.51.100.7"));
        assertEquals("10.0.0.5", signedInFrom("X-Forwarded-For", "198.51.100.7, evil.example, 10.0.0.5"));
        // Nothing usable at all: the peer.
        assertEquals("127.0.0.1", signedInFrom("X-Forwarded-For", "not-an-address"));
    }

    @Test
    void httpsAtTheProxyMeansHstsAndHostPrefixedSecureCookies() {
        Api.Response tags = api.sendWith("GET", "/api/tags", null, null, "X-Forwarded-Proto", "https");
        assertEquals("max-age=31536000; includeSubDomains", tags.headers().firstValue("Strict-Transport-Security").orElse(""));
        String name = Api.unique("host");
        byte[] body = ("{\"user\":{\"username\":\"" + name + "\",\"email\":\"" + name + "@example.com\",\"password\":\"correct horse\"}}")
                .getBytes();
        Api.Response r = api.sendWith("POST", "/api/users", null, body, BrowserSession.CLIENT_HEADER, "web",
                "X-Forwarded-Proto", "https");
        assertEquals(201, r.status(), r.text());
        List<String> cookies = r.headers().allValues("Set-Cookie");
        String session = cookies.stream().filter(c -> c.startsWith("__Host-conduit_session=")).findFirst()
                .orElseThrow(() -> new AssertionError("no __Host- session cookie: " + cookies));
        assertTrue(session.contains("Secure") && session.contains("Path=/") && session.contains("HttpOnly")
                && !session.contains("Domain"), session);
        String value = session.substring(session.indexOf('=') + 1, session.indexOf(';'));
        String csrf = cookies.stream().filter(c -> c.startsWith("__Host-conduit_csrf=")).findFirst().orElseThrow();
        String csrfValue = csrf.substring(csrf.indexOf('=') + 1, csrf.indexOf(';'));
        // Under HTTPS only the prefixed cookie is a session: a plain one (planted by a sibling subdomain) is not.
        assertEquals(200, api.sendWith("GET", "/api/user", null, null, "X-Forwarded-Proto", "https",
                "Cookie", "__Host-conduit_session=" + value).status());
        assertEquals(401, api.sendWith("GET", "/api/user", null, null, "X-Forwarded-Proto", "https",
                "Cookie", "conduit_session=" + value).status());
        assertEquals(204, api.sendWith("POST", "/api/users/logout", null, null, "X-Forwarded-Proto", "https",
                "Cookie", "__Host-conduit_session=" + value, BrowserSession.CSRF_HEADER, csrfValue).status());
    }
}
