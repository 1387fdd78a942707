package conduit.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.helidon.dbclient.DbRow;
import io.helidon.dbclient.DbStatementDml;

/**
 * Column reads that behave the same on H2 and MySQL (which differ in the Java types they return
 * for BIGINT, COUNT(*) and EXISTS).
 */
public final class Rows {
    private static final JsonFactory JSON = new JsonFactory();

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

    /**
     * Text that a driver may hand over as a string or as UTF-8 bytes (H2 returns its JSON values
     * as bytes, MySQL and MariaDB as strings); null for SQL NULL.
     */
    public static String text(DbRow row, String column) {
        Object value = value(row, column);
        if (value instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        return value == null ? null : value.toString();
    }

    /**
     * A JSON array of strings that the statement built (JSON_ARRAYAGG), in its order; empty for
     * SQL NULL, which an aggregate of no rows gives. Anything else there is a fault of ours.
     */
    public static List<String> stringArray(DbRow row, String column) {
        String json = text(row, column);
        if (json == null) {
            return List.of();
        }
        try (JsonParser parser = JSON.createParser(json)) {
            List<String> out = new ArrayList<>();
            JsonToken token = parser.nextToken();
            if (token == JsonToken.START_ARRAY) {
                while ((token = parser.nextToken()) == JsonToken.VALUE_STRING) {
                    out.add(parser.getText());
                }
            }
            if (token != JsonToken.END_ARRAY || parser.nextToken() != null) {
                throw new IllegalStateException("column " + column + " is not a JSON array of strings");
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static boolean bool(DbRow row, String column) {
        Object value = value(row, column);
        if (value instanceof Boolean b) {
            return b;
        }
        return value != null && ((Number) value).longValue() != 0;
    }
}
