package conduit.db;

import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;

import conduit.ops.TierBreaker;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbTransaction;

/**
 * The application's view of the data tier. Writes and transactions go to the writer. Reads go to
 * the reader, except when the request's session wrote recently (read-your-writes), or the reader
 * is failing or lagging past its bound: then they go to the writer, and a metric says why.
 *
 * <p>Each pool has a circuit breaker ({@link TierBreaker}): while a tier is down, calls that need
 * it are answered at once. While the writer is down, reads that would have gone to it (for
 * read-your-writes, replica lag or a fresh cache fill) are served by the reader instead:
 * nothing new can be written meanwhile, so the reader lacks at most the writes the replica had
 * not applied when the writer went away (metric {@code db_reads_degraded_total}).
 */
public final class Database {
    private static final long CLOCK_MARGIN_MILLIS = 100;
    /** Runs of a transaction, or of a read on the writer, at most: the first and two more (see {@link #inTransaction}). */
    static final int ATTEMPTS = 3;
    /**
     * A pooled connection that died with its server fails at its first use, within a millisecond.
     * A connection lost after longer is a tier in trouble (a socket timeout, a cut): another run
     * would spend the request's time bound (README, "Time bounds"), so it is not run again.
     */
    static final Duration RERUN_LOST_WITHIN = Duration.ofMillis(250);
    private final DbClient writer;
    private final DbClient transactions;
    private final DbClient reader;
    private final ReplicaMonitor replica;
    private final TierBreaker writerBreaker;
    private final TierBreaker readerBreaker;
    private final DbMetrics metrics;

    /**
     * One database for reads and writes (embedded mode).
     *
     * @param transactions the same database through a pool whose connections stay out of autocommit (see {@link DataTier})
     */
    public Database(DbClient single, DbClient transactions, TierBreaker breaker) {
        this(single, transactions, single, null, breaker, breaker);
    }

    /** A writer (for single statements, and for transactions) and a reader, with the monitor that decides when the reader may be used. */
    public Database(DbClient writer, DbClient transactions, DbClient reader, ReplicaMonitor replica,
                    TierBreaker writerBreaker, TierBreaker readerBreaker) {
        this.writer = writer;
        this.transactions = transactions;
        this.reader = reader;
        this.replica = replica;
        this.writerBreaker = writerBreaker;
        this.readerBreaker = readerBreaker;
        this.metrics = DbMetrics.global();
    }

    /**
     * Runs statements on the writer, outside a transaction. The work must finish with the
     * database inside the function (collect its rows), so its time and failure count against the
     * writer's breaker.
     */
    public <T> T write(Function<DbExecute, T> work) {
        return writerBreaker.call(() -> work.apply(new NamedStatements(writer.execute())));
    }

    /**
     * Runs a read on the pool it belongs on. The query must finish its work inside the function
     * (collect its rows), so that a reader failure surfaces here and can be retried on the writer.
     */
    public <T> T read(Function<DbExecute, T> query) {
        if (replica == null) {
            return onWriter(query);
        }
        Target target = target();
        if (target == Target.WRITER) {
            try {
                return onWriter(query);
            } catch (RuntimeException e) {
                if (!(e instanceof TierBreaker.Unavailable) && !SqlErrors.tierDown(e)) {
                    throw e;
                }
                return degraded(query); // the writer is down: the reader is the best there is
            }
        }
        try {
            T result = readerBreaker.call(() -> query.apply(new NamedStatements(reader.execute())));
            metrics.read(true);
            return result;
        } catch (TierBreaker.Unavailable e) {
            metrics.fallback("down");
        } catch (RuntimeException e) {
            if (!SqlErrors.unavailable(e)) {
                throw e;
            }
            ReadConsistency.readerFailed();
            metrics.fallback("error");
        }
        return onWriter(query);
    }

    private enum Target { READER, WRITER }

    private Target target() {
        // What this request already learned about a tier decides at once: no second timeout.
        if (ReadConsistency.isDegraded()) {
            return Target.READER;
        }
        if (ReadConsistency.readerFailedThisRequest()) {
            metrics.fallback("error");
            return Target.WRITER;
        }
        if (ReadConsistency.readFromWriter()) {
            metrics.readYourWrites();
            return writerBreaker.closed() ? Target.WRITER : degradedTarget();
        }
        String avoid = replica.avoidReason();
        if (avoid == null) {
            return Target.READER;
        }
        if (avoid.equals("lag") && !writerBreaker.closed()) {
            return degradedTarget(); // lagging, but the writer is down: stale beats nothing
        }
        metrics.fallback(avoid);
        return Target.WRITER;
    }

    private Target degradedTarget() {
        ReadConsistency.degraded();
        metrics.degraded();
        return Target.READER;
    }

    private <T> T degraded(Function<DbExecute, T> query) {
        degradedTarget();
        T result = readerBreaker.call(() -> query.apply(new NamedStatements(reader.execute())));
        metrics.read(true);
        return result;
    }

    /**
     * A read on the writer. A read changes nothing, so one whose connection was lost runs again
     * (like a transaction, {@link #inTransaction}); on the reader a failure sends it to the writer instead.
     */
    private <T> T onWriter(Function<DbExecute, T> query) {
        T result = writerBreaker.call(() -> rerunning(() -> {
            try {
                return query.apply(new NamedStatements(writer.execute()));
            } catch (RuntimeException e) {
                throw SqlErrors.connectionLost(e) ? new Rerun(e, SqlErrors.Kind.CONNECTION) : e;
            }
        }));
        metrics.read(false);
        return result;
    }

