package conduit.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import conduit.common.Change;
import conduit.common.Failure;
import io.helidon.webserver.http.ServerRequest;

/**
 * The object inside a RealWorld request wrapper ({@code {"user":{...}}}), read with a size limit
 * and with typed, strict accessors: a field of the wrong JSON type is a 422 that names the field,
 * never a 500 or a silent coercion.
 */
public final class JsonBody {
    /** Largest request body accepted (an article of a few hundred KB of any script fits). */
    public static final int MAX_BYTES = 2 * 1024 * 1024;

    private final ObjectNode node;
    private final byte[] raw;

    private JsonBody(ObjectNode node, byte[] raw) {
        this.node = node;
        this.raw = raw;
    }

    /** Reads the request body and returns the object under {@code wrapper}. */
    public static JsonBody read(ServerRequest request, String wrapper) {
        return read(request, wrapper, MAX_BYTES);
    }

    /** The same with a lower size limit, for endpoints whose bodies are small by nature. */
    public static JsonBody read(ServerRequest request, String wrapper, int maxBytes) {
        byte[] raw = readBytes(request, maxBytes);
        JsonNode root = Json.parse(raw);
        JsonNode inner = root.isObject() ? root.get(wrapper) : null;
        if (inner == null || inner.isNull()) {
            throw Failure.invalid(wrapper, "is missing");
        }
        if (!inner.isObject()) {
            throw Failure.invalid(wrapper, "must be an object");
        }
        return new JsonBody((ObjectNode) inner, raw);
    }

    /** The body as it arrived (what an idempotent retry must repeat byte for byte). */
    public byte[] raw() {
        return raw;
    }

    private static byte[] readBytes(ServerRequest request, int maxBytes) {
        if (!request.content().hasEntity()) {
            throw new Failure(Failure.Kind.MALFORMED, "request", "body is missing");
        }
        long declared = request.headers().contentLength().orElse(-1);
        if (declared > maxBytes) {
            throw tooLarge(maxBytes);
        }
        try (InputStream in = request.content().inputStream()) {
            byte[] bytes = in.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw tooLarge(maxBytes);
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Failure tooLarge(int maxBytes) {
        return new Failure(Failure.Kind.TOO_LARGE, "request", "body is too large (maximum is " + maxBytes + " bytes)");
    }

    /** True when the field is present, even as JSON null. */
    public boolean has(String field) {
        return node.has(field);
    }

    /** The string value; null when absent or JSON null; 422 when another type. */
    public String string(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw Failure.invalid(field, "must be a string");
        }
        return wellFormed(field, value.textValue());
    }

    /** The integer value; null when absent or JSON null; 422 for strings, fractions and huge numbers. */
    public Long integer(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw Failure.invalid(field, "must be an integer");
        }
        return value.longValue();
    }

    /** Absent, or present with the string value (which may be null). */
    public Change<String> stringChange(String field) {
        return has(field) ? Change.to(string(field)) : Change.absent();
    }

    /** A list of strings; null when absent or JSON null; 422 when not an array of strings or too long. */
    public List<String> strings(String field, int maxItems) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray()) {
            throw Failure.invalid(field, "must be an array of strings");
        }
        if (value.size() > maxItems) {
            throw Failure.invalid(field, "has too many items (maximum is " + maxItems + ")");
        }
        List<String> out = new ArrayList<>(value.size());
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                throw Failure.invalid(field, "must be an array of strings");
            }
            out.add(wellFormed(field, item.textValue()));
        }
        return out;
    }

    /**
     * JSON's {@code \\uD800} escapes can spell half a character; stored as UTF-8 it would silently
     * become "?". Refused instead, so what is stored is what was sent.
     */
    private static String wellFormed(String field, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    throw Failure.invalid(field, "is not valid Unicode (it contains half of a surrogate pair)");
                }
            }
        }
        return text;
    }
}
