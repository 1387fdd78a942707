package conduit.ops;

import java.util.logging.LogManager;

/**
 * The JDK resets logging in a shutdown hook of its own, which would silence every log line of
 * the graceful drain that follows SIGTERM. This manager ignores that reset; handlers flush each
 * line, so nothing is lost.
 */
public final class KeepLogsLogManager extends LogManager {

    @Override
    public void reset() {
        if (!shuttingDown()) {
            super.reset();
        }
    }

    private static boolean shuttingDown() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true; // hooks can no longer be added: the JVM is shutting down
        }
    }
}
