package conduit.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import conduit.Settings;
import conduit.Stack;
import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Metrics;

/**
 * Cache fills after a recent write read from the reader once it shows a fence written after they
 * began ({@link ReplicaMonitor#awaitFence}), against the stack's real MariaDB writer and
 * replica. The replica monitor's own heartbeat is made too rare to vouch for anything here, so
 * only fences can send a fill to the reader.
 */
@EnabledIfEnvironmentVariable(named = "DB_WRITER_URL", matches = ".+", disabledReason = "needs scripts/stack up db")
class ReplicaFenceTest {
    private static final Duration FENCE_WAIT = Duration.ofMillis(300);
    private DataTier tier;
    private Database db;
    private final List<String> rows = new ArrayList<>();

    @BeforeEach
    void start() {
        start(FENCE_WAIT);
    }

    /** A data tier on the stack with this fence wait. */
    private void start(Duration fenceWait) {
        DbSettings fromEnv = Settings.fromEnvironment(System.getenv()).db();
        // A lag bound of minutes: a stopped replica must not send reads away by itself.
        tier = DataTier.start(fromEnv.toBuilder().maxReplicaLag(Duration.ofMinutes(5)).replicaCheck(Duration.ofMinutes(1))
                .fillFence(fenceWait).build());
        db = tier.database();
    }

    @AfterEach
    void stop() {
        for (String row : rows) {
            db.write(exec -> exec.delete("DELETE FROM replica_heartbeat WHERE instance_id = ?", row));
        }
        tier.close();
    }

    /** A row only this test writes: the heartbeat table exists on both servers and needs no DDL. */
    private String written(long value) {
        String row = "fence-test-" + UUID.randomUUID();
        rows.add(row);
        db.write(exec -> exec.insert("INSERT INTO replica_heartbeat (instance_id, beat_at) VALUES (?, ?)", row, value));
        return row;
    }

    /** What a fill that began now reads of the row (-1: absent), and whether it may be stored. */
    private Database.Fresh<Long> fill(String row) {
        return db.readFreshSince(System.currentTimeMillis(), () -> db.read(exec ->
                exec.get("SELECT beat_at FROM replica_heartbeat WHERE instance_id = ?", row).map(r -> Rows.longValue(r, "beat_at")).orElse(-1L)));
    }

    private static double counter(String name, String tag, String value) {
        return Metrics.globalRegistry().getOrCreate(Counter.builder(name).tags(Metrics.tags(tag, value))).count();
    }

    @Test
    void everyFillAfterAWriteSeesItAndIsServedByTheReader() throws Exception {
        double passed = counter("db.fill.fences", "result", "passed");
        double readerReads = counter("db.reads", "pool", "reader");
        for (int i = 0; i < 30; i++) {
            String row = written(i);
            Database.Fresh<Long> read = fill(row);
            assertEquals(i, read.value(), "a fill begun after the write sees it");
            assertTrue(read.fresh());
        }
        assertEquals(30, counter("db.fill.fences", "result", "passed") - passed, 0.0);
        assertTrue(counter("db.reads", "pool", "reader") - readerReads >= 30, "the fills read from the reader");

        // Fills waiting together share fences: fewer fences are written than fills wait.
        String row = written(7);
        long fencesBefore = fenceNumberOnWriter();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Database.Fresh<Long>>> fills = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                fills.add(pool.submit(() -> fill(row)));
            }
            for (Future<Database.Fresh<Long>> f : fills) {
                assertEquals(7L, f.get().value());
                assertTrue(f.get().fresh());
            }
        }
        long fences = fenceNumberOnWriter() - fencesBefore;
        assertTrue(fences >= 1 && fences < 200, "fences written for 200 waiting fills: " + fences);
    }

    @Test
    void whileTheReplicaIsStoppedFillsGiveUpWithinTheWaitAndReadTheWriter() {
        double late = counter("db.fill.fences", "result", "late");
        Stack.onReader("STOP SLAVE SQL_THREAD");
        try {
            String row = written(42);
            long start = System.nanoTime();
            Database.Fresh<Long> read = fill(row);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(42, read.value(), "the write is seen all the same: from the writer");
            assertTrue(read.fresh());
            assertTrue(millis >= FENCE_WAIT.toMillis() - 5 && millis < FENCE_WAIT.toMillis() + 1_000, "gave up after " + millis + " ms");
            assertEquals(1, counter("db.fill.fences", "result", "late") - late, 0.0);
        } finally {
            Stack.onReader("START SLAVE SQL_THREAD");
        }
        double passed = counter("db.fill.fences", "result", "passed");
        Stack.await(Duration.ofSeconds(10), "fences pass again", () -> fill(written(43)).value() == 43
                && counter("db.fill.fences", "result", "passed") > passed);
    }

    @Test
    void closingRemovesTheFenceRowAndAZeroWaitTurnsFencesOff() {
        String row = written(5);
        assertTrue(fill(row).fresh()); // this instance now has a fence row
        long rowsBefore = fenceRows();
        tier.close();
        start(Duration.ZERO);
        assertEquals(rowsBefore - 1, fenceRows(), "closing removed the closed instance's fence row");

        double passed = counter("db.fill.fences", "result", "passed");
        double late = counter("db.fill.fences", "result", "late");
        assertEquals(5, fill(row).value(), "with fences off, a fill reads from the writer");
        assertEquals(passed, counter("db.fill.fences", "result", "passed"), 0.0);
        assertEquals(late, counter("db.fill.fences", "result", "late"), 0.0);
    }

    /** The sum of fence numbers on the writer: each instance's row counts its fences up from 1. */
    private long fenceNumberOnWriter() {
        return fenceQuery("SUM(beat_at)");
    }

    private long fenceRows() {
        return fenceQuery("COUNT(*)");
    }

    private long fenceQuery(String aggregate) {
        return db.write(exec -> exec.get("SELECT COALESCE(" + aggregate + ", 0) AS n FROM replica_heartbeat WHERE instance_id LIKE '%/fence'")
                .map(r -> Rows.longValue(r, "n")).orElse(0L));
    }
}
