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

    public ReplicaMonitor(DbClient writer, DbClient reader, TierBreaker readerBreaker, long intervalMillis, long maxLagMillis) {
        this.writer = writer;
        this.reader = reader;
        this.readerBreaker = readerBreaker;
        this.maxLagMillis = maxLagMillis;
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

    private void beat() {
        long now = System.currentTimeMillis();
        boolean wrote = false;
        try {
            long updated = writer.execute().update("UPDATE replica_heartbeat SET beat_at = ? WHERE instance_id = ?", now, instanceId);
            if (updated == 0) {
                writer.execute().insert("INSERT INTO replica_heartbeat (instance_id, beat_at) VALUES (?, ?)", instanceId, now);
            }
            synchronized (unseenBeats) {
                unseenBeats.addLast(now);
            }
            wrote = true;
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "heartbeat write failed", e); // the writer's own probe reports this
        }
        try {
            long seen = reader.execute().get("SELECT beat_at FROM replica_heartbeat WHERE instance_id = ?", instanceId)
                    .map(r -> Rows.longValue(r, "beat_at")).orElse(0L);
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

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            writer.execute().delete("DELETE FROM replica_heartbeat WHERE instance_id = ?", instanceId);
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "could not remove heartbeat row", e);
        }
    }
}
