package conduit;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import conduit.ops.JsonLogFormatter;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The audit lines the app writes while a test class runs, exactly as they go to standard output
 * (formatted by the production {@link JsonLogFormatter} on the request's own thread), parsed back.
 * Register as a static field: {@code @RegisterExtension static final AuditLines AUDIT = new AuditLines();}
 */
public final class AuditLines implements BeforeAllCallback, AfterAllCallback {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Logger logger = Logger.getLogger("conduit.audit");
    private final Handler handler = new Handler() {
        private final JsonLogFormatter formatter = new JsonLogFormatter();

        @Override
        public void publish(LogRecord record) {
            lines.add(formatter.format(record));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @Override
    public void beforeAll(ExtensionContext context) {
        logger.addHandler(handler);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        logger.removeHandler(handler);
    }

    /** Every audit line with this event name so far, parsed. */
    public List<JsonNode> events(String name) {
        return lines.stream().map(AuditLines::parse).filter(n -> name.equals(n.path("event").asText())).toList();
    }

    /** Every raw line so far (to check what never appears). */
    public List<String> raw() {
        return List.copyOf(lines);
    }

    private static JsonNode parse(String line) {
        try {
            return MAPPER.readTree(line);
        } catch (java.io.IOException e) {
            throw new AssertionError("not a JSON line: " + line, e);
        }
    }
}
