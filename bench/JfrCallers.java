import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;

/**
 * Which of the app's statements take the CPU: the execution samples of a JFR recording that are
 * inside the database driver (H2 embedded, or Connector/J), each charged to the app's line that
 * ran the statement (the first conduit.* frame below the driver's, outside conduit.db, which
 * only passes statements on). JfrSummary says how much of the CPU is JDBC; this says whose.
 *
 * <pre>java bench/JfrCallers.java RECORDING.jfr [TOP]</pre>
 */
public final class JfrCallers {
    private static final String[] DRIVERS = {"org.h2.", "com.mysql."};

    public static void main(String[] args) throws IOException {
        int top = args.length > 1 ? Integer.parseInt(args[1]) : 12;
        Map<String, Integer> byCaller = new HashMap<>();
        int samples = JfrSamples.forEach(Path.of(args[0]), e -> {
            String caller = caller(e);
            if (caller != null) {
                byCaller.merge(caller, 1, Integer::sum);
            }
        });
        int inDriver = byCaller.values().stream().mapToInt(Integer::intValue).sum();
        System.out.printf("%d execution samples, %d (%.0f %%) in the database driver; by the app's line that ran the statement:%n",
                samples, inDriver, 100.0 * inDriver / Math.max(samples, 1));
        int all = Math.max(samples, 1);
        byCaller.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(top)
                .forEach(en -> System.out.printf("%7d %5.1f %%  %s%n", en.getValue(), 100.0 * en.getValue() / all, en.getKey()));
    }

    /** The app's frame below the driver's, as type.method:line; null when the sample is not in a driver. */
    private static String caller(RecordedEvent e) {
        boolean inDriver = false;
        for (RecordedFrame f : e.getStackTrace().getFrames()) {
            if (f.getMethod() == null || f.getMethod().getType() == null) {
                continue;
            }
            String type = f.getMethod().getType().getName();
            if (!inDriver) {
                for (String d : DRIVERS) {
                    inDriver |= type.startsWith(d);
                }
            } else if (type.startsWith("conduit.") && !type.startsWith("conduit.db.")) {
                return type + "." + f.getMethod().getName() + ":" + f.getLineNumber();
            }
        }
        return inDriver ? "(no conduit frame)" : null;
    }
}
