package conduit.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import conduit.Settings;
import conduit.Stack;
import io.helidon.dbclient.DbExecute;
import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Metrics;

/**
 * A connection lost under a transaction or a read on the writer, on the stack's real MariaDB: the
 * test kills the connection its own work runs on (KILL CONNECTION as the stack's admin, as a
 * failover or a restart of the writer would), mid-transaction, and checks what the app does
 * with it ({@link Database#inTransaction}).
 */
@EnabledIfEnvironmentVariable(named = "DB_WRITER_URL", matches = ".+", disabledReason = "needs scripts/stack up db")
class LostConnectionTest {
    private final String tag = "lost-" + UUID.randomUUID().toString().substring(0, 8);
    private DataTier tier;
    private Database db;
    /** Opened before the runs, so that a kill takes a round trip, well within {@link Database#RERUN_LOST_WITHIN}. */
    private Connection admin;

    @BeforeEach
    void start() throws SQLException {
        admin = DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + Stack.env("STACK_DB_WRITER_PORT") + "/",
                Stack.env("STACK_DB_ADMIN_USER"), Stack.env("STACK_DB_ADMIN_PASSWORD"));
        DbSettings fromEnv = Settings.fromEnvironment(System.getenv()).db();
        tier = DataTier.start(fromEnv.toBuilder().writerPoolSize(2).transactionPoolSize(2).readerPoolSize(0)
                .poolWait(Duration.ofSeconds(2)).build());
        db = tier.database();
    }

    @AfterEach
    void stop() throws SQLException {
        db.write(exec -> exec.delete("DELETE FROM tags WHERE name LIKE ?", tag + "%"));
        tier.close();
        admin.close();
    }

    /** Kills the connection the statements of {@code exec} run on. */
    private void killOwnConnection(DbExecute exec) {
        long id = exec.get("SELECT CONNECTION_ID() AS id").map(r -> Rows.longValue(r, "id")).orElseThrow();
        try (Statement s = admin.createStatement()) {
            s.execute("KILL CONNECTION " + id);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private long tagsNamed(String name) {
        return db.write(exec -> exec.get("SELECT COUNT(*) AS n FROM tags WHERE name = ?", name)
                .map(r -> Rows.longValue(r, "n")).orElseThrow());
    }

    private static double reruns() {
        return Metrics.globalRegistry().getOrCreate(Counter.builder("db.reruns").tags(Metrics.tags("reason", "connection"))).count();
    }

    @Test
    void aTransactionWhoseConnectionIsLostBeforeCommitRunsAgainAndCommitsOnce() {
        double rerunsBefore = reruns();
        for (int i = 0; i < 6; i++) {
            String name = tag + "-" + i;
            AtomicInteger runs = new AtomicInteger();
            long id = db.inTransaction(tx -> {
                // The row first: the first run's insert must be undone with its lost connection.
                tx.insert("INSERT INTO tags (name) VALUES (?)", name);
                if (runs.incrementAndGet() == 1) {
                    killOwnConnection(tx);
                }
                return tx.get("SELECT id FROM tags WHERE name = ?", name).map(r -> Rows.longValue(r, "id")).orElseThrow();
            });
            assertEquals(2, runs.get(), "run again once, on another connection");
            assertTrue(id > 0);
            assertEquals(1, tagsNamed(name), "committed once: the first run's insert went with its connection");
        }
        assertEquals(6, reruns() - rerunsBefore, 0.0, "db_reruns_total{reason=connection}");
        // Six losses in a row would have opened it (half of the last ten calls failed) if each try counted.
        assertTrue(tier.writerBreaker().closed(), "the writer's breaker counts outcomes, and all six committed");
    }

    @Test
    void aConnectionLostOnEveryRunFailsAsALossAfterThreeRunsAndWritesNothing() {
        String name = tag + "-always";
        AtomicInteger runs = new AtomicInteger();
        RuntimeException failure = assertThrows(RuntimeException.class, () -> db.inTransaction(tx -> {
            runs.incrementAndGet();
            tx.insert("INSERT INTO tags (name) VALUES (?)", name);
            killOwnConnection(tx);
            return tx.get("SELECT id FROM tags WHERE name = ?", name);
        }));
        assertEquals(Database.ATTEMPTS, runs.get());
        assertTrue(SqlErrors.connectionLost(failure), "reported as the lost connection it was: " + failure);
        assertEquals(0, tagsNamed(name));
    }

    @Test
    void aConnectionLostAfterAWaitIsNotRunAgain() {
        String name = tag + "-late";
        AtomicInteger runs = new AtomicInteger();
        long waitMillis = Database.RERUN_LOST_WITHIN.toMillis() + 100;
        RuntimeException failure = assertThrows(RuntimeException.class, () -> db.inTransaction(tx -> {
            runs.incrementAndGet();
            tx.insert("INSERT INTO tags (name) VALUES (?)", name);
            tx.get("SELECT SLEEP(?) AS s", waitMillis / 1000.0); // a slow tier, then the loss
            killOwnConnection(tx);
            return tx.get("SELECT id FROM tags WHERE name = ?", name);
        }));
        assertEquals(1, runs.get(), "a second run would spend the request's time bound");
        assertTrue(SqlErrors.connectionLost(failure), failure.toString());
        assertEquals(0, tagsNamed(name));
    }

    @Test
    void aFailureThatIsNotALostConnectionRunsOnce() {
        String name = tag + "-dup";
        db.write(exec -> exec.insert("INSERT INTO tags (name) VALUES (?)", name));
        AtomicInteger runs = new AtomicInteger();
        RuntimeException failure = assertThrows(RuntimeException.class, () -> db.inTransaction(tx -> {
            runs.incrementAndGet();
            return tx.insert("INSERT INTO tags (name) VALUES (?)", name);
        }));
        assertEquals(1, runs.get());
        assertTrue(SqlErrors.is(failure, SqlErrors.Kind.DUPLICATE_KEY), failure.toString());
    }

    @Test
    void aReadOnTheWriterWhoseConnectionIsLostRunsAgain() {
        AtomicInteger runs = new AtomicInteger();
        // Without a reader pool every read goes to the writer.
        long one = db.read(exec -> {
            if (runs.incrementAndGet() == 1) {
                killOwnConnection(exec);
            }
            return exec.get("SELECT 1 AS one").map(r -> Rows.longValue(r, "one")).orElseThrow();
        });
        assertEquals(1, one);
        assertEquals(2, runs.get());
    }
}
