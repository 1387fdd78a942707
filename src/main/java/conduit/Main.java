package conduit;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.security.Security;

import conduit.ops.KeepLogsLogManager;
import io.helidon.logging.common.LogConfig;

/** Entry point: read the environment, start the app, say where it listens. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        // Before anything touches java.util.logging: keep logging through the drain on SIGTERM.
        System.setProperty("java.util.logging.manager", KeepLogsLogManager.class.getName());
        // A security property, not a -D flag: cache DNS answers briefly so that an Aurora or
        // ElastiCache failover (a DNS change) is seen within seconds. Must precede any look-up.
        Security.setProperty("networkaddress.cache.ttl", "10");
        Security.setProperty("networkaddress.cache.negative.ttl", "2");
        LogConfig.configureRuntime();
        if (!(java.util.logging.LogManager.getLogManager() instanceof KeepLogsLogManager)) {
            System.getLogger(Main.class.getName()).log(System.Logger.Level.WARNING,
                    "logging was set up before main: log lines during the SIGTERM drain may be lost");
        }
        long started = System.nanoTime();
        Settings settings = Settings.fromEnvironment(System.getenv());
        App.Running app = App.start(settings);
        Logger log = System.getLogger(Main.class.getName());
        log.log(Level.INFO, "Conduit listening on http://" + settings.host() + ":" + app.port()
                + " in " + settings.mode() + " mode, started in " + (System.nanoTime() - started) / 1_000_000 + " ms");
        Runtime.getRuntime().addShutdownHook(new Thread(app::drainAndStop, "drain"));
    }
}
