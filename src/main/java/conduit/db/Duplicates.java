package conduit.db;

import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;

/** Recognises unique-key violations (and which constraint) and deadlocks, on H2 and MySQL. */
public final class Duplicates {
    private Duplicates() {
    }

    /** The lower-case text of the violated unique constraint's error, when the failure is one. */
    public static Optional<String> violation(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && isDuplicate(sql)) {
                return Optional.of(String.valueOf(sql.getMessage()).toLowerCase(Locale.ROOT));
            }
        }
        return Optional.empty();
    }

    /** True when the database rolled the transaction back to break a deadlock (or a lock wait timed out). */
    public static boolean isDeadlock(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && ("40001".equals(sql.getSQLState()) || sql.getErrorCode() == 1213
                    || sql.getErrorCode() == 1205)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isDuplicate(SQLException e) {
        // MySQL: SQLState 23000 with vendor code 1062; H2: SQLState 23505.
        return e.getErrorCode() == 1062 || "23505".equals(e.getSQLState())
                || (e instanceof SQLIntegrityConstraintViolationException && e.getErrorCode() == 1062);
    }
}
