package conduit.backup;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;

import conduit.Api;
import conduit.App;
import conduit.Settings;

/** Test data made through the public API, and helpers to run and tamper with what verify reads. */
final class Fixture {
    private Fixture() {
    }

    /** What {@link #populate} made: the counts verify must report. */
    record Data(int users, int articles, int tags, int articleTags, int favorites, int comments, int follows) {
    }

    /** A data directory and what is in it. */
    record Made(Path dir, Data data) {
    }

    /** Two users following each other, two articles with tags, favourites and comments. */
    static Data populate(URI base) {
        Api api = new Api(base);
        String alice = Api.unique("alice");
        String bob = Api.unique("bob");
        String a = api.register(alice);
        String b = api.register(bob);
        expect(api.post("/api/profiles/" + bob + "/follow", a, null), 200);
        expect(api.post("/api/profiles/" + alice + "/follow", b, null), 200);
        String first = api.article(a, "First " + alice, "backup", "drill");
        String second = api.article(b, "Second " + bob, "backup");
        expect(api.post("/api/articles/" + first + "/favorite", b, null), 200);
        expect(api.post("/api/articles/" + second + "/favorite", a, null), 200);
        expect(api.post("/api/articles/" + first + "/comments", b, "{\"comment\":{\"body\":\"kept\"}}"), 201);
        return new Data(2, 2, 2, 3, 2, 1, 2);
    }

    private static void expect(Api.Response r, int status) {
        if (r.status() != status) {
            throw new AssertionError("expected " + status + ", got " + r.status() + " " + r.text());
        }
    }

    /** An embedded data directory holding {@link #populate}'s data, the app stopped. */
    static Made embeddedDatabase() {
        Path dir = tempDir();
        try (App.Running app = App.start(Settings.embedded(dir))) {
            return new Made(dir, populate(URI.create("http://127.0.0.1:" + app.port())));
        }
    }

    /** verify's exit status and output, as {@code java -jar conduit.jar verify ARGS} would give them. */
    record Run(int status, String out, String err) {
    }

    static Run verify(Settings settings, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = VerifyCommand.run(settings, List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /**
     * SQL (H2 and MySQL) that changes one character of a user's stored email ciphertext: the one
     * ten from the end, all six of whose bits are ciphertext (the last base64url character may
     * carry only padding bits, which the decoder ignores, so changing it may change nothing).
     */
    static String alterCiphertext(long userId) {
        return "UPDATE users SET email = CONCAT(LEFT(email, LENGTH(email) - 10), "
                + "CASE WHEN SUBSTRING(email, LENGTH(email) - 9, 1) = 'A' THEN 'B' ELSE 'A' END, RIGHT(email, 9)) "
                + "WHERE id = " + userId;
    }

    /** Runs SQL on an embedded database with the app's own URL (writable: this is the tampering). */
    static void sql(Path dataDir, String... statements) {
        String url = Settings.embedded(dataDir).db().writerUrl();
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A copy of a data directory (database file and local key), so each test can damage its own. */
    static Path copy(Path dataDir) {
        Path target = tempDir();
        try (Stream<Path> files = Files.walk(dataDir)) {
            for (Path p : files.toList()) {
                Path to = target.resolve(dataDir.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    static Path tempDir() {
        return conduit.TempDirs.make("conduit-verify");
    }
}
