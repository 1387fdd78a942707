package conduit.backup;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * One pass over every table in primary-key order: its row count and content checksum, and each
 * row handed to the checks that look at that table's rows (the emails of {@code users}), so a
 * table is read once however many checks need it.
 */
final class TableScan {
    static final String NAME = "tables";
    /** Per-instance liveness rows (each app instance writes its own): not data, differ between copies. */
    static final Set<String> SKIPPED = Set.of("replica_heartbeat");

    private TableScan() {
    }

    static void run(Connection c, boolean mysql, Schema schema, Map<String, RowStream.Handler> visitors, Report report)
            throws SQLException {
        long started = System.nanoTime();
        long rows = 0;
        int tables = 0;
        for (Map.Entry<String, List<String>> table : schema.primaryKeys().entrySet()) {
            if (SKIPPED.contains(table.getKey())) {
                continue;
            }
            rows += scan(c, mysql, table.getKey(), table.getValue(), visitors.get(table.getKey()), report);
            tables++;
        }
        // Includes the time the row visitors took (the email check reports its own share).
        report.check(NAME, tables + " tables, " + rows + " rows (" + String.join(", ", SKIPPED) + " skipped: not data)",
                System.nanoTime() - started);
    }

    private static long scan(Connection c, boolean mysql, String table, List<String> key, RowStream.Handler visitor,
                             Report report) throws SQLException {
        // Without a primary key, every column orders the rows: still the same order in any copy.
        String order = key.isEmpty() ? allColumns(c, table) : String.join(", ", key);
        long[] count = {0};
        RowDigest[] digest = {null};
        int[][] columnOrder = {null};
        RowStream.stream(c, mysql, "SELECT * FROM " + table + " ORDER BY " + order, rs -> {
            if (digest[0] == null) {
                columnOrder[0] = columnsByName(rs.getMetaData());
                digest[0] = new RowDigest(names(rs.getMetaData(), columnOrder[0]));
            }
            for (int column : columnOrder[0]) {
                digest[0].value(rs.getObject(column));
            }
            digest[0].endRow();
            count[0]++;
            if (visitor != null) {
                visitor.row(rs);
            }
        });
        report.table(table, count[0], digest[0] == null ? new RowDigest(List.of()).hex() : digest[0].hex());
        return count[0];
    }

    /** 1-based column positions sorted by column name. */
    private static int[] columnsByName(ResultSetMetaData meta) throws SQLException {
        List<String> labels = new ArrayList<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            labels.add(meta.getColumnLabel(i).toLowerCase(Locale.ROOT));
        }
        return IntStream.rangeClosed(1, labels.size()).boxed()
                .sorted(Comparator.comparing(i -> labels.get(i - 1)))
                .mapToInt(Integer::intValue).toArray();
    }

    private static List<String> names(ResultSetMetaData meta, int[] order) throws SQLException {
        List<String> names = new ArrayList<>();
        for (int column : order) {
            names.add(meta.getColumnLabel(column).toLowerCase(Locale.ROOT));
        }
        return names;
    }

    private static String allColumns(Connection c, String table) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (ResultSet rs = c.getMetaData().getColumns(c.getCatalog(), c.getSchema(), table, "%")) {
            while (rs.next()) {
                columns.add(Schema.name(rs.getString("COLUMN_NAME")));
            }
        }
        return String.join(", ", columns);
    }
}
