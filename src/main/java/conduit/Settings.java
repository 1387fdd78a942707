package conduit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import conduit.db.DbSettings;
import conduit.session.SessionPolicy;

/**
 * Everything the app reads from its environment (12-factor). With nothing set, every tier has an
 * embedded default, so {@code java -jar target/conduit.jar} runs alone.
 *
 * @param host     interface to listen on ({@code HOST}, default all)
 * @param port     {@code PORT} or {@code SERVER_PORT}, default 8080; 0 picks a free port
 * @param dataDir  {@code CONDUIT_DATA_DIR}, default {@code ./data}: the embedded database and files
 * @param db       the data tier: embedded H2, or {@code DB_WRITER_URL} / {@code DB_READER_URL}
 * @param sessions session lifetimes ({@code SESSION_IDLE_MINUTES}, {@code SESSION_MAX_HOURS})
 */
public record Settings(String host, int port, Path dataDir, DbSettings db, SessionPolicy sessions) {

    public static Settings fromEnvironment(Map<String, String> env) {
        String port = first(env, "PORT", "SERVER_PORT", "8080");
        Path dataDir = Path.of(env.getOrDefault("CONDUIT_DATA_DIR", "data"));
        DbSettings db = env.containsKey("DB_WRITER_URL")
                ? new DbSettings(env.get("DB_WRITER_URL"), env.get("DB_READER_URL"),
                        required(env, "DB_USERNAME"), env.getOrDefault("DB_PASSWORD", ""),
                        integer(env, "DB_WRITER_POOL_SIZE", 10), integer(env, "DB_READER_POOL_SIZE", 10),
                        Duration.ofMillis(integer(env, "DB_CONNECT_TIMEOUT_MS", 3000)),
                        Duration.ofMillis(integer(env, "DB_READ_YOUR_WRITES_MS", 5000)),
                        Duration.ofMillis(integer(env, "DB_MAX_REPLICA_LAG_MS", 2000)),
                        Duration.ofMillis(integer(env, "DB_REPLICA_CHECK_MS", 500)),
                        Duration.ofMillis(integer(env, "DB_READER_BACKOFF_MS", 5000)))
                : DbSettings.embedded(dataDir);
        SessionPolicy sessions = new SessionPolicy(
                Duration.ofMinutes(integer(env, "SESSION_IDLE_MINUTES", (int) SessionPolicy.DEFAULT.idle().toMinutes())),
                Duration.ofHours(integer(env, "SESSION_MAX_HOURS", (int) SessionPolicy.DEFAULT.absolute().toHours())));
        return new Settings(env.getOrDefault("HOST", "0.0.0.0"), Integer.parseInt(port), dataDir, db, sessions);
    }

    /** Embedded defaults on a free port, with data under the given directory: for tests. */
    public static Settings embedded(Path dataDir) {
        return new Settings("127.0.0.1", 0, dataDir, DbSettings.embedded(dataDir), SessionPolicy.DEFAULT);
    }

    /** A one-word description of the wiring, for the start-up line. */
    public String mode() {
        return db.embedded() ? "embedded (H2 file, in-process sessions)" : "mysql (writer + reader)";
    }

    private static String first(Map<String, String> env, String a, String b, String fallback) {
        return env.getOrDefault(a, env.getOrDefault(b, fallback));
    }

    private static String required(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must be set when DB_WRITER_URL is");
        }
        return value;
    }

    private static int integer(Map<String, String> env, String name, int fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, got '" + value + "'", e);
        }
    }
}
