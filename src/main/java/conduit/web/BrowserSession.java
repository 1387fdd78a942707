package conduit.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

import io.helidon.http.HeaderNames;
import io.helidon.http.SetCookie;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * How the browser UI holds a session: the token in an {@code HttpOnly} cookie that scripts cannot
 * read, plus a CSRF token in a readable cookie that the UI echoes in {@code X-CSRF-Token} on every
 * state-changing request (double submit). The CSRF value is derived from the session token, so
 * every instance can check it without shared state, and a forged cross-site request, which cannot
 * read the cookie, cannot produce it.
 */
public final class BrowserSession {
    public static final String SESSION_COOKIE = "conduit_session";
    public static final String CSRF_COOKIE = "conduit_csrf";
    public static final String CSRF_HEADER = "X-CSRF-Token";
    /** Sent by the UI on login and registration to ask for cookies instead of a token in the body. */
    public static final String CLIENT_HEADER = "X-Conduit-Client";

    private BrowserSession() {
    }

    /** True when the UI asked for a cookie session. */
    public static boolean wanted(ServerRequest request) {
        return request.headers().first(HeaderNames.create(CLIENT_HEADER)).map("web"::equalsIgnoreCase).orElse(false);
    }

    public static void start(ServerRequest request, ServerResponse response, String token, Duration lifetime) {
        boolean secure = Forwarded.isHttps(request);
        response.headers().addCookie(SetCookie.builder(SESSION_COOKIE, token)
                .path("/").httpOnly(true).secure(secure).sameSite(SetCookie.SameSite.LAX).maxAge(lifetime).build());
        response.headers().addCookie(SetCookie.builder(CSRF_COOKIE, csrfToken(token))
                .path("/").httpOnly(false).secure(secure).sameSite(SetCookie.SameSite.LAX).maxAge(lifetime).build());
    }

    public static void end(ServerRequest request, ServerResponse response) {
        boolean secure = Forwarded.isHttps(request);
        for (String name : new String[] {SESSION_COOKIE, CSRF_COOKIE}) {
            response.headers().addCookie(SetCookie.builder(name, "")
                    .path("/").httpOnly(name.equals(SESSION_COOKIE)).secure(secure).sameSite(SetCookie.SameSite.LAX)
                    .expires(java.time.Instant.EPOCH).build());
        }
    }

    static Optional<String> token(ServerRequest request) {
        return request.headers().cookies().first(SESSION_COOKIE).asOptional().filter(v -> !v.isEmpty());
    }

    /** True when the request carries the CSRF token that belongs to this session token. */
    static boolean csrfValid(ServerRequest request, String token) {
        String sent = request.headers().first(HeaderNames.create(CSRF_HEADER)).orElse("");
        return MessageDigest.isEqual(sent.getBytes(StandardCharsets.US_ASCII),
                csrfToken(token).getBytes(StandardCharsets.US_ASCII));
    }

    static String csrfToken(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(("csrf:" + token).getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
