package conduit.backup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;

import conduit.Settings;
import conduit.crypto.DecryptionFailedException;
import conduit.crypto.EmailProtection;
import conduit.crypto.KeyTier;

/**
 * Every stored email opens with the configured key provider (KMS, or the local key file) and its
 * row's blind index is the index of what it opens to. A restore whose keys are gone, or whose
 * ciphertexts or indexes were damaged, loses logins and addresses although every row is there;
 * this is where that shows. Plaintexts are never reported, only user ids.
 *
 * <p>Fed the rows of {@code users} by {@link TableScan}. One KMS {@code Decrypt} per data key,
 * not per row: a data key seals up to a thousand emails, and unwrapped keys are cached.
 */
final class EmailCheck implements RowStream.Handler, AutoCloseable {
    static final String NAME = "emails";
    /** The name {@code EmailProtection} stores the blind-index key under. */
    static final String INDEX_KEY = "users.email.blind-index";

    private final Report report;
    private KeyTier keys;
    /** Why the emails cannot be checked at all (no key), or null. */
    private String unavailable;
    private long rows;
    private long opened;
    private long plaintext;
    private long unchecked;
    /** Time spent in this check: opening the keys, and in the rows it was handed. */
    private long nanos;

    private EmailCheck(Report report) {
        this.report = report;
    }

    /** Opens the keys the app would open, without creating any that are missing. */
    static EmailCheck open(Settings settings, Connection snapshot, Report report) {
        long started = System.nanoTime();
        EmailCheck check = new EmailCheck(report);
        Settings.Aws aws = settings.aws();
        ReadOnlyKeyStore store = new ReadOnlyKeyStore(snapshot);
        Path localKey = settings.dataDir().resolve("keys").resolve("master.key");
        try {
            if (store.find(INDEX_KEY).isEmpty()) {
                check.unavailable = "key_material has no '" + INDEX_KEY + "' (the wrapped blind-index key)";
            } else if (aws.kmsKeyId() == null && !Files.isRegularFile(localKey)) {
                // LocalKeyProvider.open would make a new master key: nothing could open the data with it.
                check.unavailable = "no KMS_KEY_ID and no local master key at " + localKey;
            } else {
                check.keys = KeyTier.start(aws.kmsKeyId(), aws.kmsEndpoint(), settings.dataDir(), store);
            }
        } catch (RuntimeException e) {
            report.fault(NAME, "key_material", "name=" + INDEX_KEY, "the blind-index key does not open with "
                    + (aws.kmsKeyId() == null ? "the local key file" : "KMS key " + aws.kmsKeyId()) + ": " + e.getMessage());
            check.unavailable = "the blind-index key does not open";
        }
        check.nanos = System.nanoTime() - started;
        return check;
    }

    @Override
    public void row(ResultSet rs) throws SQLException {
        long started = System.nanoTime();
        try {
            check(rs);
        } finally {
            nanos += System.nanoTime() - started;
        }
    }

    private void check(ResultSet rs) throws SQLException {
        rows++;
        if (keys == null) {
            unchecked++;
            return;
        }
        long id = rs.getLong("id");
        String stored = rs.getString("email");
        String lookup = rs.getString("email_lookup");
        EmailProtection emails = keys.emails();
        String email;
        try {
            email = emails.open(stored, id);
        } catch (DecryptionFailedException e) {
            report.fault(NAME, "users", "id=" + id, "email does not decrypt: " + e.getMessage());
            return;
        } catch (RuntimeException e) {
            // The key provider itself failed (KMS unreachable, access denied): every row after
            // this would fail alike, so stop here and say so once.
            report.fault(NAME, "users", "id=" + id, "the key provider failed, emails from here on not checked: " + e.getMessage());
            keys.close();
            keys = null;
            unchecked++;
            return;
        }
        if (!EmailProtection.sealed(stored)) {
            plaintext++;
        }
        opened++;
        if (!emails.index(email).equals(lookup)) {
            report.fault(NAME, "users", "id=" + id, "email_lookup is not the blind index of the stored email");
        }
    }

    /** Adds the check's outcome to the report, after the scan. */
    void finish() {
        if (unavailable != null && rows > 0) {
            report.fault(NAME, "users", "", rows + " emails cannot be checked: " + unavailable);
        } else if (unavailable != null) {
            report.note("no users, and " + unavailable);
        }
        if (plaintext > 0) {
            report.note(plaintext + " emails are stored in plaintext (written before encryption): run 'conduit.jar reencrypt'");
        }
        report.check(NAME, rows + " users: " + opened + " emails open" + (unchecked > 0 ? ", " + unchecked + " not checked" : "")
                + ", " + report.faults(NAME) + " faults", nanos);
    }

    @Override
    public void close() {
        if (keys != null) {
            keys.close();
        }
    }
}
