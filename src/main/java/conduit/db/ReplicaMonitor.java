package conduit.db;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import conduit.ops.TierBreaker;
import io.helidon.dbclient.DbClient;

/**
 * Decides whether the reader may serve reads: it must answer, and its lag behind the writer must
 * stay under a bound.
 *
 * <p>Lag is measured the same way on Aurora and MariaDB, without privileges or clock agreement:
 * this instance writes its own heartbeat row on the writer every interval and reads it back from
 * the reader. The oldest heartbeat written but not yet visible on the reader tells how far behind
 * the reader is, measured on this instance's clock only.
 *
 * <p>Each heartbeat read is also the reader's health probe: it drives the reader's circuit
 * breaker ({@link TierBreaker}), which requests that fail open and only a probe that succeeds
 * closes. The read happens even when the heartbeat write fails (the writer is down), so a
 * reader that comes back is seen then too.
 *
 * <p>Fences ({@link #awaitFence}) answer a narrower question at once, without clocks: has the
 * reader applied every write committed before now? A cache fill after a recent write asks it,
 * so that it can read from the reader instead of adding to the writer's load, which every
 * instance shares and none can scale out.
 */
public final class ReplicaMonitor implements AutoCloseable {
    private static final Logger LOG = System.getLogger(ReplicaMonitor.class.getName());

    private final DbClient writer;
    private final DbClient reader;
    private final TierBreaker readerBreaker;
    private final long maxLagMillis;
    private final String instanceId = UUID.randomUUID().toString();
    private final Deque<Long> unseenBeats = new ArrayDeque<>();
    private final ScheduledExecutorService timer;
    private volatile long lagMillis;
    private volatile long caughtUpTo;

    /** The row of this instance's fences: a counter, not a time (no clock is compared). */
    private final String fenceRow = instanceId + "/fence";
    private final long fenceWaitMillis;
    /** Guards the fence counters below, and is what waiters wait on. */
    private final Object fences = new Object();
    /** How many fences were written (or are being written): the latest one's number. */
    private long fencesStarted;
    /** The highest fence number the reader has shown. */
    private long fenceSeen;
    /** The highest fence number a waiter needs. */
    private long fenceWanted;
    /** True while a thread writes fences; it ends when no waiter needs one. */
    private boolean fencing;
    private boolean closed;

