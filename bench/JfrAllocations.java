import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * What the app allocated on the heap during a JFR recording, and where: what sets how often the
 * young collector runs and how much it promotes. Run as a single source file:
 * {@code java bench/JfrAllocations.java rec.jfr REQUESTS_PER_SECOND [TOP]}.
 *
 * <p>The total is the heap's rise between collections (each {@code jdk.GCHeapSummary} before a
 * collection less the one after the collection before it), from the first collection of the
 * recording to its last, divided by the requests offered in that time (an open-loop phase's fixed
 * rate). The places come from {@code jdk.ObjectAllocationInNewTLAB} (weighted by the new buffer's
 * size) and {@code jdk.ObjectAllocationOutsideTLAB} (by the object's): both are off in
 * {@code settings=profile} and must be enabled for the recording (bench/tail-study
 * --allocations). Not from {@code jdk.ObjectAllocationSample}, whose weights go wrong with
 * virtual threads, apparently because a sample's weight is what its carrier allocated since its
 * last sample, so what other virtual threads on the carrier allocated is charged to whichever one
 * is mounted (in one
 * recording of the read-heavy mix, two thirds of the weight fell on two JDK frames that allocate
 * a few bytes each: a virtual thread's stack chunk as it parks on a socket, and an
 * {@code Integer} boxed by the socket poller).
 */
public final class JfrAllocations {

    public static void main(String[] args) throws IOException {
        double rate = Double.parseDouble(args[1]);
        int top = args.length > 2 ? Integer.parseInt(args[2]) : 15;
        Map<String, Long> byLine = new HashMap<>();
        Map<String, Long> byClass = new HashMap<>();
        long sampled = 0;
        long allocated = 0;
        long lastAfter = -1;
        long firstGc = -1;
        long lastGc = -1;
        try (RecordingFile file = new RecordingFile(Path.of(args[0]))) {
            while (file.hasMoreEvents()) {
                RecordedEvent e = file.readEvent();
                switch (e.getEventType().getName()) {
                    case "jdk.GCHeapSummary" -> {
                        long used = e.getLong("heapUsed");
                        if (e.getString("when").equals("Before GC")) {
                            long at = e.getStartTime().toEpochMilli();
                            if (lastAfter >= 0) {
                                allocated += used - lastAfter;
                                lastGc = at;
                            } else {
                                firstGc = at;
                            }
                        } else {
                            lastAfter = used;
                        }
                    }
                    case "jdk.ObjectAllocationInNewTLAB", "jdk.ObjectAllocationOutsideTLAB" -> {
                        long weight = e.getEventType().getName().endsWith("InNewTLAB") ? e.getLong("tlabSize") : e.getLong("allocationSize");
                        sampled += weight;
                        byClass.merge(e.getClass("objectClass").getName(), weight, Long::sum);
                        byLine.merge(place(e), weight, Long::sum);
                    }
                    default -> {
                    }
                }
            }
        }
        if (lastGc > firstGc && firstGc >= 0) {
            double seconds = (lastGc - firstGc) / 1000.0;
            System.out.printf(Locale.ROOT, "Heap allocation: %.1f MB in %.1f s between the first and the last collection,"
                    + " %.1f KB per request at %.0f req/s%n", allocated / 1e6, seconds, allocated / 1e3 / (rate * seconds), rate);
        } else {
            System.out.println("Heap allocation: fewer than two collections in the recording");
        }
        if (sampled == 0) {
            System.out.println("No TLAB allocation events: record with jdk.ObjectAllocationInNewTLAB#enabled=true");
            return;
        }
        print("By the app's line that allocated (its first conduit.* frame; the library or JDK frame that allocated in brackets)",
                byLine, sampled, top);
        print("By class", byClass, sampled, top);
    }

    /** The first conduit.* frame, with the frame that allocated when that is not the app's own. */
    private static String place(RecordedEvent e) {
        if (e.getStackTrace() == null) {
            return "(no stack)";
        }
        String allocator = null;
        for (RecordedFrame f : e.getStackTrace().getFrames()) {
            String line = f.getMethod().getType().getName() + "." + f.getMethod().getName() + ":" + f.getLineNumber();
            if (allocator == null) {
                allocator = line;
            }
            if (f.getMethod().getType().getName().startsWith("conduit.")) {
                return line.equals(allocator) ? line : line + " [" + allocator + "]";
            }
        }
        return "(outside the app) " + allocator;
    }

    private static void print(String title, Map<String, Long> weights, long total, int top) {
        System.out.println(title + ":");
        weights.entrySet().stream()
                .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                .limit(top)
                .forEach(w -> System.out.printf(Locale.ROOT, "  %5.1f %%  %s%n", 100.0 * w.getValue() / total, w.getKey()));
    }
}
