package conduit.web;

import java.util.Set;

import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * The observe listener answers only the paths this app publishes: health (all, ready, live) and
 * the one Prometheus scrape. Everything else there is a JSON 404 before Helidon's observers see
 * it: Helidon 4.5's metrics observer answers its MicroProfile-style scope paths
 * ({@code /observe/metrics/vendor}, {@code base}, {@code application}) and {@code ?scope=} with
 * a NullPointerException, a 500 with a stack trace in the log.
 */
public final class ObservePaths implements Filter {
    private static final Set<String> PUBLISHED = Set.of(
            "/observe/health", "/observe/health/ready", "/observe/health/live", "/observe/metrics");

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        if (!PUBLISHED.contains(path) || !req.query().isEmpty()) {
            Responses.error(res, Status.NOT_FOUND_404, "route", "no such route");
            return;
        }
        chain.proceed();
    }
}
