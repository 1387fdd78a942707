package conduit.web;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import conduit.common.Failure;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Admission control for API request bodies. A body is read into memory whole (up to
 * {@link JsonBody#MAX_BYTES}) and takes several times its size once parsed and sent to the
 * database, so large bodies share a fixed budget of bytes: a request that would overdraw it
 * waits briefly, then gets 503 + Retry-After. With a small fixed heap, a burst of maximum-size
 * posts must queue or be refused, never take the JVM down.
 */
public final class BodyBudget implements Filter {
    /** Bodies up to this size pass without a reservation: they cannot add up to much. */
    static final int SMALL_BYTES = 64 * 1024;
    private static final int UNIT = 1024;

    private final Semaphore kibibytes;
    private final long waitMillis;

    public BodyBudget(long budgetBytes, Duration wait) {
        if (budgetBytes < JsonBody.MAX_BYTES) {
            throw new IllegalArgumentException("the budget must hold at least one body of the maximum size");
        }
        this.kibibytes = new Semaphore((int) (budgetBytes / UNIT), true);
        this.waitMillis = wait.toMillis();
    }

    /** A sixteenth of the heap: with the production heap (96 MB) two or three maximum-size bodies at once. */
    public static BodyBudget forHeap(long maxHeapBytes) {
        return new BodyBudget(Math.max(maxHeapBytes / 16, JsonBody.MAX_BYTES), Duration.ofSeconds(2));
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (!req.path().path().startsWith("/api/") || !req.content().hasEntity()) {
            chain.proceed();
            return;
        }
        // Unknown length (chunked): reserve the most JsonBody will read. Longer declared
        // lengths are refused by JsonBody before any byte is read.
        long size = Math.min(req.headers().contentLength().orElse(JsonBody.MAX_BYTES), JsonBody.MAX_BYTES);
        if (size <= SMALL_BYTES) {
            chain.proceed();
            return;
        }
        int permits = (int) ((size + UNIT - 1) / UNIT);
        boolean admitted;
        try {
            admitted = kibibytes.tryAcquire(permits, waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            admitted = false;
        }
        if (!admitted) {
            throw Failure.busy("request", "large request bodies are being processed; retry shortly");
        }
        try {
            chain.proceed();
        } finally {
            kibibytes.release(permits);
        }
    }
}
