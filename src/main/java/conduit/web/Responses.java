package conduit.web;

import java.util.List;
import java.util.Map;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Header;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

/**
 * Writes JSON responses. For a {@code HEAD} request (marked by the edge filter for the whole
 * request, error handlers included) the same status and headers go out, with the length of the
 * body that a {@code GET} would have had, and no body.
 */
public final class Responses {
    public static final Header JSON = HeaderValues.createCached(HeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
    private static final Header NO_STORE = HeaderValues.createCached(HeaderNames.CACHE_CONTROL, "no-store");
    private static final ThreadLocal<Boolean> HEAD = new ThreadLocal<>();

    private Responses() {
    }

    public static void ok(ServerResponse res, Object body) {
        send(res, Status.OK_200, body);
    }

    public static void created(ServerResponse res, Object body) {
        send(res, Status.CREATED_201, body);
    }

    public static void noContent(ServerResponse res) {
        res.status(Status.NO_CONTENT_204).send();
    }

    /** A body that is JSON already (a cached public view). */
    public static void okJson(ServerResponse res, byte[] json) {
        sendJson(res, Status.OK_200, json);
    }

    public static void send(ServerResponse res, Status status, Object body) {
        sendJson(res, status, Json.write(body));
    }

    static void sendJson(ServerResponse res, Status status, byte[] json) {
        res.status(status);
        res.header(JSON);
        if (!res.headers().contains(HeaderNames.CACHE_CONTROL)) {
            // API answers are per caller (favorited, following); shared caches must not keep them.
            res.header(NO_STORE);
        }
        body(res, json);
    }

    /** Marks (or unmarks) the request this thread serves as a HEAD request: bodies are measured, not sent. */
    static void head(boolean head) {
        if (head) {
            HEAD.set(Boolean.TRUE);
        } else {
            HEAD.remove();
        }
    }

    /** Sends the body, or for a HEAD request only its length. */
    static void body(ServerResponse res, byte[] bytes) {
        if (HEAD.get() != null) {
            res.header(HeaderNames.CONTENT_LENGTH, Integer.toString(bytes.length));
            res.send();
        } else {
            res.send(bytes);
        }
    }

    /** {@code {"errors":{field:[message]}}} with the given status. */
    public static void error(ServerResponse res, Status status, Map<String, List<String>> errors) {
        send(res, status, Map.of("errors", errors));
    }

    public static void error(ServerResponse res, Status status, String field, String message) {
        error(res, status, Map.of(field, List.of(message)));
    }

    static HeaderName name(String name) {
        return HeaderNames.create(name);
    }
}
