package conduit.web;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import conduit.common.Failure;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * What an API request body may hold while it is read: memory and time. A body is read into memory
 * whole (up to {@link JsonBody#MAX_BYTES}) and takes several times its size once parsed, so the
 * bytes beyond a small free allowance are reserved from one budget <em>as they arrive</em> (never
 * before, so a client that announces a large body and sends nothing, or sends slowly, holds only
 * what it sent): when the budget is spent a request waits briefly, then gets 503 + Retry-After.
 * And every body must have arrived within a deadline after the handler asks for it, else 408 (the
 * connection is closed: an idle sender holds neither memory nor a thread for long).
 *
 * <p>The filter gives each API request its {@link Allowance}; {@link JsonBody} draws on it.
 */
public final class BodyBudget implements Filter {
    /** Bodies up to this size need no reservation: they cannot add up to much. */
    static final int SMALL_BYTES = 64 * 1024;
    /** Reservations are taken in steps of this size. */
    static final int STEP = 64 * 1024;
    private static final int UNIT = 1024;
    /** Interrupts a read that passed its deadline; one thread for the whole server. */
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "body-deadline");
        t.setDaemon(true);
        return t;
    });

    private final Semaphore kibibytes;
    private final long waitMillis;
    private final Duration readTimeout;

    /**
     * @param budgetBytes bytes that all bodies beyond their free allowance may hold at once
     * @param wait        how long a body waits for budget before 503
     * @param readTimeout how long a body may take to arrive before 408
     */
    public BodyBudget(long budgetBytes, Duration wait, Duration readTimeout) {
        if (budgetBytes < JsonBody.MAX_BYTES) {
            throw new IllegalArgumentException("the budget must hold at least one body of the maximum size");
        }
        this.kibibytes = new Semaphore((int) (budgetBytes / UNIT), true);
        this.waitMillis = wait.toMillis();
        this.readTimeout = readTimeout;
    }

    /** A sixteenth of the heap: with the production heap (80 MB) two maximum-size bodies at once. */
    public static BodyBudget forHeap(long maxHeapBytes, Duration readTimeout) {
        return new BodyBudget(Math.max(maxHeapBytes / 16, JsonBody.MAX_BYTES), Duration.ofSeconds(2), readTimeout);
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (!req.path().path().startsWith("/api/") || !req.content().hasEntity()) {
            chain.proceed();
            return;
        }
        Allowance allowance = new Allowance();
        req.context().register(allowance);
        try {
            chain.proceed();
        } finally {
            // The parsed body lives until the handler is done: the reservation ends with the request.
            allowance.release();
        }
    }

    /** Bytes available without a reservation right now (tests). */
    long available() {
        return (long) kibibytes.availablePermits() * UNIT;
    }

    /** One request's share: what it has reserved, and its deadline. */
    final class Allowance {
        private int heldKib;

        /** Makes sure {@code bytes} in total may be held, reserving more beyond the free allowance; 503 when it cannot. */
        void cover(long bytes) {
            long needed = bytes - SMALL_BYTES;
            if (needed <= (long) heldKib * UNIT) {
                return;
            }
            // Round up to a whole step: fewer, larger reservations.
            long target = (needed + STEP - 1) / STEP * STEP;
            int more = (int) (target / UNIT - heldKib);
            boolean admitted;
            try {
                admitted = kibibytes.tryAcquire(more, waitMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                admitted = false;
            }
            if (!admitted) {
                throw Failure.busy("request", "large request bodies are being processed; retry shortly");
            }
            heldKib += more;
        }

        /** The deadline for this body, starting now. */
        Deadline deadline() {
            return new Deadline(Thread.currentThread(), readTimeout);
        }

        private void release() {
            if (heldKib > 0) {
                kibibytes.release(heldKib);
                heldKib = 0;
            }
        }
    }

    /**
     * A read that must finish in time: past it, the reading thread is interrupted, which closes a
     * socket blocked in a read (virtual threads). The lock makes "finished" and "interrupted"
     * exclusive, so an interrupt can never land after the read has finished.
     */
    static final class Deadline implements AutoCloseable {
        private final Thread reader;
        private final Object lock = new Object();
        private final java.util.concurrent.ScheduledFuture<?> alarm;
        private boolean finished;
        private boolean expired;

        private Deadline(Thread reader, Duration timeout) {
            this.reader = reader;
            this.alarm = WATCHDOG.schedule(this::expire, timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        private void expire() {
            synchronized (lock) {
                if (!finished) {
                    expired = true;
                    reader.interrupt();
                }
            }
        }

        /** True when the deadline passed (and the read was interrupted). */
        boolean expired() {
            synchronized (lock) {
                return expired;
            }
        }

        @Override
        public void close() {
            alarm.cancel(false);
            synchronized (lock) {
                finished = true;
                if (expired) {
                    // The interrupt was for the read, which is over: the handler carries on uninterrupted.
                    Thread.interrupted();
                }
            }
        }
    }
}
