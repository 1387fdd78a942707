package conduit.ops;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;

import io.helidon.health.HealthCheckResponse;

/**
 * Graceful drain on SIGTERM. Readiness turns to 503 at once; the app keeps serving for
 * {@code drainPeriod} so the load balancer sees it and stops sending traffic (its deregistration
 * delay must cover this); then the server stops accepting and finishes in-flight requests within
 * its grace period; pools close last.
 */
public final class Drain {
    private static final Logger LOG = System.getLogger(Drain.class.getName());
    private final Duration drainPeriod;
    private volatile boolean draining;

    public Drain(Duration drainPeriod) {
        this.drainPeriod = drainPeriod;
    }

    public boolean draining() {
        return draining;
    }

    /** Readiness: down while draining. */
    public HealthCheckResponse health() {
        return HealthCheckResponse.builder().status(!draining).detail("draining", draining).build();
    }

    /** The shutdown sequence: stop being ready, wait for the load balancer, then stop, then close. */
    public void shutdown(Runnable stopServer, Runnable closeResources) {
        draining = true;
        LOG.log(Level.INFO, "SIGTERM: readiness is now 503; serving for " + drainPeriod.toMillis() + " ms more while the load balancer drains");
        try {
            Thread.sleep(drainPeriod);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.log(Level.INFO, "drain period over: finishing in-flight requests and stopping");
        stopServer.run();
        closeResources.run();
        LOG.log(Level.INFO, "stopped");
    }
}
