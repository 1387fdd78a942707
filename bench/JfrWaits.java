import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the app's threads waited, from a JFR recording (settings=profile): what makes a tail.
 * Run as a single source file: {@code java bench/JfrWaits.java rec.jfr [minMillis]}.
 *
 * <p>For each kind of stall (garbage collection pauses, safepoints, contended monitors, parked
 * threads, file writes) it prints the count, the total and the longest, and the places that
 * waited longest, each named by its first frame outside the JDK (with the monitor's class for a
 * contended {@code synchronized}). Parks of idle threads (a virtual thread waiting for the next
 * request on its connection, a pool's idle worker) are not stalls and are left out: they are the
 * parks whose stack has no application or library frame other than the server's or the pool's
 * own idle loop, listed in IDLE.
 */
public final class JfrWaits {

    private static final String[] IDLE = {
        "io.helidon.http.DataReader", "io.helidon.common.buffers.DataReader", "io.helidon.webserver.ConnectionHandler.run",
        "java.util.concurrent.ThreadPoolExecutor.getTask", "java.util.concurrent.ForkJoinPool.awaitWork",
        "java.util.concurrent.ScheduledThreadPoolExecutor$DelayedWorkQueue.take", "com.zaxxer.hikari.util.ConcurrentBag.borrow$idle",
        "java.util.concurrent.SynchronousQueue", "io.helidon.webserver.ServerListener.listen", "sun.nio.ch.Poller",
        "java.util.concurrent.LinkedBlockingQueue.take", "java.util.concurrent.ArrayBlockingQueue.take",
        "java.util.concurrent.DelayQueue.take", "java.lang.ref.", "jdk.internal.misc.InnocuousThread",
        "java.util.TimerThread", "redis.clients.jedis", "io.helidon.webserver.http1.Http1Connection.handle",
    };

    /** The app's own background loops: their waits are their schedule, not a request's stall. */
    private static final String[] BACKGROUND = {"conduit.ops.TierMonitor.await", "conduit.mail.MailRelay",
        "conduit.ops.StdoutHandler.writeLoop"};

    record Site(String kind, String where) {}

    static final class Tally {
        long n;
        long totalNs;
        long maxNs;

        void add(long ns) {
            n++;
            totalNs += ns;
            maxNs = Math.max(maxNs, ns);
        }
    }

    public static void main(String[] args) throws IOException {
        long minNs = (long) (Double.parseDouble(args.length > 1 ? args[1] : "1") * 1e6);
        Map<String, Tally> kinds = new HashMap<>();
        Map<Site, Tally> sites = new HashMap<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(args[0]))) {
            String type = e.getEventType().getName();
            String kind;
            switch (type) {
                case "jdk.GarbageCollection" -> kind = "GC pause (" + e.getString("name") + ")";
                case "jdk.SafepointBegin" -> kind = "safepoint";
                case "jdk.JavaMonitorEnter" -> kind = "contended synchronized";
                case "jdk.ThreadPark" -> kind = "park (locks, pools, queues)";
                case "jdk.FileWrite" -> kind = "file write";
                case "jdk.FileForce" -> kind = "file force (fsync)";
                case "jdk.VirtualThreadPinned" -> kind = "virtual thread pinned";
                default -> {
                    continue;
                }
            }
            Duration d = e.getDuration();
            long ns = type.equals("jdk.GarbageCollection") ? e.getDuration("sumOfPauses").toNanos() : d.toNanos();
            if (ns < minNs) {
                continue;
            }
            String where = where(e);
            if (where == null) {
                continue; // an idle wait
            }
            if (type.equals("jdk.JavaMonitorEnter") && e.hasField("monitorClass") && e.getClass("monitorClass") != null) {
                where = "lock " + e.getClass("monitorClass").getName() + " in " + where;
            }
            kinds.computeIfAbsent(kind, k -> new Tally()).add(ns);
            sites.computeIfAbsent(new Site(kind, where), k -> new Tally()).add(ns);
        }
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Waits of at least %.1f ms, by kind:%n", minNs / 1e6));
        kinds.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue().totalNs, a.getValue().totalNs)).forEach(k ->
                out.append(String.format(Locale.ROOT, "  %-32s %7d   total %9.1f ms   max %8.1f ms%n", k.getKey(), k.getValue().n,
                        k.getValue().totalNs / 1e6, k.getValue().maxNs / 1e6)));
        out.append(String.format(Locale.ROOT, "%nLongest in total, by place:%n"));
        List<Map.Entry<Site, Tally>> top = new ArrayList<>(sites.entrySet());
        top.sort((a, b) -> Long.compare(b.getValue().totalNs, a.getValue().totalNs));
        for (var s : top.subList(0, Math.min(15, top.size()))) {
            out.append(String.format(Locale.ROOT, "  %-28s %6d   total %9.1f ms   max %8.1f ms   %s%n", s.getKey().kind(),
                    s.getValue().n, s.getValue().totalNs / 1e6, s.getValue().maxNs / 1e6, s.getKey().where()));
        }
        System.out.print(out);
    }

    /** The first frame outside the JDK, with the JDK frame above it; null for an idle wait. */
    private static String where(RecordedEvent e) {
        RecordedStackTrace st = e.getStackTrace();
        if (st == null) {
            return e.getThread() == null ? "(VM)" : "(" + e.getThread().getJavaName() + ")";
        }
        StringBuilder all = new StringBuilder();
        String jdkTop = null;
        String first = null;
        for (RecordedFrame f : st.getFrames()) {
            String m = f.getMethod().getType().getName() + "." + f.getMethod().getName();
            all.append(m).append('\n');
            boolean jdk = m.startsWith("java.") || m.startsWith("jdk.") || m.startsWith("sun.");
            if (jdk && jdkTop == null) {
                jdkTop = m;
            }
            if (!jdk && first == null) {
                first = m + ":" + f.getLineNumber();
            }
        }
        String stack = all.toString();
        for (String bg : BACKGROUND) {
            if (stack.contains(bg)) {
                return null;
            }
        }
        boolean app = stack.contains("conduit.") || stack.contains("org.h2.") || stack.contains("com.zaxxer.");
        for (String idle : IDLE) {
            if (stack.contains(idle) && !app) {
                return null;
            }
        }
        if (stack.contains("ConcurrentBag.borrow") && !stack.contains("conduit.")) {
            return null;
        }
        return (first == null ? jdkTop : first) + (jdkTop != null && first != null ? " (" + jdkTop + ")" : "");
    }
}