    /**
     * Runs a loader so that its reads see every write committed before {@code since}: on the
     * reader if it is known to have caught up that far, or once it shows a fence written after
     * this call began ({@link ReplicaMonitor#awaitFence}), else on the writer. For cache fills,
     * which must not store what a lagging replica still shows: the answer says whether the reads
     * were fresh (a fill served by the reader because the writer is down is served, not stored).
     */
    public <T> Fresh<T> readFreshSince(long since, Supplier<T> loader) {
        // Clocks of different instances agree only roughly (NTP): keep a margin.
        if (replica == null || replica.caughtUpTo() > since + CLOCK_MARGIN_MILLIS) {
            return new Fresh<>(loader.get(), true);
        }
        // The write behind the bump committed before the bump, which came before this call (the
        // cache read the generations first): a fence written from here on, once the reader shows
        // it, proves the reader has that write. A request that reads from the writer anyway skips
        // it, and so does every fill while either tier is down: no fill waits out a fence then.
        if (!ReadConsistency.readFromWriter() && replica.fencing() && writerBreaker.closed() && readerBreaker.closed()) {
            long start = System.nanoTime();
            boolean passed = replica.awaitFence();
            metrics.fence(passed, System.nanoTime() - start);
            if (passed) {
                return new Fresh<>(loader.get(), true);
            }
        }
        return ReadConsistency.fromWriterDuring(loader);
    }

    /** A loaded value, and whether every read behind it saw the writes it was asked to see. */
    public record Fresh<T>(T value, boolean fresh) {
    }

    /**
     * Runs the work in one writer transaction: committed when it returns, rolled back when it
     * throws. It is run again (at most {@value #ATTEMPTS} times in all) when nothing of it can
     * have happened: the database chose it as a deadlock victim and rolled it back whole, or its
     * connection was lost before COMMIT was sent, which the server answers by rolling it back.
     * Pooled connections die with their server (a failover, a restart, a network cut) and each
     * fails at its first use: the next try gets another, or a new one. A connection lost during
     * COMMIT is not run again: the transaction may have committed (a client's retry of a create
     * finds it by its idempotency key).
     *
     * <p>The writer's breaker counts the outcome, not each try: a pool of dead connections,
     * replaced one by one while the writer answers, must not open it (it would refuse every
     * write until the next probe).
     */
    public <T> T inTransaction(Function<DbTransaction, T> work) {
        return writerBreaker.call(() -> rerunning(() -> once(work)));
    }

    /**
     * Runs the call again, {@value #ATTEMPTS} times in all at most, while it fails in a way that
     * says nothing of it happened; after a lost connection, only within {@link #RERUN_LOST_WITHIN}
     * of the first run's start.
     */
    private <T> T rerunning(Supplier<T> call) {
        long start = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (Rerun rerun) {
                if (attempt >= ATTEMPTS || rerun.kind == SqlErrors.Kind.CONNECTION && System.nanoTime() - start > RERUN_LOST_WITHIN.toNanos()) {
                    throw rerun.failure;
                }
                metrics.rerun(rerun.kind);
            }
        }
    }

    /** A failure after which the call may run again as if it never ran. */
    private static final class Rerun extends RuntimeException {
        private final RuntimeException failure;
        /** What it was: {@link SqlErrors.Kind#DEADLOCK} or {@link SqlErrors.Kind#CONNECTION} (lost). */
        private final SqlErrors.Kind kind;

        Rerun(RuntimeException failure, SqlErrors.Kind kind) {
            super(null, null, false, false);
            this.failure = failure;
            this.kind = kind;
        }
    }

    private <T> T once(Function<DbTransaction, T> work) {
        DbTransaction tx = new NamedStatements.Transaction(transactions.transaction());
        T result;
        try {
            result = work.apply(tx);
        } catch (RuntimeException e) {
            rollback(tx, e);
            throw rerunnable(e, true);
        } catch (Error e) {
            rollback(tx, e);
            throw e;
        }
        try {
            tx.commit();
        } catch (RuntimeException e) {
            throw rerunnable(e, false);
        }
        return result;
    }

    private static void rollback(DbTransaction tx, Throwable failure) {
        try {
            tx.rollback();
        } catch (RuntimeException rollbackFailure) {
            // The connection is gone (the usual reason a rollback fails): the first failure says
            // what happened, and lets the caller see a lost connection as such.
            failure.addSuppressed(rollbackFailure);
        }
    }

    /**
     * The failure, or a {@link Rerun} of it when nothing of the transaction happened: a deadlock
     * victim, or a connection lost before COMMIT was sent (a loss during COMMIT leaves the outcome
     * unknown).
     */
    private static RuntimeException rerunnable(RuntimeException failure, boolean beforeCommit) {
        if (SqlErrors.is(failure, SqlErrors.Kind.DEADLOCK)) {
            return new Rerun(failure, SqlErrors.Kind.DEADLOCK);
        }
        return beforeCommit && SqlErrors.connectionLost(failure) ? new Rerun(failure, SqlErrors.Kind.CONNECTION) : failure;
    }
}
