package conduit.web;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

import conduit.common.Failure;
import conduit.crypto.DecryptionFailedException;
import conduit.db.SqlErrors;
import conduit.ops.Audit;
import conduit.ops.TierBreaker;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.common.Weighted;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpFeature;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerResponse;

/**
 * Maps failures to RealWorld error bodies. Expected failures become 4xx (or 503); anything else is
 * a bug, logged with its stack trace and answered with a JSON 500 that leaks nothing.
 */
public final class ErrorHandling {
    private static final Logger LOG = System.getLogger(ErrorHandling.class.getName());

    private ErrorHandling() {
    }

    public static void register(HttpRouting.Builder routing) {
        routing.error(Failure.class, (req, res, failure) -> {
            if (failure.kind() == Failure.Kind.FORBIDDEN && !failure.errors().containsKey("csrf")
                    && !failure.errors().containsKey("currentPassword")) {
                // Someone else's article or comment (CSRF and re-authentication audit themselves).
                Audit.denied("access.denied", 0, "resource", String.join(",", failure.errors().keySet()),
                        "route", req.matchingPattern().orElse("unmatched"));
            }
            if (failure.getCause() != null && !TierBreaker.refused(failure)) {
                // An infrastructure failure behind a 503: logged here, once, with its cause.
                LOG.log(Level.WARNING, failure.getMessage() + " on " + req.prologue().method().text() + " "
                        + req.matchingPattern().orElse("unmatched"), failure.getCause());
            }
            respond(res, failure);
        });
        routing.error(UnreadableBody.class, (req, res, e) -> {
            // Outside ApiRoutes (which also closes the connection): at least the right answer.
            res.header(HeaderValues.CONNECTION_CLOSE);
            Responses.error(res, e.status(), "request", e.getMessage());
        });
        routing.error(DecryptionFailedException.class, (req, res, e) -> {
            // Stored data that fails its integrity check (tampered, or moved between rows) is a
            // server-side fault, never shown: a 500 that says what kind, and an alarm in the log.
            LOG.log(Level.ERROR, "stored data failed an integrity check on " + req.prologue().method().text() + " "
                    + req.matchingPattern().orElse("unmatched") + ": " + e.getMessage());
            Responses.error(res, Status.INTERNAL_SERVER_ERROR_500, "server", "stored data failed an integrity check");
        });
        routing.error(TierBreaker.Unavailable.class, (req, res, e) -> {
            // Refused at once by an open circuit breaker; the breaker logged its opening.
            res.header(HeaderNames.RETRY_AFTER, "1");
            Responses.error(res, Status.SERVICE_UNAVAILABLE_503, "database", "is temporarily unavailable");
        });
        routing.error(Exception.class, (req, res, e) -> {
            if (SqlErrors.unavailable(e)) {
                // The database is unreachable, slow or read-only (failover, restart, a lock): a
                // retryable 503, not a bug.
                LOG.log(Level.WARNING, "database unavailable (" + SqlErrors.classify(e).orElseThrow() + ") on "
                        + req.prologue().method().text() + " " + req.matchingPattern().orElse("unmatched"), e);
                res.header(HeaderNames.RETRY_AFTER, "1");
                Responses.error(res, Status.SERVICE_UNAVAILABLE_503, "database", "is temporarily unavailable");
                return;
            }
            LOG.log(Level.ERROR, "Unhandled error on " + req.prologue().method().text() + " "
                    + req.matchingPattern().orElse("unmatched"), e);
            if (!res.isSent()) {
                Responses.error(res, Status.INTERNAL_SERVER_ERROR_500, "server", "internal error");
            }
        });
    }

    /**
     * The last route: anything not matched before is a JSON 404. A feature of the lowest weight,
     * so that it sits after the routes of every other feature (observe endpoints included).
     */
    public static void registerNotFound(HttpRouting.Builder routing) {
        routing.addFeature(new NotFound());
    }

    private static final class NotFound implements HttpFeature, Weighted {
        @Override
        public void setup(HttpRouting.Builder rules) {
            rules.any((req, res) -> Responses.error(res, Status.NOT_FOUND_404, "route", "no such route"));
        }

        @Override
        public double weight() {
            return 0;
        }
    }

    static void respond(ServerResponse res, Failure failure) {
        if (failure.retryAfterSeconds() > 0) {
            res.header(HeaderNames.RETRY_AFTER, Long.toString(failure.retryAfterSeconds()));
        }
        Status status = switch (failure.kind()) {
            case MALFORMED -> Status.BAD_REQUEST_400;
            case UNAUTHORIZED -> Status.UNAUTHORIZED_401;
            case FORBIDDEN -> Status.FORBIDDEN_403;
            case NOT_FOUND -> Status.NOT_FOUND_404;
            case TIMEOUT -> Status.REQUEST_TIMEOUT_408;
            case CONFLICT -> Status.CONFLICT_409;
            case TOO_LARGE -> Status.REQUEST_ENTITY_TOO_LARGE_413;
            case UNSUPPORTED_MEDIA_TYPE -> Status.UNSUPPORTED_MEDIA_TYPE_415;
            case INVALID -> Status.create(422, "Unprocessable Content");
            case RATE_LIMITED -> Status.TOO_MANY_REQUESTS_429;
            case UNAVAILABLE -> Status.SERVICE_UNAVAILABLE_503;
        };
        Responses.error(res, status, failure.errors());
    }
}
