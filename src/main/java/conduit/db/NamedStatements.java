package conduit.db;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbStatementDml;
import io.helidon.dbclient.DbStatementGet;
import io.helidon.dbclient.DbStatementQuery;
import io.helidon.dbclient.DbTransaction;

/**
 * A DbClient execution whose statements are named once per SQL text. Helidon DbClient names every
 * statement created without a name by hashing its SQL: a SHA-256 {@code MessageDigest} looked up
 * from the security providers, then Base64, on every execution. That was 1.9 % of an article
 * create's CPU (four statements; docs/BENCHMARKS.md, "Twelfth pass"). Here a text gets its name
 * the first time it runs and keeps it; a name only labels the statement (the SQL text is always
 * given), so any unique name does.
 *
 * <p>Bounded: texts built at run time (IN lists of different lengths) could be many, so past
 * {@link #MAX_NAMES} texts a new one shares the label {@link #OVERFLOW} instead of getting its own.
 */
class NamedStatements implements DbExecute {
    static final int MAX_NAMES = 1024;
    static final String OVERFLOW = "conduit-unnamed";
    private static final ConcurrentHashMap<String, String> NAMES = new ConcurrentHashMap<>();
    private static final AtomicLong LAST = new AtomicLong();

    private final DbExecute delegate;

    NamedStatements(DbExecute delegate) {
        this.delegate = delegate;
    }

    /** The statement name of this SQL text; {@link #OVERFLOW} once {@link #MAX_NAMES} texts are named. */
    static String nameOf(String sql) {
        String name = NAMES.get(sql);
        if (name != null) {
            return name;
        }
        return NAMES.size() < MAX_NAMES ? NAMES.computeIfAbsent(sql, text -> "conduit-" + LAST.incrementAndGet()) : OVERFLOW;
    }

    @Override
    public DbStatementQuery createQuery(String statement) {
        return delegate.createNamedQuery(nameOf(statement), statement);
    }

    @Override
    public DbStatementGet createGet(String statement) {
        return delegate.createNamedGet(nameOf(statement), statement);
    }

    @Override
    public DbStatementDml createInsert(String statement) {
        return delegate.createNamedInsert(nameOf(statement), statement);
    }

    @Override
    public DbStatementDml createUpdate(String statement) {
        return delegate.createNamedUpdate(nameOf(statement), statement);
    }

    @Override
    public DbStatementDml createDelete(String statement) {
        return delegate.createNamedDelete(nameOf(statement), statement);
    }

    @Override
    public DbStatementDml createDmlStatement(String statement) {
        return delegate.createNamedDmlStatement(nameOf(statement), statement);
    }

    // Everything else as the delegate does it.

    @Override
    public DbStatementQuery createNamedQuery(String name, String statement) {
        return delegate.createNamedQuery(name, statement);
    }

    @Override
    public DbStatementQuery createNamedQuery(String name) {
        return delegate.createNamedQuery(name);
    }

    @Override
    public DbStatementGet createNamedGet(String name, String statement) {
        return delegate.createNamedGet(name, statement);
    }

    @Override
    public DbStatementGet createNamedGet(String name) {
        return delegate.createNamedGet(name);
    }

    @Override
    public DbStatementDml createNamedInsert(String name, String statement) {
        return delegate.createNamedInsert(name, statement);
    }

    @Override
    public DbStatementDml createNamedInsert(String name) {
        return delegate.createNamedInsert(name);
    }

    @Override
    public DbStatementDml createNamedUpdate(String name, String statement) {
        return delegate.createNamedUpdate(name, statement);
    }

    @Override
    public DbStatementDml createNamedUpdate(String name) {
        return delegate.createNamedUpdate(name);
    }

    @Override
    public DbStatementDml createNamedDelete(String name, String statement) {
        return delegate.createNamedDelete(name, statement);
    }

    @Override
    public DbStatementDml createNamedDelete(String name) {
        return delegate.createNamedDelete(name);
    }

    @Override
    public DbStatementDml createNamedDmlStatement(String name, String statement) {
        return delegate.createNamedDmlStatement(name, statement);
    }

    @Override
    public DbStatementDml createNamedDmlStatement(String name) {
        return delegate.createNamedDmlStatement(name);
    }

    @Override
    public <C> C unwrap(Class<C> cls) {
        return delegate.unwrap(cls);
    }

    /** The same for a transaction. */
    static final class Transaction extends NamedStatements implements DbTransaction {
        private final DbTransaction transaction;

        Transaction(DbTransaction transaction) {
            super(transaction);
            this.transaction = transaction;
        }

        @Override
        public void commit() {
            transaction.commit();
        }

        @Override
        public void rollback() {
            transaction.rollback();
        }
    }
}
