package conduit.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import org.junit.jupiter.api.Test;

/** The access log's handler: lines in order, never waited for, dropped and counted when the output stalls. */
class StdoutHandlerTest {

    private static LogRecord record(String message) {
        LogRecord r = new LogRecord(Level.INFO, message);
        r.setLoggerName("test");
        return r;
    }

    @Test
    void linesArriveInOrderAndFlushWritesTheRest() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StdoutHandler handler = new StdoutHandler(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        for (int i = 0; i < 1000; i++) {
            handler.publish(record("line " + i));
        }
        handler.flush();
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(1000, lines.size());
        for (int i = 0; i < 1000; i++) {
            assertTrue(lines.get(i).contains("\"message\":\"line " + i + "\""), lines.get(i));
        }
    }

    @Test
    void aStalledOutputCostsTheLoggerNothingAndDroppedLinesAreCounted() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch stalled = new CountDownLatch(1);
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        OutputStream stalling = new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                stalled.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                synchronized (written) {
                    written.write(b, off, len);
                }
            }
        };
        StdoutHandler handler = new StdoutHandler(new PrintStream(stalling, false, StandardCharsets.UTF_8));
        handler.publish(record("first"));
        assertTrue(stalled.await(5, TimeUnit.SECONDS), "the writer thread is stuck in the output");
        long before = StdoutHandler.droppedTotal();
        int extra = 100;
        long started = System.nanoTime();
        for (int i = 0; i < StdoutHandler.CAPACITY + extra; i++) {
            handler.publish(record("queued " + i));
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(millis < 2000, "publishing while the output stalls took " + millis + " ms");
        assertEquals(extra, StdoutHandler.droppedTotal() - before);

        release.countDown();
        handler.flush();
        String text;
        synchronized (written) {
            text = written.toString(StandardCharsets.UTF_8);
        }
        List<String> lines = text.lines().toList();
        assertTrue(lines.get(0).contains("\"message\":\"first\""), lines.get(0));
        assertTrue(lines.stream().anyMatch(l -> l.contains("\"level\":\"WARNING\"")
                && l.contains(extra + " log lines dropped")), "the drop is reported in the log");
        assertEquals(1 + 1 + StdoutHandler.CAPACITY, lines.size(), "first, the notice, and every queued line");
        assertTrue(lines.get(lines.size() - 1).contains("\"message\":\"queued " + (StdoutHandler.CAPACITY - 1) + "\""));
    }
}
