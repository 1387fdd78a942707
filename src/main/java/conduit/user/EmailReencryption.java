package conduit.user;

import java.util.List;

import conduit.crypto.DecryptionFailedException;
import conduit.crypto.EmailProtection;
import conduit.db.Database;
import conduit.db.Rows;
import io.helidon.dbclient.DbRow;

/**
 * Key rotation for stored emails: re-encrypts every row under the current key (and seals rows
 * written before encryption existed), and rewrites every blind index under the current
 * normalisation of emails. Safe while the app serves traffic: each row is replaced
 * only if it still holds the value that was read (compare-and-set), so a concurrent change by
 * the app, which writes under the current key anyway, is never overwritten.
 */
public final class EmailReencryption {
    /**
     * How many rows were re-encrypted, how many changed under us (left as the app wrote them), and
     * how many failed their integrity check (left alone, logged by id for an operator to look at).
     */
    public record Result(long reencrypted, long skipped, long failed) {
    }

    private static final System.Logger LOG = System.getLogger(EmailReencryption.class.getName());

    private final Database db;
    private final EmailProtection emails;

    public EmailReencryption(Database db, EmailProtection emails) {
        this.db = db;
        this.emails = emails;
    }

    public Result run(int batchSize) {
        long lastId = 0;
        long done = 0;
        long skipped = 0;
        long failed = 0;
        while (true) {
            long after = lastId;
            List<DbRow> rows = db.write(exec -> exec.query("SELECT id, email FROM users WHERE id > ? ORDER BY id LIMIT ?", after, batchSize)
                    .toList());
            if (rows.isEmpty()) {
                return new Result(done, skipped, failed);
            }
            for (DbRow row : rows) {
                long id = Rows.longValue(row, "id");
                lastId = id;
                String stored = Rows.string(row, "email");
                String email;
                try {
                    email = emails.open(stored, id);
                } catch (DecryptionFailedException e) {
                    LOG.log(System.Logger.Level.ERROR, "users.id " + id + ": stored email failed its integrity check; left as it is");
                    failed++;
                    continue;
                }
                Object[] params = {emails.seal(email, id), emails.index(email), id, stored};
                long updated;
                try {
                    updated = db.write(exec -> exec.update("UPDATE users SET email = ?, email_lookup = ? WHERE id = ? AND email = ?",
                            params));
                } catch (RuntimeException e) {
                    if (conduit.db.SqlErrors.duplicateKey(e).isEmpty()) {
                        throw e;
                    }
                    // Under the current normalisation this email is another row's (two accounts of an
                    // earlier release that now count as one address): both left for an operator.
                    LOG.log(System.Logger.Level.WARNING, "users.id " + id + ": its email now matches another account's; left as it is");
                    skipped++;
                    continue;
                }
                if (updated == 1) {
                    done++;
                } else {
                    skipped++;
                }
            }
        }
    }
}
