package conduit.backup;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The tables of the database under verification, their primary keys and the foreign keys it
 * declares, as its own catalogue says (JDBC metadata, the same on H2 and MySQL).
 *
 * @param primaryKeys table to its primary key columns, tables in name order
 * @param foreignKeys every declared foreign key
 */
record Schema(Map<String, List<String>> primaryKeys, List<Relation> foreignKeys) {
    /** Names are pasted into SQL, so only plain identifiers are accepted. */
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]*");

    /** {@code child(columns)} refers to {@code parent(parentColumns)}. */
    record Relation(String constraint, String child, List<String> columns, String parent, List<String> parentColumns) {
        boolean sameAs(Relation other) {
            return child.equals(other.child) && columns.equals(other.columns) && parent.equals(other.parent)
                    && parentColumns.equals(other.parentColumns);
        }

        String describe() {
            return child + "(" + String.join(", ", columns) + ") -> " + parent + "(" + String.join(", ", parentColumns) + ")";
        }
    }

    static Schema read(Connection c) throws SQLException {
        DatabaseMetaData meta = c.getMetaData();
        String catalog = c.getCatalog();
        String schema = c.getSchema();
        Map<String, List<String>> primaryKeys = new TreeMap<>();
        try (ResultSet rs = meta.getTables(catalog, schema, "%", null)) {
            while (rs.next()) {
                String type = rs.getString("TABLE_TYPE");
                if ("TABLE".equalsIgnoreCase(type) || "BASE TABLE".equalsIgnoreCase(type)) {
                    primaryKeys.put(name(rs.getString("TABLE_NAME")), List.of());
                }
            }
        }
        List<Relation> foreignKeys = new ArrayList<>();
        for (String table : List.copyOf(primaryKeys.keySet())) {
            primaryKeys.put(table, primaryKey(meta, catalog, schema, table));
            foreignKeys.addAll(importedKeys(meta, catalog, schema, table));
        }
        return new Schema(primaryKeys, List.copyOf(foreignKeys));
    }

    private static List<String> primaryKey(DatabaseMetaData meta, String catalog, String schema, String table) throws SQLException {
        Map<Short, String> columns = new TreeMap<>();
        try (ResultSet rs = meta.getPrimaryKeys(catalog, schema, table)) {
            while (rs.next()) {
                columns.put(rs.getShort("KEY_SEQ"), name(rs.getString("COLUMN_NAME")));
            }
        }
        return List.copyOf(columns.values());
    }

    private static List<Relation> importedKeys(DatabaseMetaData meta, String catalog, String schema, String table) throws SQLException {
        // constraint -> (position -> [column, parent table, parent column])
        Map<String, Map<Short, String[]>> byConstraint = new TreeMap<>();
        try (ResultSet rs = meta.getImportedKeys(catalog, schema, table)) {
            while (rs.next()) {
                String fk = rs.getString("FK_NAME");
                byConstraint.computeIfAbsent(fk == null ? "unnamed" : fk.toLowerCase(Locale.ROOT), k -> new TreeMap<>())
                        .put(rs.getShort("KEY_SEQ"), new String[] {name(rs.getString("FKCOLUMN_NAME")),
                                name(rs.getString("PKTABLE_NAME")), name(rs.getString("PKCOLUMN_NAME"))});
            }
        }
        List<Relation> relations = new ArrayList<>();
        byConstraint.forEach((constraint, parts) -> {
            List<String> columns = parts.values().stream().map(p -> p[0]).toList();
            List<String> parentColumns = parts.values().stream().map(p -> p[2]).toList();
            String parent = parts.values().iterator().next()[1];
            relations.add(new Relation(constraint, table, columns, parent, parentColumns));
        });
        return relations;
    }

    /** A catalogue name as used in SQL: lower case, and refused unless it is a plain identifier. */
    static String name(String raw) {
        String name = raw.toLowerCase(Locale.ROOT);
        if (!IDENTIFIER.matcher(name).matches()) {
            throw new IllegalStateException("unexpected identifier in the catalogue: '" + raw + "'");
        }
        return name;
    }
}
