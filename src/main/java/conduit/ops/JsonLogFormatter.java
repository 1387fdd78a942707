package conduit.ops;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Map;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/**
 * One JSON object per line (time, level, logger, message, and the request's id, client address
 * and user id when it has them; an access line's or audit event's own fields), as the CloudWatch
 * agent and journald want it. Messages pass through {@link #redact} so that an email address or a
 * session token that slipped into an exception message never reaches a log.
 */
public final class JsonLogFormatter extends Formatter {
    /**
     * An address: a run of address characters, {@code @}, a domain with a dot. A match may start
     * only where such a run starts, and the run is taken whole ({@code ++}): without that, a long
     * word without {@code @} (a class name in a stack trace) was re-scanned from each of its
     * characters.
     */
    private static final Pattern EMAIL = Pattern.compile(
            "(?<![^\\s'\"<>@,;:])[^\\s'\"<>@,;:]++@[^\\s'\"<>@,;:]+\\.[^\\s'\"<>@,;:]+");
    /** 43 base64url characters: the shape of a session token. */
    private static final int TOKEN_LENGTH = 43;
    private static final Pattern TOKEN = Pattern.compile("(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{" + TOKEN_LENGTH + "}(?![A-Za-z0-9_-])");
    private static final JsonStringEncoder ENCODER = JsonStringEncoder.getInstance();

    @Override
    public String format(LogRecord record) {
        StringBuilder out = new StringBuilder(256);
        out.append("{\"time\":\"").append(Instant.ofEpochMilli(record.getMillis())).append('"');
        field(out, "level", record.getLevel().getName());
        field(out, "logger", record.getLoggerName());
        Object[] params = record.getParameters();
        String requestId = RequestContext.requestId();
        long userId = RequestContext.userId();
        Object only = params != null && params.length == 1 ? params[0] : null;
        if (only instanceof AccessLog.Entry access) {
            field(out, "message", access.method() + " " + access.route() + " " + access.status());
            requestId = access.requestId();
            field(out, "method", access.method());
            field(out, "route", access.route());
            out.append(",\"status\":").append(access.status());
            out.append(",\"durationMs\":").append(access.durationMillis());
        } else if (only instanceof Audit.Event event) {
            field(out, "message", event.name());
            field(out, "event", event.name());
            if (event.userId() > 0) {
                userId = event.userId();
            }
            for (Map.Entry<String, Object> detail : event.details().entrySet()) {
                value(out, detail.getKey(), detail.getValue());
            }
        } else {
            field(out, "message", redact(formatMessage(record)));
        }
        if (requestId != null) {
            field(out, "requestId", requestId);
        }
        String clientAddress = RequestContext.clientAddress();
        if (clientAddress != null) {
            field(out, "clientAddress", clientAddress);
        }
        if (userId > 0) {
            out.append(",\"userId\":").append(userId);
        }
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            field(out, "exception", redact(trace.toString()));
        }
        return out.append("}\n").toString();
    }

    /**
     * Masks email addresses and token-shaped strings. Every field of every access line passes
     * here, and both patterns try a match at each position of a text: a text with no {@code @}
     * cannot hold an address and one shorter than a token cannot hold a token, so those skip the
     * patterns (they were ~10 % of the app's CPU in a profile of article creates that logged
     * stack traces).
     */
    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        String masked = text.indexOf('@') < 0 ? text : EMAIL.matcher(text).replaceAll("[email]");
        return masked.length() < TOKEN_LENGTH ? masked : TOKEN.matcher(masked).replaceAll("[token]");
    }

    /** Numbers and booleans as JSON values; anything else as redacted text. */
    private static void value(StringBuilder out, String name, Object value) {
        if (value instanceof Number || value instanceof Boolean) {
            out.append(",\"").append(name).append("\":").append(value);
        } else {
            field(out, name, value == null ? null : redact(value.toString()));
        }
    }

    private static void field(StringBuilder out, String name, String value) {
        out.append(",\"").append(name).append("\":");
        if (value == null) {
            out.append("null");
        } else {
            out.append('"').append(ENCODER.quoteAsString(value)).append('"');
        }
    }
}
