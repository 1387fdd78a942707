package conduit.db;

import java.time.Duration;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Timer;

/** Where reads went, why they left the reader, and which calls ran again. */
final class DbMetrics {
    private final Counter readerReads;
    private final Counter writerReads;
    private final Counter fallbackError;
    private final Counter fallbackDown;
    private final Counter fallbackLag;
    private final Counter readYourWrites;
    private final Counter degraded;
    private final Counter fencePassed;
    private final Counter fenceLate;
    private final Timer fenceWait;
    private final Counter rerunDeadlock;
    private final Counter rerunConnection;

    DbMetrics(MeterRegistry registry) {
        readerReads = counter(registry, "db.reads", "pool", "reader");
        writerReads = counter(registry, "db.reads", "pool", "writer");
        fallbackError = counter(registry, "db.reader.fallbacks", "reason", "error");
        fallbackDown = counter(registry, "db.reader.fallbacks", "reason", "down");
        fallbackLag = counter(registry, "db.reader.fallbacks", "reason", "lag");
        readYourWrites = counter(registry, "db.read.your.writes", null, null);
        degraded = counter(registry, "db.reads.degraded", null, null);
        fencePassed = counter(registry, "db.fill.fences", "result", "passed");
        fenceLate = counter(registry, "db.fill.fences", "result", "late");
        rerunDeadlock = counter(registry, "db.reruns", "reason", "deadlock");
        rerunConnection = counter(registry, "db.reruns", "reason", "connection");
        fenceWait = registry.getOrCreate(Timer.builder("db.fill.fence.wait").buckets(Duration.ofMillis(1), Duration.ofMillis(2),
                Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100)));
    }

    static DbMetrics global() {
        return new DbMetrics(Metrics.globalRegistry());
    }

    private static Counter counter(MeterRegistry registry, String name, String tag, String value) {
        Counter.Builder builder = Counter.builder(name);
        if (tag != null) {
            builder.tags(Metrics.tags(tag, value));
        }
        return registry.getOrCreate(builder);
    }

    void read(boolean fromReader) {
        (fromReader ? readerReads : writerReads).increment();
    }

    void fallback(String reason) {
        switch (reason) {
            case "error" -> fallbackError.increment();
            case "down" -> fallbackDown.increment();
            case "lag" -> fallbackLag.increment();
            default -> throw new IllegalArgumentException(reason);
        }
    }

    void readYourWrites() {
        readYourWrites.increment();
    }

    /** A read meant for the writer went to the reader because the writer is down. */
    void degraded() {
        degraded.increment();
    }

    /** A cache fill after a recent write waited for the reader to show a fence: passed (read there) or late (read from the writer). */
    void fence(boolean passed, long nanos) {
        (passed ? fencePassed : fenceLate).increment();
        fenceWait.record(Duration.ofNanos(nanos));
    }

    /** A transaction or a read on the writer failed so that nothing of it happened, and may run again: a deadlock victim, or a lost connection. */
    void rerun(SqlErrors.Kind kind) {
        (kind == SqlErrors.Kind.DEADLOCK ? rerunDeadlock : rerunConnection).increment();
    }
}
