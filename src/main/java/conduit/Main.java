package conduit;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.security.Security;

import conduit.ops.KeepLogsLogManager;
import conduit.user.EmailReencryption;
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
        if (args.length > 0) {
            System.exit(command(args, settings));
        }
        App.Running app = App.start(settings);
        if (app.port() < 0) {
            // Helidon logs why (e.g. the port is taken) and returns a server that is not running.
            System.getLogger(Main.class.getName()).log(System.Logger.Level.ERROR, "the server did not start; exiting");
            app.app().close();
            System.exit(1);
        }
        Logger log = System.getLogger(Main.class.getName());
        String scheme = settings.edge().tlsKeystore() == null ? "http" : "https";
        log.log(Level.INFO, "Conduit listening on " + scheme + "://" + settings.host() + ":" + app.port()
                + " in " + settings.mode() + " mode, started in " + (System.nanoTime() - started) / 1_000_000 + " ms");
        Runtime.getRuntime().addShutdownHook(new Thread(app::drainAndStop, "drain"));
    }

    /**
     * One-off operations with the same configuration as the server:
     * {@code reencrypt} re-encrypts every stored email under the current key (rotation) and
     * rewrites its blind index under the current normalisation; {@code backfill} gives every
     * row written by an earlier release what a later one added (username keys, tag link dates;
     * run after an instance refresh, see {@link Backfills});
     * {@code verify} checks a database (a restored backup, say) without changing it.
     */
    private static int command(String[] args, Settings settings) {
        Logger log = System.getLogger(Main.class.getName());
        String name = args[0];
        if (name.equals("verify")) {
            return conduit.backup.VerifyCommand.run(settings, java.util.List.of(args).subList(1, args.length), System.out, System.err);
        }
        if (name.equals("backfill")) {
            try (Infrastructure infra = Infrastructure.start(settings)) {
                return Backfills.of(infra).run() ? 0 : 1;
            }
        }
        if (!name.equals("reencrypt")) {
            log.log(Level.ERROR, "unknown command '" + name + "'; known: reencrypt, backfill, verify");
            return 2;
        }
        try (Infrastructure infra = Infrastructure.start(settings)) {
            EmailReencryption.Result result = new EmailReencryption(infra.data().database(), infra.keys().emails()).run(500);
            log.log(Level.INFO, "reencrypt: " + result.reencrypted() + " rows re-encrypted, " + result.skipped()
                    + " changed meanwhile and left as written, " + result.failed() + " failed their integrity check");
            return result.failed() == 0 ? 0 : 1;
        }
    }
}
