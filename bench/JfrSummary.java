import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jdk.jfr.consumer.RecordedFrame;

/**
 * Summarises the CPU samples (jdk.ExecutionSample) of a JFR recording by component, as JSON on
 * standard output. Run as a single source file: {@code java bench/JfrSummary.java rec.jfr}.
 *
 * <p>"self": each sample is charged to the component of its top frame; frames of the JDK itself
 * (java.*, sun.*, jdk.*) are charged to the nearest caller outside the JDK, so a regex or a
 * HashMap look-up counts for whoever called it; only logging and crypto keep their own names.
 * "inclusive": the share of samples with any frame of that component on the stack.
 */
public final class JfrSummary {
    private static final String[][] COMPONENTS = {
        {"com.mysql.", "JDBC (MySQL driver, HikariCP, Helidon DbClient)"},
        {"com.zaxxer.", "JDBC (MySQL driver, HikariCP, Helidon DbClient)"},
        {"io.helidon.dbclient.", "JDBC (MySQL driver, HikariCP, Helidon DbClient)"},
        {"org.h2.", "H2 (embedded database)"},
        {"redis.clients.", "Redis client (Jedis)"},
        {"org.apache.commons.pool2.", "Redis client (Jedis)"},
        {"com.fasterxml.jackson.", "JSON"},
        {"jakarta.json.", "JSON"},
        {"org.eclipse.parsson.", "JSON"},
        {"io.helidon.json.", "JSON"},
        {"io.micrometer.", "Metrics"},
        {"io.helidon.metrics.", "Metrics"},
        {"io.helidon.webserver.observe.metrics.", "Metrics"},
        {"org.HdrHistogram.", "Metrics"},
        {"org.LatencyUtils.", "Metrics"},
        {"conduit.ops.JsonLogFormatter", "Logging"},
        {"conduit.ops.StdoutHandler", "Logging"},
        {"conduit.ops.KeepLogsLogManager", "Logging"},
        {"java.util.logging.", "Logging"},
        {"sun.util.logging.", "Logging"},
        {"jdk.internal.logger.", "Logging"},
        {"sun.security.", "Crypto (hashing tokens)"},
        {"java.security.", "Crypto (hashing tokens)"},
        {"javax.crypto.", "Crypto (hashing tokens)"},
        {"io.helidon.webserver.", "HTTP server (Helidon)"},
        {"io.helidon.http.", "HTTP server (Helidon)"},
        {"io.helidon.common.", "HTTP server (Helidon)"},
        {"conduit.", "Application code"},
    };

    private JfrSummary() {
    }

    static String component(String type) {
        for (String[] c : COMPONENTS) {
            if (type.startsWith(c[0])) {
                return c[1];
            }
        }
        return isJdk(type) ? null : "Other libraries";
    }

    static boolean isJdk(String type) {
        return type.startsWith("java.") || type.startsWith("javax.") || type.startsWith("jdk.") || type.startsWith("sun.");
    }

    public static void main(String[] args) throws IOException {
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> inclusive = new HashMap<>();
        Map<String, Integer> topMethods = new HashMap<>();
        int samples = JfrSamples.forEach(Path.of(args[0]), e -> {
            List<RecordedFrame> frames = e.getStackTrace().getFrames();
            String charged = null;
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < frames.size(); i++) {
                RecordedFrame f = frames.get(i);
                if (f.getMethod() == null || f.getMethod().getType() == null) {
                    continue;
                }
                String type = f.getMethod().getType().getName();
                if (i == 0) {
                    topMethods.merge(type + "." + f.getMethod().getName(), 1, Integer::sum);
                }
                String c = component(type);
                if (c != null) {
                    if (charged == null) {
                        charged = c;
                    }
                    if (!seen.contains(c)) {
                        seen.add(c);
                    }
                }
            }
            self.merge(charged == null ? "JDK only (scheduler, GC, JIT-ed JDK code)" : charged, 1, Integer::sum);
            for (String c : seen) {
                inclusive.merge(c, 1, Integer::sum);
            }
        });
        StringBuilder out = new StringBuilder("{\"samples\":").append(samples);
        out.append(",\"self\":").append(json(sorted(self)));
        out.append(",\"inclusive\":").append(json(sorted(inclusive)));
        Map<String, Integer> top = new LinkedHashMap<>();
        sorted(topMethods).entrySet().stream().limit(15).forEach(en -> top.put(en.getKey(), en.getValue()));
        out.append(",\"top_methods\":").append(json(top)).append("}");
        System.out.println(out);
    }

    static Map<String, Integer> sorted(Map<String, Integer> m) {
        Map<String, Integer> out = new LinkedHashMap<>();
        m.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).forEach(en -> out.put(en.getKey(), en.getValue()));
        return out;
    }

    static String json(Map<String, Integer> m) {
        StringBuilder sb = new StringBuilder("{");
        m.forEach((k, v) -> {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append('"').append(k.replace("\\", "\\\\").replace("\"", "\\\"")).append("\":").append(v);
        });
        return sb.append('}').toString();
    }
}
