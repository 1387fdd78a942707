package conduit.ops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;

/**
 * JVM and process meters beyond Helidon's base set: CPU use, open files, memory pools, threads,
 * and the resident set size (what the instance's memory limit is about), read from /proc.
 */
public final class ProcessMetrics {
    private static volatile boolean bound;

    private ProcessMetrics() {
    }

    public static synchronized void bindTo(MeterRegistry registry) {
        if (bound) {
            return; // one set per JVM, however many apps a test starts
        }
        bound = true;
        new ProcessorMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        // Not Micrometer's JvmGcMetrics: its GC listener registers meters at any time, and one doing
        // so while the server stops deadlocked with Helidon's registry lock (seen in a thread dump).
        // Helidon's own gc_total / gc_time_seconds_total cover GC.
        Gauge.builder("process.resident.memory", ProcessMetrics::residentBytes).baseUnit("bytes")
                .description("Resident set size of this process").register(registry);
        FunctionCounter.builder("log.lines.dropped", StdoutHandler.class, c -> StdoutHandler.droppedTotal())
                .description("Log lines dropped because standard output did not keep up (StdoutHandler's queue was full)")
                .register(registry);
    }

    /** VmRSS from /proc/self/status, in bytes; NaN where /proc is not there. */
    static double residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
