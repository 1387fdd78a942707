package conduit.db;

import java.util.function.Function;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbTransaction;

/**
 * The application's view of the data tier: statements that write (and transactions) go to the
 * writer; reads go where {@link #read()} decides.
 */
public final class Database {
    private final DbClient writer;
    private final DbClient reader;

    public Database(DbClient writer, DbClient reader) {
        this.writer = writer;
        this.reader = reader;
    }

    public DbExecute write() {
        return writer.execute();
    }

    public DbExecute read() {
        return reader.execute();
    }

    /** Runs the work in one writer transaction: committed when it returns, rolled back when it throws. */
    public <T> T inTransaction(Function<DbTransaction, T> work) {
        DbTransaction tx = writer.transaction();
        T result;
        try {
            result = work.apply(tx);
        } catch (RuntimeException | Error e) {
            tx.rollback();
            throw e;
        }
        tx.commit();
        return result;
    }
}
