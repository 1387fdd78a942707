package conduit.backup;

import javax.sql.DataSource;

import conduit.db.Migrations;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;

/**
 * Flyway's history in the database against the migrations in this jar, without migrating:
 * {@code info()} only reads. A checksum, description or type that differs from the jar's script,
 * a failed migration, or an applied one the jar does not know (below its newest) is a fault. A
 * migration not yet applied (an older backup: the app applies it at start-up) or applied by a
 * newer release is a note.
 *
 * <p>No placeholders are needed: Flyway computes a script's checksum before replacing them (the
 * tests verify databases migrated by {@code conduit.db.Migrations}, with its placeholders).
 */
final class SchemaHistoryCheck {
    static final String NAME = "schema-history";
    private static final String TABLE = "flyway_schema_history";

    private SchemaHistoryCheck() {
    }

    static void run(DataSource target, Report report) {
        long started = System.nanoTime();
        MigrationInfo[] all = Flyway.configure(SchemaHistoryCheck.class.getClassLoader())
                .dataSource(target)
                .locations(Migrations.LOCATION)
                .failOnMissingLocations(true)
                .load()
                .info()
                .all();
        int applied = 0;
        int pending = 0;
        String current = "none";
        for (MigrationInfo m : all) {
            String key = "version=" + (m.getVersion() == null ? m.getDescription() : m.getVersion().getVersion());
            MigrationState state = m.getState();
            if (state == MigrationState.PENDING) {
                pending++;
                report.note("migration " + key + " (" + m.getDescription() + ") is in the jar but not applied; the app applies it at start-up");
                continue;
            }
            if (!state.isApplied()) {
                continue;
            }
            applied++;
            current = m.getVersion() == null ? current : m.getVersion().getVersion();
            if (state.isFailed()) {
                report.fault(NAME, TABLE, key, "migration failed (state " + state.getDisplayName() + ")");
            } else if (state == MigrationState.MISSING_SUCCESS) {
                report.fault(NAME, TABLE, key, "applied, but this jar has no such migration");
            } else if (state == MigrationState.FUTURE_SUCCESS) {
                report.note("migration " + key + " was applied by a newer release than this jar");
            } else if (state.isResolved()) {
                if (!m.isChecksumMatching()) {
                    report.fault(NAME, TABLE, key, "checksum " + m.getAppliedChecksum() + " in the history, "
                            + m.getResolvedChecksum() + " in this jar's script " + m.getScript());
                }
                if (!m.isDescriptionMatching()) {
                    report.fault(NAME, TABLE, key, "description '" + m.getAppliedDescription() + "' in the history, '"
                            + m.getResolvedDescription() + "' in this jar");
                }
                if (!m.isTypeMatching()) {
                    report.fault(NAME, TABLE, key, "type " + m.getAppliedType() + " in the history, " + m.getResolvedType() + " in this jar");
                }
            }
        }
        if (applied == 0) {
            report.fault(NAME, TABLE, "", "no migration has been applied: not a Conduit database, or an empty one");
        }
        report.check(NAME, applied + " migrations applied (now at " + current + "), " + pending + " pending, "
                + report.faults(NAME) + " faults", System.nanoTime() - started);
    }
}
