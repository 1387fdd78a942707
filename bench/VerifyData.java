import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.Optional;
import java.util.Random;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import conduit.Settings;
import conduit.crypto.EmailProtection;
import conduit.crypto.KeyTier;
import conduit.crypto.PasswordHasher;
import conduit.crypto.WrappedKeyStore;
import conduit.db.Migrations;

/**
 * Generates a Conduit database for scripts/bench-verify: the app's schema (its own migrations),
 * its blind-index key (through KeyTier, as the app makes it), and N users whose emails are sealed
 * and indexed exactly as the app seals them, M articles with tags, favourites, comments and
 * follows, written in batches straight into the database (the API would take hours for this).
 *
 *   java -cp 'target/conduit.jar:target/libs/*' bench/VerifyData.java USERS ARTICLES
 *
 * The database and keys come from the app's settings (DB_WRITER_URL, KMS_KEY_ID, ...). The rows are
 * written with the login in BENCH_DB_USER / BENCH_DB_PASSWORD when set, else the app's, and with
 * BENCH_SKIP_BINLOG=1 without binary logging (an admin login on the local stack: the replica need
 * not copy a throwaway data set). Deterministic (a fixed seed), so runs compare.
 */
public final class VerifyData {
    private static final int BATCH = 1000;
    private static final int TAGS = 50;
    private static final String WORDS = "conduit backup restore verify snapshot aurora replica drill kms envelope "
            + "index favourite comment article follow tag user session cache writer reader binlog recovery";

    public static void main(String[] args) throws Exception {
        int users = Integer.parseInt(args[0]);
        int articles = Integer.parseInt(args[1]);
        Settings settings = Settings.fromEnvironment(System.getenv());
        String url = settings.db().writerUrl();
        HikariConfig config = new HikariConfig();
        boolean mysql = url.startsWith("jdbc:mysql:");
        config.setJdbcUrl(mysql ? url + (url.contains("?") ? "&" : "?") + "rewriteBatchedStatements=true" : url);
        config.setUsername(System.getenv().getOrDefault("BENCH_DB_USER", settings.db().username()));
        config.setPassword(System.getenv().getOrDefault("BENCH_DB_PASSWORD", settings.db().password()));
        config.setMaximumPoolSize(2);
        if (mysql && "1".equals(System.getenv("BENCH_SKIP_BINLOG"))) {
            config.setConnectionInitSql("SET SESSION sql_log_bin = 0");
        }
        long started = System.nanoTime();
        try (HikariDataSource ds = new HikariDataSource(config)) {
            Migrations.run(ds, settings.db().dbType());
            try (Connection c = ds.getConnection()) {
                KeyTier keys = KeyTier.start(settings.aws().kmsKeyId(), settings.aws().kmsEndpoint(), settings.dataDir(),
                        new Store(c));
                c.setAutoCommit(false);
                try {
                    generate(c, keys.emails(), users, articles);
                } finally {
                    keys.close();
                }
            }
        }
        System.out.printf("generated %d users, %d articles (with tags, favourites, comments, follows) in %.1f s%n",
                users, articles, (System.nanoTime() - started) / 1e9);
    }

