package conduit.db;

import java.util.Map;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Runs the Flyway migrations in {@code db/migration} against the writer. Flyway takes a database
 * lock (GET_LOCK on MySQL), so instances starting together migrate the schema once.
 *
 * <p>The scripts are shared by H2 and MySQL; the few dialect differences are placeholders.
 */
public final class Migrations {
    private Migrations() {
    }

    public static MigrateResult run(DataSource writer, String dbType) {
        boolean mysql = dbType.equals("mysql");
        Map<String, String> placeholders = Map.of(
                // Byte-wise comparison everywhere, as H2 does: tags and usernames that differ in
                // case or are distinct emoji stay distinct (utf8mb4_unicode_ci folds many emoji).
                "table_options", mysql ? "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin" : "",
                "long_text", mysql ? "MEDIUMTEXT" : "CHARACTER VARYING(16777216)");
        return Flyway.configure(Migrations.class.getClassLoader())
                .dataSource(writer)
                .locations("classpath:db/migration")
                .placeholders(placeholders)
                .failOnMissingLocations(true)
                .load()
                .migrate();
    }
}
