package conduit.secrets;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import conduit.Api;
import conduit.App;
import conduit.Settings;
import conduit.Stack;
import conduit.db.DbSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A steady load of reads and writes runs through the app while its database login (a Secrets
 * Manager secret in moto) is rotated on the stack's real MariaDB writer and replica, the two
 * ways AWS's hosted rotation functions do it:
 * <ul>
 * <li>multi-user ({@code MySQLMultiUser}, what the stack uses): the first rotation creates
 * {@code <user>_clone} with the same grants (copied from SHOW GRANTS) and flips the secret to
 * it; the second changes the original user's password and flips the secret back;</li>
 * <li>single-user: the password changes in the database, then the secret.</li>
 * </ul>
 * After each flip the old login's connections are killed (AWS does not do this; it forces new
 * logins under load). The app logs in as {@code conduit_app}-like user with DML only and runs
 * Flyway with a separate DDL login ({@code DB_MIGRATION_SECRET_ARN}), as on AWS.
 *
 * <p>A killed connection fails the statement running on it (or the next one handed out before
 * the pool notices): those are connection losses, not login failures, so each phase allows at
 * most one failed request per connection killed, answered 503, and none once the pool has
 * replaced them.
 */
@EnabledIfEnvironmentVariable(named = "MOTO_ENDPOINT", matches = ".+", disabledReason = "needs scripts/stack up db moto")
@EnabledIfEnvironmentVariable(named = "DB_WRITER_URL", matches = ".+", disabledReason = "needs scripts/stack up db moto")
class DbLoginRotationUnderLoadTest {
    private static final String HOST = "127.0.0.1";
    private final String tag = UUID.randomUUID().toString().substring(0, 6);
    private final String appUser = "app_" + tag;
    private final String migrateUser = "mig_" + tag;
    private final String migratePassword = password();
    private final List<String> users = new ArrayList<>();
    private SecretsManagerClient secrets;

    @BeforeEach
    void start() throws SQLException {
        secrets = SecretsStack.client();
        createUser(migrateUser, migratePassword, "SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, DROP, INDEX, REFERENCES, CREATE VIEW, LOCK TABLES");
    }

    @AfterEach
    void stop() throws SQLException {
        for (String u : users) {
            writer("DROP USER IF EXISTS '" + u + "'@'" + HOST + "'");
        }
        secrets.close();
    }

    private static String password() {
        return UUID.randomUUID().toString();
    }

    private void createUser(String user, String password, String grants) throws SQLException {
        writer("CREATE USER '" + user + "'@'" + HOST + "' IDENTIFIED BY '" + password + "'");
        users.add(user);
        writer("GRANT " + grants + " ON conduit.* TO '" + user + "'@'" + HOST + "'");
    }

    private String secret(String name, String user, String password) {
        return secrets.createSecret(r -> r.name(SecretsStack.uniqueName(name)).secretString(SecretsStack.rdsJson(user, password))).arn();
    }

    private void flip(String arn, String user, String password) {
        secrets.putSecretValue(r -> r.secretId(arn).secretString(SecretsStack.rdsJson(user, password)));
    }

    private App.Running startApp(String appArn, String migrateArn) {
        Settings base = Stack.mysqlSettings(Duration.ofSeconds(5), Duration.ofSeconds(5));
        DbSettings db = base.db();
        // 4 connections to the writer in all, as before transactions had a pool of their own: a kill
        // of every one in a burst of requests stays below the writer breaker's 5 failures in 10.
        return App.start(base.toBuilder()
                .db(db.toBuilder().credentials(null, null).writerPoolSize(2).transactionPoolSize(2).readerPoolSize(4).build())
                .aws(base.aws().toBuilder().dbSecretArn(appArn).dbMigrationSecretArn(migrateArn)
                        .secretsEndpoint(SecretsStack.endpoint()).build())
                .build());
    }

    @Test
    void multiUserRotationUnderLoad() throws Exception {
        String p1 = password();
        createUser(appUser, p1, "SELECT, INSERT, UPDATE, DELETE");
        String arn = secret("conduit/db-app", appUser, p1);
        String migrateArn = secret("conduit/db-migrate", migrateUser, migratePassword);
        try (App.Running app = startApp(arn, migrateArn)) {
            long secretRead = System.nanoTime();
            Api api = Api.of(app);
            String token = api.register(Api.unique("dbrot"));
            String slug = api.article(token, "Multi-user rotation");
            RotationLoad load = new RotationLoad(api, token, slug).workers(4);
            List<String> phases = new ArrayList<>();
            try (load) {
                Thread.sleep(1500);
                // rotation 1 (createSecret, setSecret, finishSecret): a clone with the same grants
                long rotation1 = System.nanoTime();
                String clone = appUser + "_clone";
                String p2 = password();
                writer("CREATE USER '" + clone + "'@'" + HOST + "' IDENTIFIED BY '" + p2 + "'");
                users.add(clone);
                for (String grant : query("SHOW GRANTS FOR '" + appUser + "'@'" + HOST + "'")) {
                    if (!grant.startsWith("GRANT USAGE")) {
                        writer(grant.replace("`" + appUser + "`@", "`" + clone + "`@"));
                    }
                }
                flip(arn, clone, p2);
                phases.add(phase(load, "rotation 1 (to " + clone + ")", rotation1, kill(appUser), 1500));
                List<String> after1 = appLogins();
                // rotation 2, later than the refresh rate limit after the app's last read (on AWS,
                // 30 days): the original user gets a new password and the secret flips back; the
                // app still logs in with what it holds (the original user, old password): refused,
                // it re-reads the secret
                sleepUntil(secretRead + SecretCredentials.MIN_REFRESH_INTERVAL.toNanos() + 500_000_000L);
                long rotation2 = System.nanoTime();
                String p3 = password();
                writer("ALTER USER '" + appUser + "'@'" + HOST + "' IDENTIFIED BY '" + p3 + "'");
                flip(arn, appUser, p3);
                phases.add(phase(load, "rotation 2 (back to " + appUser + ", new password)", rotation2,
                        kill(appUser) + kill(clone), 2500));
                List<String> after2 = appLogins();
                report("multi-user", load, phases, "logins after rotation 1: " + after1 + "; after rotation 2: " + after2);
                assertTrue(after1.stream().allMatch(appUser::equals), "the app keeps the login it holds while it works: " + after1);
                assertTrue(!after2.isEmpty() && after2.stream().allMatch(appUser::equals), "and logs in with the new password: " + after2);
            }
            assertEquals(201, api.post("/api/articles", token, "{\"article\":{\"title\":\"after\",\"description\":\"d\",\"body\":\"b\"}}").status());
        }
    }

