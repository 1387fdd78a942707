package conduit.ops;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/**
 * One JSON object per line (time, level, logger, message, requestId, and an access log's fields),
 * as the CloudWatch agent and journald want it. Messages pass through {@link #redact} so that an
 * email address or a session token that slipped into an exception message never reaches a log.
 */
public final class JsonLogFormatter extends Formatter {
    private static final Pattern EMAIL = Pattern.compile("[^\\s'\"<>@,;:]+@[^\\s'\"<>@,;:]+\\.[^\\s'\"<>@,;:]+");
    /** 43 base64url characters: the shape of a session token. */
    private static final Pattern TOKEN = Pattern.compile("(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])");
    private static final JsonStringEncoder ENCODER = JsonStringEncoder.getInstance();

    @Override
    public String format(LogRecord record) {
        StringBuilder out = new StringBuilder(256);
        out.append("{\"time\":\"").append(Instant.ofEpochMilli(record.getMillis())).append('"');
        field(out, "level", record.getLevel().getName());
        field(out, "logger", record.getLoggerName());
        Object[] params = record.getParameters();
        String requestId = RequestContext.requestId();
        if (params != null && params.length == 1 && params[0] instanceof AccessLog.Entry access) {
            field(out, "message", access.method() + " " + access.route() + " " + access.status());
            requestId = access.requestId();
            field(out, "method", access.method());
            field(out, "route", access.route());
            out.append(",\"status\":").append(access.status());
            out.append(",\"durationMs\":").append(access.durationMillis());
        } else {
            field(out, "message", redact(formatMessage(record)));
        }
        if (requestId != null) {
            field(out, "requestId", requestId);
        }
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            field(out, "exception", redact(trace.toString()));
        }
        return out.append("}\n").toString();
    }

    /** Masks email addresses and token-shaped strings. */
    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        String masked = EMAIL.matcher(text).replaceAll("[email]");
        return TOKEN.matcher(masked).replaceAll("[token]");
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
