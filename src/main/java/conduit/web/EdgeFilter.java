package conduit.web;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import conduit.db.ReadConsistency;
import conduit.ops.Drain;
import conduit.ops.RequestContext;
import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * What every request gets at the edge: its client worked out once ({@link Forwarded}); a request
 * id (the caller's {@code X-Request-Id}, else the ALB's {@code X-Amzn-Trace-Id}, else a new one)
 * echoed in the response; security headers; CORS for the configured origins; {@code Connection:
 * close} while draining, so clients reconnect to an instance that stays; and the per-request
 * thread state cleared at the end.
 */
public final class EdgeFilter implements Filter {
    private static final HeaderName REQUEST_ID = HeaderNames.create("X-Request-Id");
    private static final HeaderName TRACE_ID = HeaderNames.create("X-Amzn-Trace-Id");
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._:=;/+-]{1,128}");
    /**
     * A session token is 43 base64url characters: an id holding such a run (a client that put its
     * token in the wrong header) is replaced, so it is neither logged nor echoed. UUIDs (36) and
     * the ALB's trace ids (35 per part) stay well below.
     */
    private static final Pattern TOKEN_LIKE = Pattern.compile("[A-Za-z0-9_-]{40,}");
    /** API answers are data, never documents: nothing may load or frame them. */
    static final String API_CSP = "default-src 'none'; frame-ancestors 'none'";
    /*
     * The security headers are the same on every response, so each is built once: made per
     * request, their names and values were ~4 % of the bytes a request allocated (JFR, the
     * read-heavy mix; docs/BENCHMARKS.md, "Sixteenth pass").
     */
    private static final Header NO_SNIFF = HeaderValues.createCached(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
    private static final Header NO_FRAMES = HeaderValues.createCached(HeaderNames.create("X-Frame-Options"), "DENY");
    private static final Header REFERRER_POLICY = HeaderValues.createCached(HeaderNames.create("Referrer-Policy"),
            "strict-origin-when-cross-origin");
    private static final Header OPENER_POLICY = HeaderValues.createCached(HeaderNames.create("Cross-Origin-Opener-Policy"),
            "same-origin");
    private static final Header API_POLICY = HeaderValues.createCached(HeaderNames.create("Content-Security-Policy"), API_CSP);
    private static final Header HSTS = HeaderValues.createCached(HeaderNames.STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains");

    private final Set<String> corsOrigins;
    private final Drain drain;
    private final Forwarded forwarded;

    /**
     * @param corsOrigins origins allowed to call the API from a browser ({@code *} for any); empty for none
     * @param forwarded   which peers' forwarding headers are believed
     */
    public EdgeFilter(Set<String> corsOrigins, Drain drain, Forwarded forwarded) {
        this.corsOrigins = corsOrigins;
        this.drain = drain;
        this.forwarded = forwarded;
    }

    /**
     * A random (version 4) UUID from this thread's generator. A request id names a request in
     * logs and answers and guards nothing, so it needs no SecureRandom, whose global lock and
     * /dev/urandom read UUID.randomUUID() paid on every request that came without an id.
     */
    static String newRequestId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4
        long low = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L; // IETF variant
        return new UUID(high, low).toString();
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String requestId = req.headers().first(REQUEST_ID).filter(EdgeFilter::safeId)
                .or(() -> req.headers().first(TRACE_ID).filter(EdgeFilter::safeId))
                .orElseGet(EdgeFilter::newRequestId);
        Forwarded.Origin origin = forwarded.resolve(req);
        req.context().register(origin);
        RequestContext.set(requestId, origin.text());
        Responses.head(req.prologue().method() == Method.HEAD);
        try {
            res.header(REQUEST_ID, requestId);
            securityHeaders(req, res);
            if (drain.draining()) {
                res.header(HeaderValues.CONNECTION_CLOSE);
            }
            if (cors(req, res)) {
                return; // a preflight, answered here
            }
            chain.proceed();
        } finally {
            RequestContext.clear();
            ReadConsistency.clear();
            Responses.head(false);
        }
    }

    /** A caller's id is kept only when it is short, plain and cannot be a token. */
    static boolean safeId(String id) {
        return SAFE_ID.matcher(id).matches() && !TOKEN_LIKE.matcher(id).find();
    }

    private static void securityHeaders(RoutingRequest req, RoutingResponse res) {
        res.header(NO_SNIFF);
        res.header(NO_FRAMES);
        res.header(REFERRER_POLICY);
        res.header(OPENER_POLICY);
        if (req.path().path().startsWith("/api/")) {
            res.header(API_POLICY);
        }
        if (Forwarded.isHttps(req)) {
            res.header(HSTS);
        }
    }

    /** Adds CORS headers for an allowed origin; answers a preflight. True when the request is done. */
    private boolean cors(RoutingRequest req, RoutingResponse res) {
        String origin = req.headers().first(HeaderNames.ORIGIN).orElse(null);
        if (origin == null || corsOrigins.isEmpty() || !req.path().path().startsWith("/api/")) {
            return false;
        }
        boolean any = corsOrigins.contains("*");
        if (!any && !corsOrigins.contains(origin)) {
            return false;
        }
        // Tokens travel in the Authorization header, never in cookies, across origins: no credentials.
        res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, any ? "*" : origin);
        res.header(HeaderNames.VARY, "Origin");
        res.header(HeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, "X-Request-Id, Retry-After, Idempotent-Replayed");
        boolean preflight = req.prologue().method() == Method.OPTIONS
                && req.headers().contains(HeaderNames.ACCESS_CONTROL_REQUEST_METHOD);
        if (preflight) {
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, PUT, DELETE, OPTIONS");
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, "Authorization, Content-Type, X-Request-Id, Idempotency-Key");
            res.header(HeaderNames.ACCESS_CONTROL_MAX_AGE, "600");
            res.status(Status.NO_CONTENT_204).send();
            return true;
        }
        return false;
    }
}
