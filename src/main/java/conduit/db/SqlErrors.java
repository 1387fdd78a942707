package conduit.db;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The one place that says what a database error means, on MySQL/Aurora (Connector/J), MariaDB and
 * H2. Like HikariCP's {@code ProxyConnection.checkException}, it walks a bounded depth of the cause
 * chain (DbClient and the pool wrap the driver's exception) and matches the SQLSTATE first, then
 * the vendor code. Each set below says why its members belong there.
 */
public final class SqlErrors {
    /** DbClient wraps once or twice, the pool once; ten levels is far beyond any real chain (HikariCP uses 10 too). */
    private static final int MAX_DEPTH = 10;

    /** What went wrong, as far as the app's reaction is concerned. */
    public enum Kind {
        /** The connection was refused, lost or closed: the tier may be down; retryable elsewhere or later (503). */
        CONNECTION,
        /**
         * The statement reached a server that no longer accepts writes: after an Aurora failover the
         * old writer restarts as a reader, and pooled connections (or a cached DNS answer) still
         * point at it. Treated like a lost connection: the pool must drop it and the client retry.
         */
        READ_ONLY,
        /** The database rolled the transaction back to break a deadlock: nothing of it happened; safe to run again. */
        DEADLOCK,
        /** A lock wait timed out: the statement (MySQL) or the transaction was rolled back; retryable. */
        LOCK_WAIT_TIMEOUT,
        /** The statement ran past its time bound and was cancelled: the database is slow or hung (503). */
        QUERY_TIMEOUT,
        /** A unique key refused the row: a conflict the caller can name (409). */
        DUPLICATE_KEY
    }

    /** SQLSTATE class 08 (connection exception) in the SQL standard: every driver uses it. */
    private static final String CONNECTION_STATE_CLASS = "08";
    /** SQLSTATEs of a statement timeout: HYT00/HYT01 (ODBC-style, H2 lock timeouts too), 70100 cancelled (Connector/J), 57014 cancelled (H2). */
    private static final Set<String> TIMEOUT_STATES = Set.of("HYT00", "HYT01", "70100", "57014");
    /** 40001 serialization failure / deadlock victim (MySQL, MariaDB, H2). */
    private static final String DEADLOCK_STATE = "40001";
    /** 23505 unique violation (H2, the SQL standard); MySQL reports 23000 with vendor code 1062 instead. */
    private static final String UNIQUE_STATE = "23505";

    /**
     * MySQL/MariaDB vendor codes of a lost or refused connection, for drivers that report them
     * without SQLSTATE 08: 1040 too many connections, 1042 cannot resolve host, 1043 bad
     * handshake, 1047 unknown command, 1053 server shutdown in progress, 1077 normal shutdown,
     * 1152/1153/1154/1155/1156/1157/1158/1159/1160/1161 network read/write errors and timeouts,
     * 1927 connection killed, 2002/2003 cannot connect, 2006 server has gone away, 2013 lost
     * connection during query, 4031 disconnected by the server.
     */
    private static final Set<Integer> CONNECTION_CODES = Set.of(1040, 1042, 1043, 1047, 1053, 1077, 1152, 1153, 1154,
            1155, 1156, 1157, 1158, 1159, 1160, 1161, 1927, 2002, 2003, 2006, 2013, 4031);
    /**
     * 1290 "running with the --read-only option" (MySQL, MariaDB, and Aurora's old writer after a
     * failover), 1792 read-only transaction, 1836 read-only mode (MySQL 5.7+ super_read_only).
     */
    private static final Set<Integer> READ_ONLY_CODES = Set.of(1290, 1792, 1836);
    /** 1927 connection killed (MariaDB: KILL CONNECTION, a shutdown), which comes with SQLSTATE 70100 and must not read as a timeout. */
    private static final int CONNECTION_KILLED_CODE = 1927;
    /** 1213 deadlock found when trying to get lock. */
    private static final int DEADLOCK_CODE = 1213;
    /** 1205 lock wait timeout exceeded (MySQL, MariaDB); 50200 lock timeout (H2). */
    private static final Set<Integer> LOCK_WAIT_CODES = Set.of(1205, 50200);
    /**
     * 3024 max_execution_time exceeded (MySQL), 1969 max_statement_time exceeded (MariaDB), 1317
     * query execution interrupted (the KILL QUERY that Connector/J sends for setQueryTimeout).
     */
    private static final Set<Integer> TIMEOUT_CODES = Set.of(3024, 1969, 1317);
    /** 1062 duplicate entry for key (MySQL, MariaDB). */
    private static final int DUPLICATE_CODE = 1062;
    /** 1452 cannot add or update a child row: a foreign key constraint fails (MySQL, MariaDB). */
    private static final int MISSING_REFERENCE_CODE = 1452;
    /** 23506 referential integrity violated, parent missing (H2). */
    private static final String MISSING_REFERENCE_STATE = "23506";

    private SqlErrors() {
    }

    /** What the failure means, when it is a database error this app reacts to; empty otherwise. */
    public static Optional<Kind> classify(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < MAX_DEPTH; depth++, t = t.getCause()) {
            Kind kind = kindOf(t);
            if (kind != null) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }

    public static boolean is(Throwable failure, Kind kind) {
        return classify(failure).filter(kind::equals).isPresent();
    }

    /** True for the failures where the database (not the request) is at fault and a later retry may work: 503. */
    public static boolean unavailable(Throwable failure) {
        return classify(failure).filter(k -> k != Kind.DUPLICATE_KEY).isPresent();
    }

    /**
     * True when the failure says the database tier itself is in trouble (unreachable, read-only
     * after a failover, too slow): what a circuit breaker counts. Contention (deadlocks, lock
     * waits) and conflicts are the requests' business, not the tier's.
     */
    public static boolean tierDown(Throwable failure) {
        return classify(failure).filter(k -> k == Kind.CONNECTION || k == Kind.READ_ONLY || k == Kind.QUERY_TIMEOUT).isPresent();
    }

    /**
     * True when a connection the request already had was lost (closed, reset, killed): its server
     * went away under it (a failover, a restart, a cut) or had dropped it before it was handed
     * out. Not when the pool could not hand one out in time (HikariCP's timeout, an
     * SQLTransientConnectionException, whatever its cause): that is the tier being down or busy,
     * where trying again only doubles the wait.
     */
    public static boolean connectionLost(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < MAX_DEPTH; depth++, t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException) {
                return false;
            }
        }
        return is(failure, Kind.CONNECTION);
    }

    /** The lower-case message of the unique-key violation, which names the key, when the failure is one. */
    public static Optional<String> duplicateKey(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < MAX_DEPTH; depth++, t = t.getCause()) {
            if (kindOf(t) == Kind.DUPLICATE_KEY) {
                return Optional.of(String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT));
            }
        }
        return Optional.empty();
    }

    /**
     * Whether a foreign key refused the row because the row it names does not exist (MySQL and
     * MariaDB vendor code 1452; SQLSTATE 23506 in H2). Not a {@link Kind}: it is a bug or a stale
     * id that only the caller can tell apart, never a reason to call a tier unavailable.
     */
    public static boolean missingReference(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < MAX_DEPTH; depth++, t = t.getCause()) {
            if (t instanceof SQLException sql && (sql.getErrorCode() == MISSING_REFERENCE_CODE
                    || MISSING_REFERENCE_STATE.equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    private static Kind kindOf(Throwable t) {
        if (t instanceof SQLTimeoutException) {
            return Kind.QUERY_TIMEOUT;
        }
        if (t instanceof SQLException sql) {
            if (sql.getErrorCode() == CONNECTION_KILLED_CODE) {
                return Kind.CONNECTION; // MariaDB sends it with the SQLSTATE of a cancelled statement (70100)
            }
            Kind kind = bySqlState(sql.getSQLState());
            if (kind == null) {
                kind = byVendorCode(sql.getErrorCode());
            }
            if (kind != null) {
                return kind;
            }
        }
        // Connector/J's CommunicationsException is an SQLRecoverableException; a refused pool
        // (HikariCP's timeout) is an SQLTransientConnectionException.
        if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
                || t instanceof SQLRecoverableException) {
            return Kind.CONNECTION;
        }
        return null;
    }

    private static Kind bySqlState(String state) {
        if (state == null) {
            return null;
        }
        if (state.startsWith(CONNECTION_STATE_CLASS)) {
            return Kind.CONNECTION;
        }
        if (TIMEOUT_STATES.contains(state)) {
            return Kind.QUERY_TIMEOUT;
        }
        if (DEADLOCK_STATE.equals(state)) {
            return Kind.DEADLOCK;
        }
        if (UNIQUE_STATE.equals(state)) {
            return Kind.DUPLICATE_KEY;
        }
        return null;
    }

    private static Kind byVendorCode(int code) {
        if (CONNECTION_CODES.contains(code)) {
            return Kind.CONNECTION;
        }
        if (READ_ONLY_CODES.contains(code)) {
            return Kind.READ_ONLY;
        }
        if (code == DEADLOCK_CODE) {
            return Kind.DEADLOCK;
        }
        if (LOCK_WAIT_CODES.contains(code)) {
            return Kind.LOCK_WAIT_TIMEOUT;
        }
        if (TIMEOUT_CODES.contains(code)) {
            return Kind.QUERY_TIMEOUT;
        }
        if (code == DUPLICATE_CODE) {
            return Kind.DUPLICATE_KEY;
        }
        return null;
    }
}
