package conduit.web;

import io.helidon.http.Status;

/**
 * A request body that could not be read to its end: malformed chunked encoding, cut short, late,
 * or longer than allowed. Answered with a JSON error, and the connection closed ({@link ApiRoutes}):
 * the unread rest of the body must never be taken for the next request.
 */
final class UnreadableBody extends RuntimeException {
    private final Status status;

    UnreadableBody(Status status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    Status status() {
        return status;
    }
}
