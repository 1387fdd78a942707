package conduit.backup;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

import conduit.Settings;
import conduit.secrets.SecretCredentials;

/**
 * Runs every check against one database, read-only: Flyway's history, the catalogue's foreign
 * keys, then one pass over each table (counts, checksums, emails), then every reference. All but
 * Flyway read one transaction's snapshot, so a live database being written meanwhile is seen in
 * one consistent state.
 */
public final class Verification {
    private Verification() {
    }

    /**
     * @param url       the database to check; the settings' writer when null
     * @param maxListed how many faults each check lists (the rest are counted)
     */
    public static Report run(Settings settings, String url, int maxListed) throws SQLException {
        Report report = new Report(maxListed);
        Settings.Aws aws = settings.aws();
        String target = url == null ? settings.db().writerUrl() : url;
        try (SecretCredentials secret = aws.dbSecretArn() == null || settings.db().embedded() ? null
                : SecretCredentials.create(aws.dbSecretArn(), aws.secretsEndpoint());
             ReadOnlyTarget db = ReadOnlyTarget.open(settings.db(), target, secret)) {
            SchemaHistoryCheck.run(db.dataSource(), report);
            try (Connection c = db.snapshot()) {
                Schema schema = Schema.read(c);
                try (EmailCheck emails = EmailCheck.open(settings, c, report)) {
                    TableScan.run(c, db.mysql(), schema, Map.of("users", emails), report);
                    emails.finish();
                }
                ForeignKeyCheck.run(c, db.mysql(), schema, report);
                c.rollback(); // nothing to undo: ends the read-only transaction
            }
        }
        return report;
    }
}
