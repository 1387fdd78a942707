import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop HTTP/1.1 load generator for scripts/bench: requests are sent at a fixed arrival
 * rate whatever the server does, and each request's latency is measured from the moment it was
 * <em>scheduled</em> to be sent, not from when a connection became free to send it. A closed
 * loop (wrk, one request per connection at a time) stops sending while the server stalls, so the
 * requests that users would have sent during a stall are never measured (coordinated omission);
 * here they are, the way wrk2 does it. Debian has no wrk2; see docs/BENCHMARKS.md for the
 * generators that were considered and why this one.
 *
 * <p>Run as a compiled class or a single source file:
 * {@code java bench/OpenLoop.java --url http://127.0.0.1:8080 --rate 500 --duration 15 --warmup 3
 * --mix read --data data.json}. Prints one line {@code BENCH_RESULT {json}} in the format of
 * bench/wrk/mix.lua's done() (so bench/phase.py reads both), with an extra "open_loop" object.
 *
 * <p>How: a pool of --connections keep-alive connections (64, as the closed-loop phases use) is
 * opened first. One thread sends each request at its scheduled time on an idle connection; when
 * none is idle the request waits for the first to come free, its latency running from its
 * scheduled time all the same (so a pool too small for the load shows as latency, as it would
 * for users, and "backlogged" says how often). The same thread reads the responses through a
 * selector. No pipelining: one request per connection at a time, as browsers and the ALB do.
 * Arrivals are a Poisson process (exponential gaps) by default, as independent users arrive;
 * {@code --arrivals uniform} gives wrk2's evenly spaced requests.
 *
 * <p>The mixes are those of bench/wrk/mix.lua (same weights, same requests); a change to one
 * must be made to the other.
 */
public final class OpenLoop {

    // ------------------------------------------------------------------------------ options

    private static String host;
    private static int port;
    private static double rate;
    private static double duration = 15;
    private static double warmup = 3;
    private static int connections = 64;
    private static String mix = "path";
    private static String path = "/observe/health/live";
    private static String method = "GET";
    private static boolean signedIn;
    private static int authShare = 50;
    private static boolean poisson = true;
    private static long seed = System.nanoTime();
    private static Map<String, Object> data = Map.of();

