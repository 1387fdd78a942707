package conduit.ratelimit;

import java.time.Duration;
import java.util.List;

import conduit.Api;
import conduit.App;
import conduit.AuditLines;
import conduit.EmbeddedApp;
import conduit.Settings;
import conduit.Stack;
import conduit.web.Cidr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every limit through the API, on the default limits: the test client is a trusted proxy
 * (127.0.0.1), so each test speaks for clients of its own addresses via X-Forwarded-For.
 */
class RateLimitTest {
    @RegisterExtension
    static final AuditLines AUDIT = new AuditLines();
    @RegisterExtension
    static final EmbeddedApp APP = new EmbeddedApp(RateLimitTest::behindProxyWithDefaults);
    /** Small upload quotas, to reach them with a few requests. */
    @RegisterExtension
    static final EmbeddedApp QUOTA = new EmbeddedApp(s -> behindProxyWithDefaults(s).toBuilder().limits(RateLimits.builder()
            .uploadsPerUser(RateLimits.Rate.perDay(3)).uploadKibPerUser(RateLimits.Rate.perDay(12 * 1024)).build()).build());
    private final Api api = APP.api();
    private static int nextAddress = 1;

    private static Settings behindProxyWithDefaults(Settings s) {
        return s.toBuilder().limits(RateLimits.DEFAULT)
                .edge(s.edge().toBuilder().trustedProxies(List.of(Cidr.parse("127.0.0.1/32"))).build()).build();
    }

    /** A client address nobody else in this run uses. */
    private static synchronized String freshAddress() {
        nextAddress++;
        return "198.18." + (nextAddress / 250) + "." + (nextAddress % 250 + 1);
    }

    private static Api.Response signUp(Api api, String from, String name) {
        return api.sendWith("POST", "/api/users", null, ("{\"user\":{\"username\":\"" + name + "\",\"email\":\"" + name
                + "@example.com\",\"password\":\"correct horse\"}}").getBytes(), "X-Forwarded-For", from);
    }

    private static void assertLimited(Api.Response r, String field) {
        assertEquals(429, r.status(), r.text());
        assertTrue(Long.parseLong(r.headers().firstValue("Retry-After").orElse("0")) >= 1, "Retry-After");
        assertTrue(r.error(field).startsWith("too many attempts, retry in"), r.text());
    }

    @Test
    void signUpsPerAddress() {
        String from = freshAddress();
        for (int i = 0; i < RateLimits.DEFAULT.signupPerAddress().count(); i++) {
            assertEquals(201, signUp(api, from, Api.unique("su")).status(), "sign-up " + (i + 1));
        }
        assertLimited(signUp(api, from, Api.unique("su")), "signup");
        assertEquals(201, signUp(api, freshAddress(), Api.unique("su")).status(), "another address is not limited");
        assertTrue(AUDIT.events("rate_limited").stream().anyMatch(e -> e.path("limit").asText().equals("signup-addr")
                && e.path("clientAddress").asText().equals(from)), "the refusal is audited with the client's address");
    }

    @Test
    void loginAttemptsPerAccountWhateverTheSpellingOrAddress() {
        String name = Api.unique("acct");
        assertEquals(201, signUp(api, freshAddress(), name).status());
        String[] spellings = {name + "@example.com", name.toUpperCase() + "@EXAMPLE.COM", " " + name + "@example.com ",
                name + "@ｅｘａｍｐｌｅ.com"};
        for (int i = 0; i < RateLimits.DEFAULT.loginPerAccount().count(); i++) {
            Api.Response r = api.sendWith("POST", "/api/users/login", null, ("{\"user\":{\"email\":" + Api.json(spellings[i % 4])
                    + ",\"password\":\"wrong wrong\"}}").getBytes(), "X-Forwarded-For", freshAddress());
            assertEquals(401, r.status(), "attempt " + (i + 1) + ": " + r.text());
        }
        assertLimited(api.sendWith("POST", "/api/users/login", null, ("{\"user\":{\"email\":\"" + name
                + "@example.com\",\"password\":\"correct horse\"}}").getBytes(), "X-Forwarded-For", freshAddress()), "login");
        // Another account from the same addresses is not limited.
        String other = Api.unique("acct");
        assertEquals(201, signUp(api, freshAddress(), other).status());
        assertEquals(200, api.sendWith("POST", "/api/users/login", null, ("{\"user\":{\"email\":\"" + other
                + "@example.com\",\"password\":\"correct horse\"}}").getBytes(), "X-Forwarded-For", freshAddress()).status());
    }

