package conduit.web;

import java.util.List;
import java.util.Map;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;

/**
 * JSON bodies for the errors the server answers before routing (unparseable request line or
 * headers, bad percent-encoding, a body over the server's hard limit), which would otherwise be
 * empty responses.
 */
public final class TransportErrors {
    private TransportErrors() {
    }

    public static DirectHandlers handlers() {
        DirectHandlers.Builder builder = DirectHandlers.builder();
        for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
            builder.addHandler(type, TransportErrors::handle);
        }
        return builder.build();
    }

    private static DirectHandler.TransportResponse handle(DirectHandler.TransportRequest request,
                                                          DirectHandler.EventType type,
                                                          Status status,
                                                          io.helidon.http.ServerResponseHeaders headers,
                                                          String message) {
        // The status, not the event type, says what happened (an oversize body arrives as
        // BAD_REQUEST with status 413).
        String text = switch (status.code()) {
            case 413 -> "body is too large";
            case 400 -> "is malformed";
            case 403 -> "is forbidden";
            case 505 -> "HTTP version is not supported";
            default -> status.code() >= 500 ? "could not be processed" : "is invalid";
        };
        return DirectHandler.TransportResponse.builder()
                .status(status)
                .headers(headers)
                .header(HeaderNames.CONTENT_TYPE, "application/json; charset=utf-8")
                .entity(Json.write(Map.of("errors", Map.of("request", List.of(text)))))
                .keepAlive(false)
                .build();
    }
}
