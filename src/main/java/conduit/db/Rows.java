package conduit.db;

import io.helidon.dbclient.DbRow;
import io.helidon.dbclient.DbStatementDml;

/**
 * Column reads that behave the same on H2 and MySQL (which differ in the Java types they return
 * for BIGINT, COUNT(*) and EXISTS).
 */
public final class Rows {
    private Rows() {
    }

    public static long longValue(DbRow row, String column) {
        Object value = value(row, column);
        return ((Number) value).longValue();
    }

    /** The raw value, null for SQL NULL (DbColumn.get() throws on NULL). */
    private static Object value(DbRow row, String column) {
        return row.column(column).asOptional().orElse(null);
    }

    /** Runs the insert and returns the key the database generated for its row. */
    public static long insertedId(DbStatementDml insert) {
        return insert.returnGeneratedKeys()
                .insert()
                .generatedKeys()
                .findFirst()
                .map(Rows::firstLong)
                .orElseThrow();
    }

    /** The first column as a long: generated keys, whose column name differs per driver. */
    private static long firstLong(DbRow row) {
        return ((Number) row.column(1).get()).longValue();
    }

    public static int intValue(DbRow row, String column) {
        return (int) longValue(row, column);
    }

    public static String string(DbRow row, String column) {
        Object value = value(row, column);
        return value == null ? null : value.toString();
    }

    public static boolean bool(DbRow row, String column) {
        Object value = value(row, column);
        if (value instanceof Boolean b) {
            return b;
        }
        return value != null && ((Number) value).longValue() != 0;
    }
}