    @Test
    void singleUserRotationUnderLoad() throws Exception {
        String p1 = password();
        createUser(appUser, p1, "SELECT, INSERT, UPDATE, DELETE");
        String arn = secret("conduit/db-app", appUser, p1);
        String migrateArn = secret("conduit/db-migrate", migrateUser, migratePassword);
        try (App.Running app = startApp(arn, migrateArn)) {
            long secretRead = System.nanoTime();
            Api api = Api.of(app);
            String token = api.register(Api.unique("dbrot"));
            String slug = api.article(token, "Single-user rotation");
            RotationLoad load = new RotationLoad(api, token, slug).workers(4);
            List<String> phases = new ArrayList<>();
            try (load) {
                sleepUntil(secretRead + SecretCredentials.MIN_REFRESH_INTERVAL.toNanos() + 500_000_000L);
                // setSecret changes the password in the database, finishSecret then promotes it
                long rotation = System.nanoTime();
                String p2 = password();
                writer("ALTER USER '" + appUser + "'@'" + HOST + "' IDENTIFIED BY '" + p2 + "'");
                Thread.sleep(200);
                flip(arn, appUser, p2);
                phases.add(phase(load, "rotation (new password)", rotation, kill(appUser), 2500));
                report("single-user", load, phases, "logins after: " + appLogins());
            }
            assertEquals(201, api.post("/api/articles", token, "{\"article\":{\"title\":\"after\",\"description\":\"d\",\"body\":\"b\"}}").status());
        }
    }

    /**
     * Runs the load for {@code millis} more after a rotation that began at {@code from} and
     * killed {@code killed} connections; checks its failures (at most one per killed connection,
     * all 503, none in the last second) and describes it.
     */
    private static String phase(RotationLoad load, String name, long from, int killed, long millis) throws InterruptedException {
        Thread.sleep(millis);
        List<RotationLoad.Outcome> outcomes = load.since(from);
        long lastSecond = System.nanoTime() - 1_000_000_000L;
        long failed = RotationLoad.failed(outcomes);
        String text = name + ": " + killed + " connections killed, " + RotationLoad.summary(outcomes);
        assertTrue(failed <= killed, "at most one failure per killed connection: " + text);
        assertTrue(outcomes.stream().allMatch(o -> o.ok() || o.status() == 503), "failures are 503s: " + text);
        assertEquals(0, RotationLoad.failed(load.since(lastSecond)), "none once the pool replaced them: " + text);
        assertTrue(outcomes.size() > 20, "the load ran: " + text);
        return text;
    }

    private static void report(String kind, RotationLoad load, List<String> phases, String logins) {
        System.out.printf("%nDB LOGIN ROTATION UNDER LOAD (%s): %s; %s; overall %s%n", kind, String.join("; ", phases),
                logins, RotationLoad.summary(load.all()));
    }

    /** Kills every connection of the user on the writer and the replica; returns how many. */
    private static int kill(String user) throws SQLException {
        int killed = 0;
        for (String port : List.of(Stack.env("STACK_DB_WRITER_PORT"), Stack.env("STACK_DB_READER_PORT"))) {
            try (Connection c = admin(port); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT ID FROM information_schema.PROCESSLIST WHERE USER = '" + user + "'")) {
                List<Long> ids = new ArrayList<>();
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
                for (long id : ids) {
                    try (Statement k = c.createStatement()) {
                        k.execute("KILL CONNECTION " + id);
                        killed++;
                    } catch (SQLException gone) {
                        // closed by itself meanwhile
                    }
                }
            }
        }
        return killed;
    }

    /** The users the app's connections are logged in as now (writer and replica). */
    private List<String> appLogins() throws SQLException {
        List<String> logins = new ArrayList<>();
        for (String port : List.of(Stack.env("STACK_DB_WRITER_PORT"), Stack.env("STACK_DB_READER_PORT"))) {
            try (Connection c = admin(port); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT USER FROM information_schema.PROCESSLIST WHERE USER LIKE '" + appUser + "%'")) {
                while (rs.next()) {
                    logins.add(rs.getString(1));
                }
            }
        }
        return logins;
    }

    private static List<String> query(String sql) throws SQLException {
        try (Connection c = admin(Stack.env("STACK_DB_WRITER_PORT")); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
            return rows;
        }
    }

    private static void writer(String sql) throws SQLException {
        try (Connection c = admin(Stack.env("STACK_DB_WRITER_PORT")); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static Connection admin(String port) throws SQLException {
        return DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + port + "/", Stack.env("STACK_DB_ADMIN_USER"),
                Stack.env("STACK_DB_ADMIN_PASSWORD"));
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(Duration.ofNanos(wait));
        }
    }
}
