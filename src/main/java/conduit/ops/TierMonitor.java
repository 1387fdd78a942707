package conduit.ops;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.helidon.health.HealthCheckResponse;

/**
 * The state of the shared tiers (writer, reader, Redis), measured in the background so that a
 * health request never waits on a dependency: each answer comes from the last probe. Every probe
 * runs on its own virtual thread with a deadline, so one hung tier can neither stall the others
 * nor the monitor itself; a monitor that stops completing rounds is the sign of a wedged instance.
 *
 * <p>These states are information (health details, metrics), never readiness: every instance
 * shares these tiers, and failing readiness on them would take the whole fleet out of the load
 * balancer at once (and have the Auto Scaling group replace it) for an outage that new
 * instances cannot fix.
 */
public final class TierMonitor implements AutoCloseable {
    private static final Logger LOG = System.getLogger(TierMonitor.class.getName());

    /** What one probe found: up or not, and details worth showing. */
    private record Status(boolean up, Map<String, Object> details) {
        static Status down(String reason) {
            return new Status(false, Map.of("reason", reason));
        }
    }

    /** A tier's probe: returns details worth showing when the tier answers, throws (saying why) when it does not. */
    public interface Probe {
        Map<String, Object> check() throws Exception;
    }

    private record Observed(Status status, long checkedAt) {
    }

    private final Map<String, Probe> probes = new LinkedHashMap<>();
    private final Map<String, TierBreaker> breakers = new LinkedHashMap<>();
    private final Map<String, Observed> last = new java.util.concurrent.ConcurrentHashMap<>();
    private final long intervalMillis;
    private final long deadlineMillis;
    private final ScheduledExecutorService timer;
    private volatile long lastRoundAt = System.currentTimeMillis();

    /**
     * @param intervalMillis how often every tier is probed
     * @param deadlineMillis how long a probe may take before it counts as down
     */
    public TierMonitor(long intervalMillis, long deadlineMillis) {
        this.intervalMillis = intervalMillis;
        this.deadlineMillis = deadlineMillis;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tier-monitor");
            t.setDaemon(true);
            return t;
        });
    }

    /** Adds a tier; call before {@link #start()}. */
    public TierMonitor watch(String tier, Probe probe) {
        probes.put(tier, probe);
        return this;
    }

    /**
     * Adds a tier whose probe also drives its circuit breaker: a probe that succeeds closes it
     * (the only way it closes), two that fail in a row open it. The breaker's state shows in
     * the health details.
     */
    public TierMonitor watch(String tier, Probe probe, TierBreaker breaker) {
        breakers.put(tier, breaker);
        return watch(tier, probe);
    }

    /** Shows a breaker that another probe drives (the reader's: the replica monitor's heartbeat). */
    public TierMonitor show(String tier, TierBreaker breaker) {
        breakers.put(tier, breaker);
        return this;
    }

    public TierMonitor start() {
        timer.scheduleWithFixedDelay(this::round, 0, intervalMillis, TimeUnit.MILLISECONDS);
        return this;
    }

    private void round() {
        Map<String, CompletableFuture<Status>> running = new LinkedHashMap<>();
        probes.forEach((tier, probe) -> running.put(tier, CompletableFuture.supplyAsync(() -> {
            try {
                return new Status(true, probe.check());
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, TierMonitor::onVirtualThread)));
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(deadlineMillis);
        running.forEach((tier, future) -> {
            Status status = await(tier, future, deadline);
            last.put(tier, new Observed(status, System.currentTimeMillis()));
            TierBreaker breaker = breakers.get(tier);
            if (breaker != null && probes.containsKey(tier)) {
                if (status.up()) {
                    breaker.probeSucceeded();
                } else {
                    breaker.probeFailed();
                }
            }
        });
        lastRoundAt = System.currentTimeMillis();
    }

    private static void onVirtualThread(Runnable probe) {
        Thread.ofVirtual().name("tier-probe").start(probe);
    }

    private static Status await(String tier, CompletableFuture<Status> future, long deadlineNanos) {
        try {
            return future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            return Status.down("no answer within the probe deadline");
        } catch (ExecutionException e) {
            LOG.log(Level.DEBUG, tier + " probe failed", e.getCause());
            return Status.down(String.valueOf(e.getCause().getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Status.down("interrupted");
        }
    }

    /** True when a probe round completed recently: the instance is not wedged. */
    public boolean alive(long maxAgeMillis) {
        return System.currentTimeMillis() - lastRoundAt <= maxAgeMillis;
    }

    /** The tier's last observed status, as a health check that never fails readiness. */
    public HealthCheckResponse health(String tier) {
        Observed observed = last.get(tier);
        HealthCheckResponse.Builder builder = HealthCheckResponse.builder().status(true);
        if (observed == null) {
            return builder.detail("state", "unknown").build();
        }
        builder.detail("state", observed.status().up() ? "up" : "down")
                .detail("checkedMillisAgo", System.currentTimeMillis() - observed.checkedAt());
        TierBreaker breaker = breakers.get(tier);
        if (breaker != null) {
            builder.detail("circuit", breaker.closed() ? "closed" : "open");
        }
        observed.status().details().forEach(builder::detail);
        return builder.build();
    }

    /** The tier's last observed state: true up, false down, null not yet known. */
    public Boolean up(String tier) {
        Observed observed = last.get(tier);
        return observed == null ? null : observed.status().up();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
