package conduit.web;

import java.time.Duration;
import java.util.Set;

import conduit.Api;
import conduit.App;
import conduit.Settings;
import conduit.Stack;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CORS for the configured origins only, on the server as Main builds it (Helidon's test
 * harness adds a CORS feature of its own that allows any origin, so it cannot show this).
 */
class CorsTest {
    @Test
    void corsPreflightAndResponsesForConfiguredOriginsOnly() {
        Settings settings = Settings.embedded(Stack.tempDir()).toBuilder().edge(Settings.Edge.builder()
                .drain(Duration.ZERO).grace(Duration.ofSeconds(1)).corsOrigins(Set.of("https://app.example.com")).build()).build();
        try (App.Running app = App.start(settings)) {
            check(Api.of(app));
        }
    }

    private static void check(Api api) {
        Api.Response preflight = api.sendWith("OPTIONS", "/api/articles", null, null, "Origin", "https://app.example.com",
                "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization,content-type");
        assertEquals(204, preflight.status());
        assertEquals("https://app.example.com", preflight.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
        assertTrue(preflight.headers().firstValue("Access-Control-Allow-Headers").orElse("").contains("Authorization"));
        assertTrue(preflight.headers().firstValue("Access-Control-Allow-Headers").orElse("").contains("Idempotency-Key"),
                "a cross-origin client may retry safely too");
        assertFalse(preflight.headers().firstValue("Access-Control-Allow-Credentials").isPresent());

        Api.Response get = api.sendWith("GET", "/api/tags", null, null, "Origin", "https://app.example.com");
        assertEquals("https://app.example.com", get.headers().firstValue("Access-Control-Allow-Origin").orElse(""));

        Api.Response other = api.sendWith("GET", "/api/tags", null, null, "Origin", "https://evil.example.net");
        assertFalse(other.headers().firstValue("Access-Control-Allow-Origin").isPresent(), other.headers().map().toString());
    }

}