    public static void main(String[] args) throws Exception {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--url" -> {
                    URI u = URI.create(args[++i]);
                    host = u.getHost();
                    port = u.getPort() > 0 ? u.getPort() : 80;
                }
                case "--rate" -> rate = Double.parseDouble(args[++i]);
                case "--duration" -> duration = Double.parseDouble(args[++i]);
                case "--warmup" -> warmup = Double.parseDouble(args[++i]);
                case "--connections" -> connections = Integer.parseInt(args[++i]);
                case "--mix" -> mix = args[++i];
                case "--path" -> path = args[++i];
                case "--method" -> method = args[++i];
                case "--signed-in" -> signedIn = true;
                case "--auth-share" -> authShare = Integer.parseInt(args[++i]);
                case "--arrivals" -> poisson = switch (args[++i]) {
                    case "poisson" -> true;
                    case "uniform" -> false;
                    default -> throw new IllegalArgumentException("--arrivals poisson|uniform");
                };
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--data" -> {
                    String f = args[++i];
                    if (!f.isEmpty()) {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> d = (Map<String, Object>) new Json(Files.readString(Path.of(f))).value();
                        data = d;
                    }
                }
                default -> throw new IllegalArgumentException("unknown argument " + a);
            }
        }
        if (host == null || rate <= 0) {
            throw new IllegalArgumentException("--url and --rate are required");
        }
        new OpenLoop().run();
    }

    // ------------------------------------------------------------------------------ requests

    /** One scheduled request: when it should have been sent, and its bytes. */
    private record Req(long intended, byte[] bytes, boolean head, boolean measured) {
        /** Anything but GET and HEAD: the tail of a mix is reported apart for reads and writes. */
        boolean write() {
            return bytes[0] != 'G' && bytes[0] != 'H';
        }
    }

    private final SplittableRandom rnd = new SplittableRandom(seed);
    private final List<String> allTokens = new ArrayList<>();
    private int seq;

    @SuppressWarnings("unchecked")
    private List<String> list(String key) {
        return (List<String>) data.getOrDefault(key, List.of());
    }

    private String pick(List<String> l) {
        return l.get(rnd.nextInt(l.size()));
    }

    private byte[] format(String m, String p, String token, String body) {
        StringBuilder sb = new StringBuilder(256 + (body == null ? 0 : body.length()));
        sb.append(m).append(' ').append(p).append(" HTTP/1.1\r\nHost: ").append(host).append(':').append(port).append("\r\n");
        if (token != null) {
            sb.append("Authorization: Token ").append(token).append("\r\n");
        }
        byte[] b = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
        if (b != null) {
            sb.append("Content-Type: application/json\r\nContent-Length: ").append(b.length).append("\r\n");
        }
        sb.append("\r\n");
        byte[] head = sb.toString().getBytes(StandardCharsets.UTF_8);
        if (b == null) {
            return head;
        }
        byte[] all = new byte[head.length + b.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(b, 0, all, head.length, b.length);
        return all;
    }

    private String viewer() {
        return !allTokens.isEmpty() && rnd.nextInt(100) < authShare ? pick(allTokens) : null;
    }

    private static final String[] OFFSETS = {"0", "0", "0", "0", "10", "20"};
    private static final String LOREM = "Lorem ipsum dolor sit amet. ".repeat(20);

    private byte[] get(String p) {
        return format("GET", p, viewer(), null);
    }

    /** The next request of the mix, as bench/wrk/mix.lua's request() builds it. */
    private byte[] next(byte[] fixed) {
        if (fixed != null) {
            return fixed;
        }
        if (mix.equals("path")) {
            return format(method, path, pick(list("readers")), null); // --signed-in
        }
        int r = rnd.nextInt(100);
        if (mix.equals("read")) {
            // 25 global list, 8 tag list, 8 tags, 22 article, 10 profile, 17 comments,
            // 3 create article, 4 comment, 3 favourite
            if ((r -= 25) < 0) return get("/api/articles?limit=10&offset=" + OFFSETS[rnd.nextInt(OFFSETS.length)]);
            if ((r -= 8) < 0) return get("/api/articles?limit=10&tag=" + pick(list("tags")));
            if ((r -= 8) < 0) return get("/api/tags");
            if ((r -= 22) < 0) return get("/api/articles/" + pick(list("slugs")));
            if ((r -= 10) < 0) return get("/api/profiles/" + pick(list("usernames")));
            if ((r -= 17) < 0) return get("/api/articles/" + pick(list("commented")) + "/comments");
            if ((r -= 3) < 0) return createArticle();
            if ((r -= 4) < 0) return comment();
            return favourite("POST");
        }
        // write: 15 global list, 20 article, 15 comments, 15 create, 20 comment, 10 favourite, 5 unfavourite
        if ((r -= 15) < 0) return get("/api/articles?limit=10&offset=" + OFFSETS[rnd.nextInt(OFFSETS.length)]);
        if ((r -= 20) < 0) return get("/api/articles/" + pick(list("slugs")));
        if ((r -= 15) < 0) return get("/api/articles/" + pick(list("commented")) + "/comments");
        if ((r -= 15) < 0) return createArticle();
        if ((r -= 20) < 0) return comment();
        if ((r -= 10) < 0) return favourite("POST");
        return favourite("DELETE");
    }

    private byte[] createArticle() {
        seq++;
        String body = String.format(Locale.ROOT,
                "{\"article\":{\"title\":\"Open-loop article %d-%d-%d\",\"description\":\"Written by the benchmark\","
                        + "\"body\":\"%s\",\"tagList\":[\"%s\",\"%s\"]}}",
                seed & 0xffff, seq, rnd.nextInt(1_000_000), LOREM, pick(list("tags")), pick(list("tags")));
        return format("POST", "/api/articles", pick(list("authors")), body);
    }

    private byte[] comment() {
        seq++;
        String body = "{\"comment\":{\"body\":\"Open-loop comment " + (seed & 0xffff) + "-" + seq + "\"}}";
        return format("POST", "/api/articles/" + pick(list("slugs")) + "/comments", pick(list("authors")), body);
    }

    private byte[] favourite(String m) {
        return format(m, "/api/articles/" + pick(list("slugs")) + "/favorite", pick(list("authors")), null);
    }

    // ------------------------------------------------------------------------------ statistics

    /**
     * Latencies in microseconds, in buckets of 1/64 of a power of two (at most 1.6% too high:
     * a percentile is reported as its bucket's upper bound), exact below 128 µs.
     */
    static final class Hist {
        final long[] counts = new long[128 + 64 * 40];
        long n;
        long min = Long.MAX_VALUE;
        long max;
        double sum;
        double sumSq;

        void record(long us) {
            if (us < 0) {
                us = 0;
            }
            int idx;
            if (us < 128) {
                idx = (int) us;
            } else {
                int e = 63 - Long.numberOfLeadingZeros(us);
                idx = 128 + (e - 7) * 64 + (int) ((us >>> (e - 6)) & 63);
            }
            counts[Math.min(idx, counts.length - 1)]++;
            n++;
            min = Math.min(min, us);
            max = Math.max(max, us);
            sum += us;
            sumSq += (double) us * us;
        }

        static long upper(int idx) {
            if (idx < 128) {
                return idx;
            }
            int e = 7 + (idx - 128) / 64;
            long sub = (idx - 128) % 64;
            return ((64 + sub + 1) << (e - 6)) - 1;
        }

        long percentile(double q) {
            if (n == 0) {
                return 0;
            }
            long rank = (long) Math.ceil(q / 100.0 * n);
            long seen = 0;
            for (int i = 0; i < counts.length; i++) {
                seen += counts[i];
                if (seen >= Math.max(rank, 1)) {
                    return Math.min(upper(i), max);
                }
            }
            return max;
        }
    }

    // ------------------------------------------------------------------------------ connections

    private static final class Conn {
        final SocketChannel ch;
        SelectionKey key;
        ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
        Req req;
        int headerEnd = -1;
        int scan;
        long contentLength = -1;
        boolean chunked;
        boolean close;
        int status;
        int chunkPos;

        Conn(SocketChannel ch) {
            this.ch = ch;
        }

        void reset() {
            buf.clear();
            headerEnd = -1;
            scan = 0;
            contentLength = -1;
            chunked = false;
            close = false;
            status = 0;
            req = null;
        }

        /** Whether the header line starting at {@code from} is "name:" (name in lower case). */
        private static boolean named(byte[] b, int from, int to, String name) {
            if (to - from < name.length()) {
                return false;
            }
            for (int i = 0; i < name.length(); i++) {
                int c = b[from + i];
                if (c >= 'A' && c <= 'Z') {
                    c += 32;
                }
                if (c != name.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        private static String value(byte[] b, int from, int to) {
            return new String(b, from, to - from, StandardCharsets.ISO_8859_1).trim().toLowerCase(Locale.ROOT);
        }

        /** True when buf holds one whole response. */
        boolean complete() {
            byte[] b = buf.array();
            int len = buf.position();
            if (headerEnd < 0) {
                for (int i = Math.max(scan, 3); i < len; i++) {
                    if (b[i] == '\n' && b[i - 1] == '\r' && b[i - 2] == '\n' && b[i - 3] == '\r') {
                        headerEnd = i + 1;
                        break;
                    }
                }
                if (headerEnd < 0) {
                    scan = len;
                    return false;
                }
                status = (b[9] - '0') * 100 + (b[10] - '0') * 10 + (b[11] - '0');
                int line = 0;
                while (line < headerEnd - 2) {
                    int eol = line;
                    while (b[eol] != '\r') {
                        eol++;
                    }
                    if (named(b, line, eol, "content-length:")) {
                        contentLength = Long.parseLong(value(b, line + 15, eol));
                    } else if (named(b, line, eol, "transfer-encoding:")) {
                        chunked = value(b, line + 18, eol).contains("chunked");
                    } else if (named(b, line, eol, "connection:")) {
                        close = value(b, line + 11, eol).contains("close");
                    }
                    line = eol + 2;
                }
                if (req.head() || status == 204 || status == 304 || status < 200) {
                    contentLength = 0;
                    chunked = false;
                }
                chunkPos = headerEnd;
            }
            if (chunked) {
                while (true) {
                    int eol = -1;
                    for (int i = chunkPos + 1; i < len; i++) {
                        if (b[i] == '\n' && b[i - 1] == '\r') {
                            eol = i + 1;
                            break;
                        }
                    }
                    if (eol < 0) {
                        return false;
                    }
                    String sizeLine = new String(b, chunkPos, eol - 2 - chunkPos, StandardCharsets.ISO_8859_1);
                    int semi = sizeLine.indexOf(';');
                    long size = Long.parseLong((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
                    if (size == 0) {
                        return len >= eol + 2; // no trailers: the final CRLF
                    }
                    if (len < eol + size + 2) {
                        return false;
                    }
                    chunkPos = (int) (eol + size + 2);
                }
            }
            return len >= headerEnd + Math.max(contentLength, 0);
        }
    }

    private final ArrayDeque<Conn> idle = new ArrayDeque<>();
    private final ArrayDeque<Req> backlog = new ArrayDeque<>();
    private Selector selector;
    private long inFlight;
    private int busy;
    private int maxBusy;
    private long backlogged;

    private final Hist latency = new Hist();
    private final Hist sendLag = new Hist();
    private final Hist readLatency = new Hist();
    private final Hist writeLatency = new Hist();
    private long sent;
    private long completed;
    private long bytes;
    private long errStatus;
    private long errRead;
    private long errConnect;
    private long errWrite;

    private Conn connect() throws IOException {
        SocketChannel ch = SocketChannel.open();
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        ch.connect(new InetSocketAddress(host, port));
        ch.configureBlocking(false);
        Conn c = new Conn(ch);
        c.key = ch.register(selector, SelectionKey.OP_READ, c);
        return c;
    }

    /** Writes a request on a connection that has none in flight. */
    private void send(Conn c, Req r) {
        c.req = r;
        ByteBuffer out = ByteBuffer.wrap(r.bytes());
        try {
            while (out.hasRemaining()) {
                if (c.ch.write(out) == 0) {
                    Thread.onSpinWait(); // a full send buffer: rare for requests of a few KB
                }
            }
        } catch (IOException e) {
            errWrite++; // the read side sees the closed connection and counts the request lost
        }
    }

    private void dispatch(Req r) {
        inFlight++;
        Conn c = idle.pollLast(); // most recently used first: few connections stay hot
        if (c == null) {
            backlog.add(r); // the first connection to come free sends it
            backlogged++;
            return;
        }
        busy++;
        maxBusy = Math.max(maxBusy, busy);
        if (r.measured()) {
            // How late the generator itself sent (a request that waited for a connection is
            // counted in "backlogged" instead: that wait is the server's).
            sendLag.record((System.nanoTime() - r.intended()) / 1000);
        }
        send(c, r);
    }

    /** A connection came free: it takes the oldest waiting request, or waits itself. */
    private void free(Conn c) {
        Req next = backlog.poll();
        if (next != null) {
            send(c, next);
        } else {
            busy--;
            idle.addLast(c);
        }
    }

    private void readable(SelectionKey k) {
        Conn c = (Conn) k.attachment();
        int n;
        try {
            if (!c.buf.hasRemaining()) {
                ByteBuffer bigger = ByteBuffer.allocate(c.buf.capacity() * 2);
                c.buf.flip();
                bigger.put(c.buf);
                c.buf = bigger;
            }
            n = c.ch.read(c.buf);
        } catch (IOException e) {
            n = -1;
        }
        if (n < 0) {
            lost(c);
            return;
        }
        if (n == 0 || c.req == null || !c.complete()) {
            return;
        }
        Req r = c.req;
        if (r.measured()) {
            long us = (System.nanoTime() - r.intended()) / 1000;
            latency.record(us);
            (r.write() ? writeLatency : readLatency).record(us);
            completed++;
            bytes += c.buf.position();
            if (c.status >= 400) {
                errStatus++;
            }
        }
        inFlight--;
        boolean close = c.close;
        c.reset();
        if (close) {
            lost(c);
        } else {
            free(c);
        }
    }

    /**
     * A connection the server closed: its request (if any) is an error, and a new connection
     * takes its place, so the pool keeps its size.
     */
    private void lost(Conn c) {
        c.key.cancel();
        try {
            c.ch.close();
        } catch (IOException ignored) {
            // closing a dead socket
        }
        if (c.req != null) {
            errRead++;
            inFlight--;
            c.req = null;
        }
        try {
            free(connect());
        } catch (IOException e) {
            errConnect++;
            busy--;
        }
    }

    /**
     * One thread does everything, as wrk2 does: send what is due, then wait for responses
     * until the next request is due. The selector waits in whole milliseconds, so a wait shorter
     * than one is a park (responses arriving meanwhile are read up to that much later; both
     * errors make the measured latency longer, never shorter, and the send lag is reported).
     */
    private void run() throws Exception {
        selector = Selector.open();
        allTokens.addAll(list("readers"));
        allTokens.addAll(list("authors"));
        byte[] fixed = switch (mix) {
            case "baseline" -> format(method, path, null, null);
            case "path" -> signedIn ? null : format(method, path, null, null);
            case "read", "write" -> null;
            default -> throw new IllegalArgumentException("--mix baseline|path|read|write");
        };
        boolean head = method.equals("HEAD") && fixed != null;
        // The pool is opened before the schedule starts: connection set-up is not measured, and a
        // stall cannot snowball into thousands of new connections (each one slow on a cold server).
        for (int i = 0; i < connections; i++) {
            idle.add(connect());
        }
        long start = System.nanoTime();
        long measureFrom = start + (long) (warmup * 1e9);
        long end = measureFrom + (long) (duration * 1e9);
        long drainUntil = end + 5_000_000_000L; // wrk's --timeout 5s: later responses are errors
        double meanGapNs = 1e9 / rate;
        long next = start;
        boolean measuring = false;
        boolean measured = false;
        while (true) {
            long now = System.nanoTime();
            // Markers on standard output: bench/phase.py reads the server's counters and CPU
            // times at these two moments, so the warm-up and the drain are not in the figures.
            if (!measuring && now >= measureFrom) {
                measuring = true;
                System.out.println("BENCH_MEASURING");
                System.out.flush();
            }
            if (!measured && now >= end) {
                measured = true;
                System.out.println("BENCH_MEASURED");
                System.out.flush();
            }
            // Everything due is sent (after a late wake-up, several at once; their latency
            // still counts from their own scheduled times).
            while (next <= now && next < end) {
                boolean counted = next >= measureFrom;
                dispatch(new Req(next, next(fixed), head, counted));
                if (counted) {
                    sent++;
                }
                next += (long) (poisson ? -Math.log(1 - rnd.nextDouble()) * meanGapNs : meanGapNs);
            }
            if (next >= end && inFlight == 0 || now >= drainUntil) {
                break;
            }
            long wait = Math.min(next < end ? next : drainUntil, measured ? drainUntil : end) - now;
            if (!measuring) {
                wait = Math.min(wait, measureFrom - now);
            }
            if (wait >= 1_000_000) {
                selector.select(this::readable, wait / 1_000_000);
            } else if (selector.selectNow(this::readable) == 0) {
                LockSupport.parkNanos(wait);
            }
        }
        if (!measured) {
            System.out.println("BENCH_MEASURED");
        }
        print(inFlight);
    }

    private static String summary(Hist h) {
        return String.format(Locale.ROOT, "{\"n\":%d,\"p50\":%d,\"p99\":%d,\"p99.9\":%d,\"max\":%d}",
                h.n, h.percentile(50), h.percentile(99), h.percentile(99.9), h.n == 0 ? 0 : h.max);
    }

    private void print(long unfinished) {
        Hist h = latency;
        double mean = h.n == 0 ? 0 : h.sum / h.n;
        double stdev = h.n == 0 ? 0 : Math.sqrt(Math.max(0, h.sumSq / h.n - mean * mean));
        StringBuilder ps = new StringBuilder();
        for (double q : new double[] {50, 75, 90, 95, 99, 99.9, 99.99}) {
            if (!ps.isEmpty()) {
                ps.append(',');
            }
            ps.append('"').append(q == Math.rint(q) ? String.valueOf((long) q) : String.valueOf(q)).append("\":").append(h.percentile(q));
        }
        String out = String.format(Locale.ROOT,
                "BENCH_RESULT {\"requests\":%d,\"duration_us\":%d,\"bytes\":%d,"
                        + "\"errors\":{\"connect\":%d,\"read\":%d,\"write\":%d,\"status\":%d,\"timeout\":%d},"
                        + "\"latency_us\":{\"min\":%d,\"mean\":%.1f,\"max\":%d,\"stdev\":%.1f,\"p\":{%s}},"
                        + "\"open_loop\":{\"rate\":%.1f,\"arrivals\":\"%s\",\"sent\":%d,\"connections\":%d,"
                        + "\"connections_busy_max\":%d,\"backlogged\":%d,"
                        + "\"send_lag_us\":{\"p50\":%d,\"p99\":%d,\"p99.9\":%d,\"max\":%d},"
                        + "\"reads_us\":%s,\"writes_us\":%s}}%n",
                completed, (long) (duration * 1e6), bytes, errConnect, errRead, errWrite, errStatus, unfinished,
                h.n == 0 ? 0 : h.min, mean, h.max, stdev, ps,
                rate, poisson ? "poisson" : "uniform", sent, connections, maxBusy, backlogged,
                sendLag.percentile(50), sendLag.percentile(99), sendLag.percentile(99.9), sendLag.max,
                summary(readLatency), summary(writeLatency));
        System.out.print(out);
        System.out.flush();
    }

    // ------------------------------------------------------------------------------ JSON

    /** Just enough JSON to read bench/seed.py's data file: objects, arrays, strings, numbers. */
    static final class Json {
        private final String s;
        private int i;

        Json(String s) {
            this.s = s;
        }

        Object value() {
            ws();
            char c = s.charAt(i);
            if (c == '{') {
                Map<String, Object> m = new HashMap<>();
                i++;
                ws();
                if (s.charAt(i) == '}') {
                    i++;
                    return m;
                }
                while (true) {
                    ws();
                    String k = string();
                    ws();
                    i++; // ':'
                    m.put(k, value());
                    ws();
                    if (s.charAt(i++) == '}') {
                        return m;
                    }
                }
            }
            if (c == '[') {
                List<Object> l = new ArrayList<>();
                i++;
                ws();
                if (s.charAt(i) == ']') {
                    i++;
                    return l;
                }
                while (true) {
                    l.add(value());
                    ws();
                    if (s.charAt(i++) == ']') {
                        return l;
                    }
                }
            }
            if (c == '"') {
                return string();
            }
            int st = i;
            while (i < s.length() && ",}] \n\r\t".indexOf(s.charAt(i)) < 0) {
                i++;
            }
            return s.substring(st, i);
        }

        private void ws() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private String string() {
            StringBuilder sb = new StringBuilder();
            i++; // opening quote
            while (true) {
                char c = s.charAt(i++);
                if (c == '"') {
                    return sb.toString();
                }
                if (c == '\\') {
                    char e = s.charAt(i++);
                    switch (e) {
                        case 'n' -> sb.append('\n');
                        case 't' -> sb.append('\t');
                        case 'r' -> sb.append('\r');
                        case 'b' -> sb.append('\b');
                        case 'f' -> sb.append('\f');
                        case 'u' -> {
                            sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                            i += 4;
                        }
                        default -> sb.append(e);
                    }
                } else {
                    sb.append(c);
                }
            }
        }
    }
}
