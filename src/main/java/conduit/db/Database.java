package conduit.db;

import java.util.function.Function;
import java.util.function.Supplier;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbTransaction;

/**
 * The application's view of the data tier. Writes and transactions go to the writer. Reads go to
 * the reader, except when the request's session wrote recently (read-your-writes), or the reader
 * is failing or lagging past its bound: then they go to the writer, and a metric says why.
 */
public final class Database {
    private static final long CLOCK_MARGIN_MILLIS = 100;
    private final DbClient writer;
    private final DbClient reader;
    private final ReplicaMonitor replica;
    private final DbMetrics metrics;

    /** One database for reads and writes (embedded mode). */
    public Database(DbClient single) {
        this(single, single, null);
    }

    /** A writer and a reader, with the monitor that decides when the reader may be used. */
    public Database(DbClient writer, DbClient reader, ReplicaMonitor replica) {
        this.writer = writer;
        this.reader = reader;
        this.replica = replica;
        this.metrics = DbMetrics.global();
    }

    public DbExecute write() {
        return writer.execute();
    }

    /**
     * Runs a read on the pool it belongs on. The query must finish its work inside the function
     * (collect its rows), so that a reader failure surfaces here and can be retried on the writer.
     */
    public <T> T read(Function<DbExecute, T> query) {
        if (replica != null && reader != writer && useReader()) {
            try {
                T result = query.apply(reader.execute());
                metrics.read(true);
                return result;
            } catch (RuntimeException e) {
                if (!SqlErrors.is(e, SqlErrors.Kind.CONNECTION)) {
                    throw e;
                }
                replica.readerFailed();
                metrics.fallback("error");
            }
        }
        T result = query.apply(writer.execute());
        metrics.read(false);
        return result;
    }

    private boolean useReader() {
        if (ReadConsistency.readFromWriter()) {
            metrics.readYourWrites();
            return false;
        }
        String avoid = replica.avoidReason();
        if (avoid != null) {
            metrics.fallback(avoid);
            return false;
        }
        return true;
    }

    /**
     * Runs a loader so that its reads see every write committed before {@code since}: on the
     * reader if it has caught up that far, else on the writer. For cache fills, which must not
     * store what a lagging replica still shows.
     */
    public <T> T readFreshSince(long since, Supplier<T> loader) {
        // Clocks of different instances agree only roughly (NTP): keep a margin.
        if (replica == null || replica.caughtUpTo() > since + CLOCK_MARGIN_MILLIS) {
            return loader.get();
        }
        return ReadConsistency.fromWriterDuring(loader);
    }

    /**
     * Runs the work in one writer transaction: committed when it returns, rolled back when it
     * throws. A transaction the database chose as a deadlock victim is run again (at most 3 times
     * in all): it was rolled back whole, so nothing of it happened.
     */
    public <T> T inTransaction(Function<DbTransaction, T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return once(work);
            } catch (RuntimeException e) {
                if (attempt >= 3 || !SqlErrors.is(e, SqlErrors.Kind.DEADLOCK)) {
                    throw e;
                }
            }
        }
    }

    private <T> T once(Function<DbTransaction, T> work) {
        DbTransaction tx = writer.transaction();
        T result;
        try {
            result = work.apply(tx);
        } catch (RuntimeException | Error e) {
            try {
                tx.rollback();
            } catch (RuntimeException rollbackFailure) {
                // The connection is gone (the usual reason a rollback fails): the first failure
                // says what happened, and lets the caller see a lost connection as such.
                e.addSuppressed(rollbackFailure);
            }
            throw e;
        }
        tx.commit();
        return result;
    }
}
