package conduit.db;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;

/** Tells a lost or refused database connection apart from an error in the statement itself. */
public final class Connectivity {
    private Connectivity() {
    }

    public static boolean isConnectionFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
                    || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
                return true; // SQLSTATE class 08: connection exception
            }
            // mysql-connector-j's CommunicationsException extends SQLRecoverableException in recent
            // versions; the class name check keeps older drivers covered.
            if (t.getClass().getSimpleName().equals("CommunicationsException")) {
                return true;
            }
        }
        return false;
    }
}
