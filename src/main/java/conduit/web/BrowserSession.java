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
 *
 * <p>Under HTTPS both cookies carry the {@code __Host-} prefix ({@code Secure}, {@code Path=/},
 * no {@code Domain}): a sibling subdomain cannot plant a session cookie for this host (session
 * fixation), and only the prefixed session cookie is accepted there. Over plain HTTP (local
 * development) the names are unprefixed. For one release, HTTPS responses also set the CSRF
 * cookie under its old name, which the UI reads until it reads the prefixed one: it is not a
 * credential (its value is derived from the session token and checked against it), so a planted
 * copy gains nothing.
 */
public final class BrowserSession {
    public static final String SESSION_COOKIE = "conduit_session";
    public static final String CSRF_COOKIE = "conduit_csrf";
    /** The prefix browsers enforce: Secure, Path=/, no Domain (RFC 6265bis 4.1.3.2). */
    public static final String HOST_PREFIX = "__Host-";
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
        String csrf = csrfToken(token);
        response.headers().addCookie(cookie(name(SESSION_COOKIE, secure), token, true, secure).maxAge(lifetime).build());
        response.headers().addCookie(cookie(name(CSRF_COOKIE, secure), csrf, false, secure).maxAge(lifetime).build());
        if (secure) {
            // Transitional: the UI's old name for the CSRF cookie (see the class comment).
            response.headers().addCookie(cookie(CSRF_COOKIE, csrf, false, true).maxAge(lifetime).build());
        }
    }

    public static void end(ServerRequest request, ServerResponse response) {
        boolean secure = Forwarded.isHttps(request);
        java.util.List<String> names = secure
                ? java.util.List.of(HOST_PREFIX + SESSION_COOKIE, HOST_PREFIX + CSRF_COOKIE, SESSION_COOKIE, CSRF_COOKIE)
                : java.util.List.of(SESSION_COOKIE, CSRF_COOKIE);
        for (String name : names) {
            response.headers().addCookie(cookie(name, "", name.endsWith(SESSION_COOKIE), secure)
                    .expires(java.time.Instant.EPOCH).build());
        }
    }

    /** The session cookie this request may use: the {@code __Host-} one under HTTPS, the plain one otherwise. */
    static Optional<String> token(ServerRequest request) {
        return request.headers().cookies().first(name(SESSION_COOKIE, Forwarded.isHttps(request))).asOptional()
                .filter(v -> !v.isEmpty());
    }

    /** A cookie's name: prefixed under HTTPS. */
    public static String name(String base, boolean https) {
        return https ? HOST_PREFIX + base : base;
    }

    private static SetCookie.Builder cookie(String name, String value, boolean httpOnly, boolean secure) {
        return SetCookie.builder(name, value).path("/").httpOnly(httpOnly).secure(secure).sameSite(SetCookie.SameSite.LAX);
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
