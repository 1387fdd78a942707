package conduit.web;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

/**
 * What the load balancer tells us about the original request. The app is only reachable through
 * the load balancer (security groups), which overwrites these headers, so they can be trusted.
 */
public final class Forwarded {
    private Forwarded() {
    }

    /**
     * The client's address: the right-most {@code X-Forwarded-For} entry (the one our load
     * balancer appended; entries left of it are whatever the client claimed), else the peer.
     */
    public static String clientAddress(ServerRequest request) {
        String forwarded = request.headers().first(HeaderNames.X_FORWARDED_FOR).orElse("");
        int comma = forwarded.lastIndexOf(',');
        String last = (comma < 0 ? forwarded : forwarded.substring(comma + 1)).trim();
        if (!last.isEmpty() && last.length() <= 64) {
            return last;
        }
        return request.remotePeer().host();
    }

    /** True when the client spoke HTTPS: to us directly, or to the load balancer in front. */
    public static boolean isHttps(ServerRequest request) {
        if (request.isSecure()) {
            return true;
        }
        return request.headers().first(HeaderNames.X_FORWARDED_PROTO)
                .map(v -> v.trim().toLowerCase(java.util.Locale.ROOT).startsWith("https")).orElse(false);
    }
}
