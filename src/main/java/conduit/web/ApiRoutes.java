package conduit.web;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Method;
import io.helidon.http.PathMatchers;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRoute;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;

/**
 * HTTP conventions for every API route, in one place instead of in every service:
 * <ul>
 *   <li>a {@code GET} route also answers {@code HEAD} (the same status and headers, no body: see
 *       {@link Responses}), {@code OPTIONS} answers 204 with {@code Allow}, and any other method
 *       on a known path is a 405 with {@code Allow} instead of a 404. The services' routing is
 *       recorded as it is declared, so the allowed methods cannot drift from the routes;</li>
 *   <li>a request whose body could not be read ({@link UnreadableBody}) is answered and its
 *       connection closed: Helidon 4.5 keeps a connection open despite a {@code Connection:
 *       close} response header, and would read the unread rest of the body as the next request.
 *       Closing from the handler (not from an error handler) is the way Helidon does it quietly.</li>
 * </ul>
 */
public final class ApiRoutes {
    private ApiRoutes() {
    }

    /** The services (mounted together at one prefix), with HEAD, OPTIONS and 405 added for each of their paths. */
    public static HttpService of(HttpService... services) {
        return rules -> {
            Recorder recorder = new Recorder(rules);
            for (HttpService service : services) {
                service.routing(recorder);
            }
            recorder.finish();
        };
    }

    private static Handler closingOnUnreadableBody(Handler handler) {
        return (req, res) -> {
            try {
                handler.handle(req, res);
            } catch (UnreadableBody e) {
                res.header(HeaderValues.CONNECTION_CLOSE);
                if (e.status() == Status.REQUEST_TIMEOUT_408) {
                    res.status(e.status()); // the deadline closed the socket already: nothing can be sent
                } else {
                    Responses.error(res, e.status(), "request", e.getMessage());
                }
                throw new CloseConnectionException("request body could not be read: " + e.getMessage());
            }
        };
    }

    /** Passes every rule on, and notes which methods each path has. */
    private static final class Recorder implements HttpRules {
        private final HttpRules rules;
        private final Map<String, Set<String>> methods = new LinkedHashMap<>();

        private Recorder(HttpRules rules) {
            this.rules = rules;
        }

        @Override
        public HttpRules route(Method method, String path, Handler declared) {
            Handler handler = closingOnUnreadableBody(declared);
            rules.route(method, path, handler);
            Set<String> allowed = methods.computeIfAbsent(path, p -> new TreeSet<>());
            allowed.add(method.text());
            if (method == Method.GET) {
                rules.route(Method.HEAD, path, handler);
                allowed.add(Method.HEAD.text());
            }
            return this;
        }

        @Override
        public HttpRules register(HttpService... services) {
            throw new UnsupportedOperationException("nested services are not recorded; mount them with ApiRoutes.of");
        }

        @Override
        public HttpRules register(String path, HttpService... services) {
            throw new UnsupportedOperationException("nested services are not recorded; mount them with ApiRoutes.of");
        }

        @Override
        public HttpRules route(HttpRoute route) {
            throw new UnsupportedOperationException("only routes declared by method and path are recorded");
        }

        /** After every declared route: OPTIONS, then 405 for the remaining methods, per path. */
        void finish() {
            methods.forEach((path, declared) -> {
                Set<String> allowed = new TreeSet<>(declared);
                allowed.add(Method.OPTIONS.text());
                String allow = String.join(", ", allowed);
                rules.route(Method.predicate(Method.OPTIONS), PathMatchers.create(path), (req, res) -> {
                    res.header(HeaderNames.ALLOW, allow);
                    res.status(Status.NO_CONTENT_204).send();
                });
                rules.route(method -> true, PathMatchers.create(path), (req, res) -> {
                    res.header(HeaderNames.ALLOW, allow);
                    Responses.error(res, Status.METHOD_NOT_ALLOWED_405, "method", "is not allowed here (allowed: " + allow + ")");
                });
            });
        }
    }
}