    private static void generate(Connection c, EmailProtection emails, int users, int articles) throws SQLException {
        Random random = new Random(16);
        long now = System.currentTimeMillis();
        // One real argon2id hash shared by every user: hashing 10,000 would take minutes and prove nothing here.
        String passwordHash = new PasswordHasher(1).hash("bench-verify-password");
        try (PreparedStatement s = c.prepareStatement("INSERT INTO users (id, username, email, email_lookup, password_hash, "
                + "bio, image, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?)")) {
            for (int id = 1; id <= users; id++) {
                String email = "user" + id + "@bench.example";
                s.setLong(1, id);
                s.setString(2, "user" + id);
                s.setString(3, emails.seal(email, id));
                s.setString(4, emails.index(email));
                s.setString(5, passwordHash);
                s.setString(6, id % 3 == 0 ? "Writes about " + word(random) + " and " + word(random) : null);
                s.setLong(7, now - id);
                s.setLong(8, now - id);
                batch(c, s, id);
            }
            flush(c, s);
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO follows (follower_id, followee_id, created_at) VALUES (?, ?, ?)")) {
            int n = 0;
            for (int id = 1; id <= users; id++) {
                for (int k = 1; k <= 5; k++) {
                    long followee = (id - 1 + k * 7L) % users + 1;
                    if (followee != id) {
                        s.setLong(1, id);
                        s.setLong(2, followee);
                        s.setLong(3, now);
                        batch(c, s, ++n);
                    }
                }
            }
            flush(c, s);
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO tags (id, name) VALUES (?, ?)")) {
            for (int t = 1; t <= TAGS; t++) {
                s.setLong(1, t);
                s.setString(2, "tag" + t);
                batch(c, s, t);
            }
            flush(c, s);
        }
        try (PreparedStatement a = c.prepareStatement("INSERT INTO articles (id, slug, title, description, body, author_id, "
                + "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
             PreparedStatement at = c.prepareStatement("INSERT INTO article_tags (article_id, tag_id) VALUES (?, ?)");
             PreparedStatement f = c.prepareStatement("INSERT INTO favorites (user_id, article_id, created_at) VALUES (?, ?, ?)");
             PreparedStatement cm = c.prepareStatement("INSERT INTO comments (id, article_id, author_id, body, created_at, "
                     + "updated_at) VALUES (?, ?, ?, ?, ?, ?)")) {
            long comment = 0;
            for (int id = 1; id <= articles; id++) {
                a.setLong(1, id);
                a.setString(2, "article-" + id);
                a.setString(3, "Article " + id + " on " + word(random));
                a.setString(4, "About " + word(random) + ", " + word(random) + " and " + word(random));
                a.setString(5, body(random));
                a.setLong(6, random.nextInt(users) + 1);
                a.setLong(7, now - id * 1000L);
                a.setLong(8, now - id * 1000L);
                a.addBatch();
                int first = random.nextInt(TAGS) + 1;
                for (int tag : new int[] {first, first % TAGS + 1}) {
                    at.setLong(1, id);
                    at.setLong(2, tag);
                    at.addBatch();
                }
                int fans = random.nextInt(5);
                int fan = random.nextInt(users);
                for (int k = 0; k < fans && k < users; k++) {
                    f.setLong(1, (fan + k) % users + 1);
                    f.setLong(2, id);
                    f.setLong(3, now);
                    f.addBatch();
                }
                for (int k = random.nextInt(3); k > 0; k--) {
                    cm.setLong(1, ++comment);
                    cm.setLong(2, id);
                    cm.setLong(3, random.nextInt(users) + 1);
                    cm.setString(4, "A comment about " + word(random) + " " + word(random));
                    cm.setLong(5, now);
                    cm.setLong(6, now);
                    cm.addBatch();
                }
                if (id % BATCH == 0) {
                    // Parents first: the foreign keys hold at every commit.
                    a.executeBatch();
                    at.executeBatch();
                    f.executeBatch();
                    cm.executeBatch();
                    c.commit();
                }
            }
            a.executeBatch();
            at.executeBatch();
            f.executeBatch();
            cm.executeBatch();
            c.commit();
        }
    }

    private static void batch(Connection c, PreparedStatement s, long n) throws SQLException {
        s.addBatch();
        if (n % BATCH == 0) {
            flush(c, s);
        }
    }

    private static void flush(Connection c, PreparedStatement s) throws SQLException {
        s.executeBatch();
        c.commit();
    }

    private static String word(Random random) {
        String[] words = WORDS.split(" ");
        return words[random.nextInt(words.length)];
    }

    /** 200 to 2,000 characters of markdown-ish text: about what RealWorld articles hold. */
    private static String body(Random random) {
        int length = 200 + random.nextInt(1800);
        StringBuilder b = new StringBuilder(length + 16);
        while (b.length() < length) {
            b.append(b.length() % 300 < 10 ? "\n\n## " : " ").append(word(random));
        }
        return b.toString();
    }

    /** key_material through the generator's connection: the app's KeyMaterialStore, minus the app. */
    private record Store(Connection c) implements WrappedKeyStore {
        @Override
        public Optional<byte[]> find(String name) {
            try (PreparedStatement s = c.prepareStatement("SELECT wrapped FROM key_material WHERE name = ?")) {
                s.setString(1, name);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? Optional.of(Base64.getDecoder().decode(rs.getString(1))) : Optional.empty();
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public boolean insertIfAbsent(String name, byte[] wrapped) {
            try (PreparedStatement s = c.prepareStatement("INSERT IGNORE INTO key_material (name, wrapped) VALUES (?, ?)")) {
                s.setString(1, name);
                s.setString(2, Base64.getEncoder().encodeToString(wrapped));
                return s.executeUpdate() > 0;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
