package conduit.ops;

import java.util.logging.LogRecord;
import java.util.logging.StreamHandler;

/** Log records to standard output (journald and the CloudWatch agent read it), flushed per line. */
public final class StdoutHandler extends StreamHandler {
    public StdoutHandler() {
        super(System.out, new JsonLogFormatter());
    }

    @Override
    public synchronized void publish(LogRecord record) {
        super.publish(record);
        flush();
    }

    @Override
    public synchronized void close() {
        flush(); // never close System.out
    }
}
