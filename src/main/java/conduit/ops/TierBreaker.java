package conduit.ops;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.Metrics;

/**
 * Fail fast while a shared tier (the writer, the reader, Redis) is down: a Resilience4j circuit
 * breaker per tier. After a few calls fail (or run slower than the tier's bound), it opens, and
 * calls that need the tier are refused at once ({@link Unavailable}) instead of each waiting out
 * a timeout. It stays open until the tier's background probe ({@link TierMonitor}) finds it
 * answering again and closes it: requests never pay for trial calls to a tier that is still down.
 *
 * <p>Metrics: {@code circuit_breaker_state{tier}} (0 closed, 1 open), {@code
 * circuit_breaker_rejected_total{tier}}; each opening and closing is logged once.
 */
public final class TierBreaker {
    private static final Logger LOG = System.getLogger(TierBreaker.class.getName());

    /** A call refused because the tier's breaker is open: answer 503 at once. */
    public static final class Unavailable extends RuntimeException {
        Unavailable(String tier, CallNotPermittedException cause) {
            super(tier + " is unavailable (circuit open)", cause, false, false);
        }
    }

    private final String tier;
    private final CircuitBreaker breaker;
    private final Counter rejected;
    private final java.util.concurrent.atomic.AtomicInteger failedProbes = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * @param recorded which failures count against the tier (its own troubles, not a bad request)
     * @param slowCall a call slower than this counts as a failure too
     */
    public TierBreaker(String tier, Predicate<Throwable> recorded, Duration slowCall) {
        this.tier = tier;
        this.breaker = CircuitBreaker.of(tier, CircuitBreakerConfig.custom()
                // Judged over the last 10 calls, once 4 have been made: under load that is a
                // few milliseconds of traffic, so a hung tier costs a handful of timeouts.
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(10)
                .minimumNumberOfCalls(4)
                .failureRateThreshold(50)
                .slowCallDurationThreshold(slowCall)
                .slowCallRateThreshold(50)
                .recordException(recorded)
                // Only the probe closes it (see close()); no request is a trial call.
                .waitDurationInOpenState(Duration.ofDays(1))
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .build());
        this.rejected = Metrics.globalRegistry().getOrCreate(Counter.builder("circuit.breaker.rejected")
                .tags(Metrics.tags("tier", tier)));
        Metrics.globalRegistry().getOrCreate(Gauge.builder("circuit.breaker.state", this::stateValue)
                .tags(Metrics.tags("tier", tier)));
        breaker.getEventPublisher().onStateTransition(e -> LOG.log(e.getStateTransition().getToState() == CircuitBreaker.State.CLOSED
                ? Level.INFO : Level.WARNING, tier + ": circuit " + e.getStateTransition()));
    }

    /**
     * True when the failure (or one of its causes) is a refusal by an open breaker: nothing new
     * to log, the breaker logged its opening once (logging each refusal would write a stack
     * trace per request for as long as the tier is down).
     */
    public static boolean refused(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof Unavailable) {
                return true;
            }
        }
        return false;
    }

    /** Runs the call through the breaker; refused at once (Unavailable) while it is open. */
    public <T> T call(Supplier<T> call) {
        try {
            return breaker.executeSupplier(call);
        } catch (CallNotPermittedException e) {
            rejected.increment();
            throw new Unavailable(tier, e);
        }
    }

    /** Calls {@code listener} with true when the circuit closes and false when it opens. */
    public TierBreaker onChange(java.util.function.Consumer<Boolean> listener) {
        breaker.getEventPublisher().onStateTransition(e -> {
            CircuitBreaker.State to = e.getStateTransition().getToState();
            if (to == CircuitBreaker.State.CLOSED || to == CircuitBreaker.State.OPEN) {
                listener.accept(to == CircuitBreaker.State.CLOSED);
            }
        });
        return this;
    }

    /** True while calls are let through. */
    public boolean closed() {
        return breaker.getState() == CircuitBreaker.State.CLOSED;
    }

    /** The background probe found the tier answering: let calls through again. */
    public void probeSucceeded() {
        failedProbes.set(0);
        if (breaker.getState() != CircuitBreaker.State.CLOSED) {
            breaker.transitionToClosedState();
        }
    }

    /**
     * The background probe failed. Two in a row open the breaker even without traffic, so the
     * first requests after a quiet spell do not each wait out a timeout either.
     */
    public void probeFailed() {
        if (failedProbes.incrementAndGet() >= 2 && breaker.getState() == CircuitBreaker.State.CLOSED) {
            breaker.transitionToOpenState();
        }
    }

    public String tier() {
        return tier;
    }

    private double stateValue() {
        return breaker.getState() == CircuitBreaker.State.CLOSED ? 0 : 1;
    }
}