    @Test
    void loginAttemptsPerAddressAcrossAccounts() {
        String from = freshAddress();
        RateLimits.Rate rate = RateLimits.DEFAULT.loginPerAddress();
        long start = System.nanoTime();
        for (int i = 0; i < rate.count(); i++) {
            assertEquals(401, api.sendWith("POST", "/api/users/login", null, ("{\"user\":{\"email\":\"nobody" + i
                    + "@example.com\",\"password\":\"wrong wrong\"}}").getBytes(), "X-Forwarded-For", from).status());
        }
        // The bucket refills evenly (30 a minute: one every 2 s), so attempts slower than that earn
        // a few more, and so do the extra attempts themselves: the limit must hit within what has
        // refilled by the time of each one.
        long refillNanos = rate.window().dividedBy(rate.count()).toNanos();
        Api.Response r = null;
        for (long extra = 0; extra <= (System.nanoTime() - start) / refillNanos && (r == null || r.status() == 401); extra++) {
            r = api.sendWith("POST", "/api/users/login", null,
                    "{\"user\":{\"email\":\"nobody@example.com\",\"password\":\"wrong wrong\"}}".getBytes(), "X-Forwarded-For", from);
        }
        assertLimited(r, "login");
    }

    @Test
    void writesPerUser() {
        String token = signUp(api, freshAddress(), Api.unique("writer")).json().path("user").path("token").asText();
        String slug = api.article(token, "First");
        long budget = RateLimits.DEFAULT.writesPerUser().count() - 1;
        for (int i = 0; i < budget; i++) {
            assertEquals(200, api.post("/api/articles/" + slug + "/favorite", token, null).status(), "write " + (i + 2));
        }
        assertLimited(api.post("/api/articles", token, "{\"article\":{\"title\":\"t\",\"description\":\"d\",\"body\":\"b\"}}"), "writes");
        assertLimited(api.post("/api/articles/" + slug + "/comments", token, "{\"comment\":{\"body\":\"c\"}}"), "writes");
        String other = signUp(api, freshAddress(), Api.unique("writer")).json().path("user").path("token").asText();
        assertEquals(201, api.post("/api/articles/" + slug + "/comments", other, "{\"comment\":{\"body\":\"c\"}}").status());
        assertEquals(200, api.get("/api/articles/" + slug, token).status(), "reads are not limited");
    }

    @Test
    void dailyUploadQuotaInFilesAndBytes() {
        Api quota = QUOTA.api();
        String files = signUp(quota, freshAddress(), Api.unique("up")).json().path("user").path("token").asText();
        String small = "{\"upload\":{\"contentType\":\"image/png\",\"contentLength\":1000,\"purpose\":\"profile\"}}";
        for (int i = 0; i < 3; i++) {
            assertEquals(201, quota.post("/api/uploads", files, small).status());
        }
        assertLimited(quota.post("/api/uploads", files, small), "uploads");

        String bytes = signUp(quota, freshAddress(), Api.unique("up")).json().path("user").path("token").asText();
        String big = "{\"upload\":{\"contentType\":\"image/png\",\"contentLength\":" + 5 * 1024 * 1024 + ",\"purpose\":\"article\"}}";
        assertEquals(201, quota.post("/api/uploads", bytes, big).status());
        assertEquals(201, quota.post("/api/uploads", bytes, big).status());
        assertLimited(quota.post("/api/uploads", bytes, big), "uploads");
        assertEquals(201, quota.post("/api/uploads", bytes, small).status(), "what is left of the bytes is still usable");
        assertTrue(AUDIT.events("upload.granted").size() >= 6);
    }

    /** In Redis the buckets are shared: two instances count sign-ups from one address together. */
    @Test
    void limitsHoldAcrossInstancesInRedis() {
        Settings settings = Stack.redisSettings().toBuilder().limits(RateLimits.builder()
                .signupPerAddress(new RateLimits.Rate(3, Duration.ofHours(1))).build())
                .edge(Settings.Edge.builder().trustedProxies(List.of(Cidr.parse("127.0.0.1/32"))).build()).build();
        try (App.Running one = App.start(settings); App.Running two = App.start(settings.onFreeLoopbackPort(settings.dataDir()))) {
            Api a = Api.of(one);
            Api b = Api.of(two);
            String from = "198.19." + (System.nanoTime() % 250) + "." + (System.nanoTime() % 200 + 1);
            assertEquals(201, signUp(a, from, Api.unique("r")).status());
            assertEquals(201, signUp(b, from, Api.unique("r")).status());
            assertEquals(201, signUp(a, from, Api.unique("r")).status());
            assertLimited(signUp(b, from, Api.unique("r")), "signup");
        }
    }
}
