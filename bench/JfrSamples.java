import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/**
 * The execution samples of a JFR recording, for the summaries that read them (JfrSummary,
 * JfrCallers): each {@code jdk.ExecutionSample} that has a stack trace, in file order. The
 * launcher compiles it with the summary that names it (JDK 22+ runs a program of several
 * source files in one directory).
 */
final class JfrSamples {
    private JfrSamples() {
    }

    /** Hands each sample to {@code sample}; answers how many there were. */
    static int forEach(Path recording, Consumer<RecordedEvent> sample) throws IOException {
        int samples = 0;
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent e = file.readEvent();
                if (e.getEventType().getName().equals("jdk.ExecutionSample") && e.getStackTrace() != null) {
                    samples++;
                    sample.accept(e);
                }
            }
        }
        return samples;
    }
}
