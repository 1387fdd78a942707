package conduit.web;

import conduit.common.Failure;
import conduit.common.Page;
import io.helidon.webserver.http.ServerRequest;

/** Path and query parameters, checked. */
public final class Params {
    private static final int MAX_QUERY_VALUE = 255;

    private Params() {
    }

    public static String path(ServerRequest request, String name) {
        return request.path().pathParameters().get(name);
    }

    /** An optional query parameter, at most 255 characters; null when absent or empty. */
    public static String query(ServerRequest request, String name) {
        String value = request.query().first(name).orElse(null);
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (value.length() > MAX_QUERY_VALUE) {
            throw Failure.tooLong(name, MAX_QUERY_VALUE);
        }
        return value;
    }

    /** {@code limit} and {@code offset}, defaulting to the given limit and 0. */
    public static Page page(ServerRequest request, int defaultLimit) {
        return new Page(integer(request, "limit", defaultLimit), integer(request, "offset", 0));
    }

    private static int integer(ServerRequest request, String name, int fallback) {
        String value = query(request, name);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw Failure.invalid(name, "must be an integer");
        }
    }
}
