package conduit.ops;

import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.ErrorManager;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * Log records to standard output (journald and the CloudWatch agent read it) as JSON lines, written
 * by a thread of their own so that a request never waits for the output.
 *
 * <p>Each line is formatted on the thread that logs it (the formatter reads that thread's {@link
 * RequestContext}) and put in a queue of {@link #CAPACITY} lines; a writer thread takes whatever
 * is queued, writes it in one go and flushes. Written synchronously before, a write that stalled
 * for 30-40 ms (the output's file or pipe, or a GC pause in the middle of it) held the handler's
 * lock, and every request thread that logged queued behind it (22 of them in a thread dump of
 * bench/growth-study). When the queue is full (the output has been stalled for seconds) a line is
 * dropped and counted, not waited for: the next lines written are preceded by a WARNING line
 * saying how many were dropped, and {@code log_lines_dropped_total} counts them all.
 *
 * <p>Nothing is lost on a normal exit: from the start of the JVM's shutdown (SIGTERM, or a
 * {@code System.exit}), queued lines are written at once and every later line (the graceful
 * drain's) is written by the thread that logs it. Lines still queued when the JVM halts without
 * shutting down ({@code -XX:+ExitOnOutOfMemoryError}, SIGKILL) are lost.
 */
public final class StdoutHandler extends Handler {
    /** Lines held while the output is slower than the app: ~1 MB at ~250 bytes a line, seconds of it at full load. */
    static final int CAPACITY = 4096;
    private static final AtomicLong DROPPED_TOTAL = new AtomicLong();

    private final PrintStream out;
    private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(CAPACITY);
    /** Taken for every write to the output, and for taking lines off the queue: lines leave in their order. */
    private final Object writeLock = new Object();
    private final AtomicLong dropped = new AtomicLong();
    private final Thread writer;
    private volatile boolean writerParked;
    /**
     * The writer wakes on its own this often, and a logging thread wakes it only when the queue
     * holds {@link #WAKE_AT} lines: waking it for every line cost a context switch per request
     * (the cheapest request, a cached list, took a third more CPU than with synchronous writes).
     */
    static final long WRITE_EVERY_NANOS = 5_000_000;
    static final int WAKE_AT = CAPACITY / 4;
    /** Set when the JVM starts to shut down: from then on each line is written by the thread that logs it. */
    private volatile boolean synchronous;

    public StdoutHandler() {
        this(System.out);
    }

    StdoutHandler(PrintStream out) {
        this.out = out;
        setFormatter(new JsonLogFormatter());
        writer = Thread.ofPlatform().daemon().name("log-writer").unstarted(this::writeLoop);
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(this::shutdown, "log-flush"));
            writer.start();
        } catch (IllegalStateException e) {
            synchronous = true; // created while the JVM shuts down
        }
    }

    /** Lines dropped because the queue was full, by every handler of this class since the JVM started. */
    public static long droppedTotal() {
        return DROPPED_TOTAL.get();
    }

    @Override
    public void publish(LogRecord record) {
        if (!isLoggable(record)) {
            return;
        }
        String line;
        try {
            line = getFormatter().format(record);
        } catch (RuntimeException e) {
            reportError(null, e, ErrorManager.FORMAT_FAILURE);
            return;
        }
        if (synchronous) {
            synchronized (writeLock) {
                List<String> lines = new ArrayList<>(queue.size() + 1);
                queue.drainTo(lines);
                lines.add(line);
                write(lines);
            }
            return;
        }
        if (!queue.offer(line)) {
            dropped.incrementAndGet();
            DROPPED_TOTAL.incrementAndGet();
        } else if (synchronous) {
            flush(); // the shutdown began meanwhile and may have emptied the queue before this line was in it
        } else if (writerParked && queue.size() >= WAKE_AT) {
            LockSupport.unpark(writer);
        }
    }

    /** Writes every queued line now. */
    @Override
    public void flush() {
        synchronized (writeLock) {
            List<String> lines = new ArrayList<>(queue.size());
            queue.drainTo(lines);
            write(lines);
        }
    }

    @Override
    public void close() {
        flush(); // never close System.out
    }

    private void shutdown() {
        synchronous = true;
        flush();
    }

    private void writeLoop() {
        List<String> lines = new ArrayList<>(256);
        while (true) {
            synchronized (writeLock) {
                queue.drainTo(lines);
                if (!lines.isEmpty() || dropped.get() > 0) {
                    write(lines);
                    lines.clear();
                }
            }
            if (queue.isEmpty()) {
                writerParked = true;
                if (queue.isEmpty()) {
                    LockSupport.parkNanos(this, WRITE_EVERY_NANOS);
                }
                writerParked = false;
            }
        }
    }

    /** Writes the lines (after the notice of any dropped since the last write) and flushes; under {@link #writeLock}. */
    private void write(List<String> lines) {
        long lost = dropped.getAndSet(0);
        if (lines.isEmpty() && lost == 0) {
            return;
        }
        StringBuilder text = new StringBuilder(lines.size() * 256 + 256);
        if (lost > 0) {
            LogRecord notice = new LogRecord(Level.WARNING, lost + " log lines dropped: standard output did not keep up");
            notice.setLoggerName(StdoutHandler.class.getName());
            text.append(getFormatter().format(notice));
        }
        for (String line : lines) {
            text.append(line);
        }
        try {
            byte[] bytes = text.toString().getBytes(Charset.defaultCharset()); // as StreamHandler encoded them
            out.write(bytes, 0, bytes.length);
            out.flush();
        } catch (RuntimeException e) {
            reportError(null, e, ErrorManager.WRITE_FAILURE);
        }
    }
}
