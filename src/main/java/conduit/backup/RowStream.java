package conduit.backup;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Runs a query and hands its rows over one at a time, so memory does not grow with the table.
 * MySQL: Connector/J streams only with a forward-only, read-only statement whose fetch size is
 * {@code Integer.MIN_VALUE} (otherwise it reads the whole result first); one such result may be
 * open per connection, so the checks run one query at a time. H2: the URL asks for lazy execution.
 */
final class RowStream {
    private RowStream() {
    }

    @FunctionalInterface
    interface Handler {
        void row(ResultSet rs) throws SQLException;
    }

    static void stream(Connection c, boolean mysql, String sql, Handler handler) throws SQLException {
        try (Statement s = c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            s.setFetchSize(mysql ? Integer.MIN_VALUE : 1000);
            try (ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) {
                    handler.row(rs);
                }
            }
        }
    }
}
