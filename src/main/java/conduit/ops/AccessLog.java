package conduit.ops;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Timer;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * One access line per request (method, route template, status, duration, request id; never the
 * raw path or query, which may carry personal data), and the per-route request metrics:
 * {@code http_server_requests_seconds{method,route,status}} with a latency histogram.
 */
public final class AccessLog implements Filter {
    /** The fields of an access line; the JSON formatter lays them out. */
    public record Entry(String requestId, String method, String route, int status, long durationMillis) {
    }

    private static final Logger LOG = System.getLogger("conduit.access");
    /** Any other method is counted as "other": a client must not be able to mint metric series. */
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");

    private record Series(String method, String route, int status) {
    }

    /** The registry's getOrCreate builds an id and hashes its tags on every call: looked up once per series instead. */
    private final Map<Series, Timer> timers = new ConcurrentHashMap<>();
    private static final Duration[] BUCKETS = {
        Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
        Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5)};

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long start = System.nanoTime();
        try {
            chain.proceed();
        } finally {
            long nanos = System.nanoTime() - start;
            String method = req.prologue().method().text();
            String route = route(req);
            int status = res.status().code();
            timers.computeIfAbsent(new Series(METHODS.contains(method) ? method : "other", route, status), AccessLog::timer)
                    .record(Duration.ofNanos(nanos));
            // Health probes every few seconds would drown the access log: metrics only.
            if (!route.startsWith("/observe")) {
                LOG.log(Level.INFO, "{0}", new Entry(RequestContext.requestId(), method, route, status, nanos / 1_000_000));
            }
        }
    }

    /**
     * The route template that matched ({@code /api/articles/{slug}}), never the raw path. A
     * service's root route mounted at a prefix reports the prefix with a trailing slash
     * ({@code /api/articles/}): named without it, as the API documents it.
     */
    static String route(RoutingRequest req) {
        String pattern = req.matchingPattern().orElse("unmatched");
        return pattern.length() > 1 && pattern.endsWith("/") ? pattern.substring(0, pattern.length() - 1) : pattern;
    }

    private static Timer timer(Series series) {
        return Metrics.globalRegistry().getOrCreate(Timer.builder("http.server.requests")
                .tags(Metrics.tags("method", series.method(), "route", series.route(), "status", Integer.toString(series.status())))
                .buckets(BUCKETS));
    }
}
