package conduit.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import conduit.common.Change;
import conduit.common.Failure;
import io.helidon.common.buffers.DataReader;
import io.helidon.http.HeaderNames;
import io.helidon.http.RequestException;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;

/**
 * The object inside a RealWorld request wrapper ({@code {"user":{...}}}), read with a size limit
 * and with typed, strict accessors: a field of the wrong JSON type is a 422 that names the field,
 * never a 500 or a silent coercion.
 *
 * <p>Reading is guarded: only {@code application/json} is parsed (415 otherwise, so a cross-site
 * HTML form, which can only send {@code text/plain} and form types, cannot post to the API); the
 * body is read in steps that draw on the request's {@link BodyBudget} as bytes arrive and must
 * arrive before its deadline (408); a malformed chunked encoding or a client that hangs up is a
 * 400, never a 500.
 */
public final class JsonBody {
    /** Largest request body accepted (an article of a few hundred KB of any script fits). */
    public static final int MAX_BYTES = 2 * 1024 * 1024;
    /**
     * Limit for endpoints anyone may call (sign-up, login): their fields fit many times over
     * (username 64, email 254, password 256 characters, even with every character escaped).
     */
    public static final int ANONYMOUS_MAX_BYTES = 8 * 1024;
    private static final int READ_STEP = BodyBudget.STEP;

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
        requireJson(request);
        long declared = request.headers().contentLength().orElse(-1);
        if (declared > maxBytes) {
            throw tooLarge(maxBytes);
        }
        BodyBudget.Allowance allowance = request.context().get(BodyBudget.Allowance.class).orElse(null);
        BodyBudget.Deadline deadline = allowance == null ? null : allowance.deadline();
        try (InputStream in = request.content().inputStream()) {
            // Memory is taken as bytes arrive, never for what the client merely announced: the body
            // is read in steps of at most 64 KiB, each covered by the budget before it is allocated,
            // and joined at the end. A declared length only makes the step smaller: a body that
            // declares its length (the usual case, a comment of a few hundred bytes) is read in one
            // step of that length and one byte more, to see the end, instead of a 64 KiB array.
            List<byte[]> steps = new ArrayList<>();
            int stepSize = (int) Math.min(READ_STEP, (declared >= 0 ? declared : maxBytes) + 1);
            long length = 0;
            while (true) {
                if (allowance != null) {
                    allowance.cover(length + stepSize);
                }
                byte[] step = new byte[stepSize];
                int filled = in.readNBytes(step, 0, stepSize);
                if (filled > 0) {
                    steps.add(filled == stepSize ? step : Arrays.copyOf(step, filled));
                    length += filled;
                }
                if (length > maxBytes) {
                    throw unreadable(Status.REQUEST_ENTITY_TOO_LARGE_413, "body is too large (maximum is " + maxBytes + " bytes)");
                }
                if (filled < stepSize) {
                    break;
                }
            }
            if (steps.size() == 1) {
                return steps.getFirst();
            }
            byte[] bytes = new byte[(int) length];
            int at = 0;
            for (byte[] step : steps) {
                System.arraycopy(step, 0, bytes, at, step.length);
                at += step.length;
            }
            return bytes;
        } catch (Failure | RequestException | UnreadableBody f) {
            throw f;
        } catch (RuntimeException | IOException e) {
            throw readFailure(e, deadline);
        } finally {
            if (deadline != null) {
                deadline.close();
            }
        }
    }

    /**
     * Why a body could not be read, as the client's fault it is: late (408), malformed or cut short
     * (400). The answer closes the connection ({@link UnreadableBody}).
     */
    private static RuntimeException readFailure(Exception e, BodyBudget.Deadline deadline) {
        if (deadline != null && deadline.expired()) {
            return unreadable(Status.REQUEST_TIMEOUT_408, "body did not arrive in time");
        }
        if (e instanceof RequestException requestException) {
            return requestException; // Helidon's own: answered through the transport error handlers
        }
        if (e instanceof NumberFormatException) {
            // Helidon parses a chunk-size line as bare hex: extensions (RFC 9112 7.1.1) and garbage land here.
            return unreadable(Status.BAD_REQUEST_400, "body has a malformed chunked encoding");
        }
        if (e instanceof DataReader.InsufficientDataAvailableException || e instanceof IOException
                || e instanceof UncheckedIOException) {
            return unreadable(Status.BAD_REQUEST_400, "body ended before it was complete");
        }
        return (RuntimeException) e;
    }

    private static UnreadableBody unreadable(Status status, String message) {
        return new UnreadableBody(status, message);
    }

    /** 415 unless the body is declared as JSON ({@code application/json}, any parameters). */
    private static void requireJson(ServerRequest request) {
        String type = request.headers().first(HeaderNames.CONTENT_TYPE).orElse("");
        int semicolon = type.indexOf(';');
        String media = (semicolon < 0 ? type : type.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
        if (!media.equals("application/json")) {
            throw new Failure(Failure.Kind.UNSUPPORTED_MEDIA_TYPE, "request", "Content-Type must be application/json");
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
