package conduit.blob;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.databind.JsonNode;
import conduit.common.Failure;
import conduit.web.Json;
import io.helidon.webserver.http.ServerRequest;

/**
 * The {@code {"upload":{...}}} request body. Like {@code conduit.web.JsonBody}, with strict
 * typed accessors, plus the integer field that JsonBody does not read; upload requests are
 * tiny, so the size limit is too.
 */
final class UploadJson {
    static final int MAX_BYTES = 4096;
    private final JsonNode node;

    private UploadJson(JsonNode node) {
        this.node = node;
    }

    static UploadJson read(ServerRequest request) {
        JsonNode root = Json.parse(readBytes(request));
        JsonNode inner = root.isObject() ? root.get("upload") : null;
        if (inner == null || inner.isNull()) {
            throw Failure.invalid("upload", "is missing");
        }
        if (!inner.isObject()) {
            throw Failure.invalid("upload", "must be an object");
        }
        return new UploadJson(inner);
    }

    /** The string value; null when absent or JSON null; 422 when another type. */
    String string(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw Failure.invalid(field, "must be a string");
        }
        return value.textValue();
    }

    /** The integer value; null when absent or JSON null; 422 for strings, fractions and huge numbers. */
    Long integer(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw Failure.invalid(field, "must be an integer");
        }
        return value.longValue();
    }

    private static byte[] readBytes(ServerRequest request) {
        if (!request.content().hasEntity()) {
            throw new Failure(Failure.Kind.MALFORMED, "request", "body is missing");
        }
        if (request.headers().contentLength().orElse(-1) > MAX_BYTES) {
            throw tooLarge();
        }
        try (InputStream in = request.content().inputStream()) {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw tooLarge();
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Failure tooLarge() {
        return new Failure(Failure.Kind.TOO_LARGE, "request", "body is too large (maximum is " + MAX_BYTES + " bytes)");
    }
}