    public ReplicaMonitor(DbClient writer, DbClient reader, TierBreaker readerBreaker, long intervalMillis, long maxLagMillis,
                          long fenceWaitMillis) {
        this.writer = writer;
        this.reader = reader;
        this.readerBreaker = readerBreaker;
        this.maxLagMillis = maxLagMillis;
        this.fenceWaitMillis = fenceWaitMillis;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "replica-monitor");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::beat, 0, intervalMillis, TimeUnit.MILLISECONDS);
    }

    /** Why reads must not go to the reader now ("lag"), or null when they may (its breaker says whether it answers). */
    public String avoidReason() {
        return lagMillis > maxLagMillis ? "lag" : null;
    }

    /** Every write committed on the writer before this time (this instance's clock) is on the reader. */
    public long caughtUpTo() {
        return caughtUpTo;
    }

    public long lagMillis() {
        return lagMillis;
    }

    /** True when fences are in use (a wait is configured) and the reader is not known to lag. */
    public boolean fencing() {
        return fenceWaitMillis > 0 && avoidReason() == null;
    }

    /**
     * Waits until the reader shows a fence written after this call began: then it has applied
     * every write the writer committed before the call, since a reader applies the writer's
     * commits in their order (a MariaDB replica's SQL thread, an Aurora replica's redo stream).
     * One fence serves every caller waiting when it is written, so the writer sees one small
     * update per round trip to the reader, however many fills wait.
     *
     * @return true once the reader has shown it; false after the configured wait
     *         ({@code DB_FILL_FENCE_MS}), or when the fence could not be written (the writer is down)
     */
    public boolean awaitFence() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(fenceWaitMillis);
        synchronized (fences) {
            // Any fence numbered above those started so far is written after this point.
            long need = fencesStarted + 1;
            fenceWanted = Math.max(fenceWanted, need);
            if (!fencing && !closed) {
                fencing = true;
                Thread.ofVirtual().name("replica-fence").start(this::writeFences);
            }
            while (fenceSeen < need) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || closed) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(fences, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    /** Writes fences one after another while a waiter needs one, each until the reader shows it. */
    private void writeFences() {
        while (true) {
            long number;
            synchronized (fences) {
                if (fenceWanted <= fenceSeen || closed) {
                    fencing = false;
                    return;
                }
                number = ++fencesStarted;
            }
            boolean shown = false;
            try {
                shown = fence(number);
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "fence failed", e); // waiters read from the writer; the probes report the tiers
            }
            synchronized (fences) {
                if (shown) {
                    fenceSeen = number;
                }
                fences.notifyAll();
                if (!shown) {
                    fencing = false; // the next waiter starts again
                    return;
                }
            }
        }
    }

    /** Writes fence {@code number} and reads it back from the reader until it shows, within the wait. */
    private boolean fence(long number) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(fenceWaitMillis);
        write(fenceRow, number);
        // Replication takes a few milliseconds on the local stack and tens on Aurora: ask again
        // after 1, 2, 4... ms, so a slow reader costs a few reads per fence, not one per millisecond.
        for (long pause = 1; ; pause = Math.min(pause * 2, 16)) {
            if (shownOnReader(fenceRow) >= number) {
                return true;
            }
            if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pause) > deadline) {
                return false;
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    private void beat() {
        long now = System.currentTimeMillis();
        boolean wrote = false;
        try {
            write(instanceId, now);
            synchronized (unseenBeats) {
                unseenBeats.addLast(now);
            }
            wrote = true;
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "heartbeat write failed", e); // the writer's own probe reports this
        }
        try {
            long seen = shownOnReader(instanceId);
            caughtUpTo = Math.max(caughtUpTo, seen);
            long oldestUnseen;
            synchronized (unseenBeats) {
                while (!unseenBeats.isEmpty() && unseenBeats.peekFirst() <= seen) {
                    unseenBeats.removeFirst();
                }
                oldestUnseen = unseenBeats.isEmpty() ? 0 : unseenBeats.peekFirst();
                // Bound the memory a long outage can take: the oldest beat is what measures lag.
                while (unseenBeats.size() > 10_000) {
                    unseenBeats.removeLast();
                }
            }
            if (wrote) {
                // The beat just written needs one round trip to replicate: only older beats count.
                lagMillis = oldestUnseen == 0 || oldestUnseen == now ? 0 : System.currentTimeMillis() - oldestUnseen;
            }
            readerBreaker.probeSucceeded();
        } catch (RuntimeException e) {
            if (SqlErrors.tierDown(e)) {
                readerBreaker.probeFailed();
            } else {
                LOG.log(Level.WARNING, "replica heartbeat read failed", e);
            }
        }
    }

    /** Sets a row of the heartbeat table (this instance's heartbeat or its fence) on the writer. */
    private void write(String row, long value) {
        if (writer.execute().update("UPDATE replica_heartbeat SET beat_at = ? WHERE instance_id = ?", value, row) == 0) {
            writer.execute().insert("INSERT INTO replica_heartbeat (instance_id, beat_at) VALUES (?, ?)", row, value);
        }
    }

    /** The value of a row of the heartbeat table as the reader has it (0: not there yet). */
    private long shownOnReader(String row) {
        return reader.execute().get("SELECT beat_at FROM replica_heartbeat WHERE instance_id = ?", row)
                .map(r -> Rows.longValue(r, "beat_at")).orElse(0L);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        synchronized (fences) {
            closed = true;
            fences.notifyAll();
        }
        try {
            writer.execute().delete("DELETE FROM replica_heartbeat WHERE instance_id IN (?, ?)", instanceId, fenceRow);
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "could not remove heartbeat row", e);
        }
    }
}
