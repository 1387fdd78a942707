package conduit.user;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.List;

import conduit.common.Identifiers;
import conduit.db.SqlErrors;

/**
 * Fills {@code users.username_key} for rows written before it existed (V5 is expand-only: the
 * column is nullable and the previous release, which ignores it, may still be inserting rows
 * during an instance refresh). Each instance runs it once in the background after it starts;
 * {@code java -jar conduit.jar backfill} runs it once more after the refresh, when no instance of
 * the previous release is left. Idempotent and safe to run on several instances at once: each row
 * is set only while it is still empty.
 *
 * <p>Rows whose key clashes with another row's (two accounts that already looked alike before
 * this release, such as "Alice" and "alice") keep a NULL key and are logged by id: they keep
 * working, nobody new can take a look-alike of the keyed one, and an operator decides before the
 * contract release makes the column NOT NULL.
 */
public final class IdentifierBackfill {
    /** What a run did. */
    public record Result(long keyed, long clashes) {
    }

    private static final Logger LOG = System.getLogger(IdentifierBackfill.class.getName());
    private static final int BATCH = 500;
    private final UserStore store;

    public IdentifierBackfill(UserStore store) {
        this.store = store;
    }

    public Result run() {
        long after = 0;
        long keyed = 0;
        long clashes = 0;
        while (true) {
            List<UserStore.Unkeyed> rows = store.unkeyed(after, BATCH);
            if (rows.isEmpty()) {
                return new Result(keyed, clashes); // the caller (conduit.Backfills) reports it
            }
            for (UserStore.Unkeyed row : rows) {
                after = row.id();
                try {
                    if (store.setUsernameKey(row.id(), Identifiers.usernameKey(row.username()))) {
                        keyed++;
                    }
                } catch (RuntimeException e) {
                    if (SqlErrors.duplicateKey(e).isEmpty()) {
                        throw e;
                    }
                    clashes++;
                    LOG.log(Level.WARNING, "users.id " + row.id() + ": its username looks like another account's; "
                            + "left without a username key for an operator to resolve");
                }
            }
        }
    }
}
