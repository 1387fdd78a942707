package conduit.backup;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import conduit.Settings;

/**
 * {@code java -jar conduit.jar verify [--url JDBC_URL] [--json FILE] [--max-faults N]}: checks a
 * database the app can be pointed at (the same settings: embedded H2 or MySQL, Secrets Manager,
 * KMS) without changing it, prints a short report, and writes the same as JSON.
 *
 * <p>Exit status: 0 consistent, 1 at least one fault, 2 bad usage or the check could not run
 * (unreachable database, ...). Faults name their check, table, row key and what is wrong.
 */
public final class VerifyCommand {
    static final String USAGE = "usage: verify [--url JDBC_URL] [--json FILE] [--max-faults N]";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private VerifyCommand() {
    }

    public static int run(Settings settings, List<String> args, PrintStream out, PrintStream err) {
        String url = null;
        Path json = null;
        int maxListed = 100;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (i + 1 >= args.size() || !List.of("--url", "--json", "--max-faults").contains(arg)) {
                err.println("verify: unknown or incomplete argument '" + arg + "'\n" + USAGE);
                return 2;
            }
            String value = args.get(++i);
            switch (arg) {
                case "--url" -> url = value;
                case "--json" -> json = Path.of(value);
                default -> {
                    if (!value.matches("[0-9]{1,6}")) {
                        err.println("verify: --max-faults takes a whole number, not '" + value + "'");
                        return 2;
                    }
                    maxListed = Integer.parseInt(value);
                }
            }
        }
        String target = url == null ? settings.db().writerUrl() : url;
        long started = System.nanoTime();
        Report report;
        try {
            report = Verification.run(settings, url, maxListed);
        } catch (Exception e) {
            err.println("verify: could not check " + ReadOnlyTarget.safeName(target) + ": " + e.getMessage());
            write(json, Map.of("ok", false, "target", ReadOnlyTarget.safeName(target), "error", String.valueOf(e.getMessage())), err);
            return 2;
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long peakHeap = peakHeapBytes();
        long maxHeap = Runtime.getRuntime().maxMemory();
        print(out, ReadOnlyTarget.safeName(target), report, seconds, peakHeap, maxHeap);
        write(json, asJson(ReadOnlyTarget.safeName(target), report, seconds, peakHeap, maxHeap), err);
        return report.consistent() ? 0 : 1;
    }

    private static void print(PrintStream out, String target, Report report, double seconds, long peakHeap, long maxHeap) {
        out.println("verify " + target);
        for (Report.Check c : report.checks()) {
            out.printf("  %-15s %-6s %s (%.1f s)%n", c.name(), c.ok() ? "ok" : "FAULT", c.summary(), c.seconds());
        }
        out.printf("  %-22s %10s  %s%n", "table", "rows", "sha256");
        report.tablesInOrder().forEach(t -> out.printf("  %-22s %10d  %s%n", t.getKey(), t.getValue().rows(), t.getValue().sha256()));
        report.notes().forEach(n -> out.println("  note: " + n));
        for (Report.Fault f : report.listedFaults()) {
            out.println("  FAULT [" + f.check() + "] " + f.table() + (f.key().isEmpty() ? "" : " " + f.key()) + ": " + f.what());
        }
        long unlisted = report.faultCount() - report.listedFaults().size();
        if (unlisted > 0) {
            out.println("  ... and " + unlisted + " more faults, counted but not listed (--max-faults)");
        }
        out.printf("verify: %s in %.1f s, peak heap %d MB of %d MB%n",
                report.consistent() ? "OK" : "FAILED, " + report.faultCount() + " faults", seconds,
                peakHeap >> 20, maxHeap >> 20);
    }

    private static Map<String, Object> asJson(String target, Report report, double seconds, long peakHeap, long maxHeap) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("ok", report.consistent());
        json.put("target", target);
        json.put("faultCount", report.faultCount());
        json.put("checks", report.checks());
        json.put("faults", report.listedFaults());
        json.put("notes", report.notes());
        Map<String, Report.Table> tables = new LinkedHashMap<>();
        report.tablesInOrder().forEach(t -> tables.put(t.getKey(), t.getValue()));
        json.put("tables", tables);
        json.put("seconds", Math.round(seconds * 1000) / 1000.0);
        json.put("peakHeapBytes", peakHeap);
        json.put("maxHeapBytes", maxHeap);
        return json;
    }

    private static void write(Path file, Map<String, Object> json, PrintStream err) {
        if (file == null) {
            return;
        }
        try {
            Files.writeString(file, JSON.writeValueAsString(json) + "\n");
        } catch (IOException e) {
            err.println("verify: cannot write " + file + ": " + e.getMessage());
        }
    }

    /**
     * The sum of the heap pools' peaks: an upper bound of the heap in use at any one time (the
     * pools peak at different moments), against {@code -Xmx}.
     */
    private static long peakHeapBytes() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
