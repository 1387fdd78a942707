package conduit;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

import conduit.db.Database;
import conduit.tag.TagStore;
import conduit.user.IdentifierBackfill;
import conduit.user.UserStore;

/**
 * What an expand-only migration leaves for the app to fill: rows the previous release wrote
 * without a column it did not know (V5's username keys, V8's tag link dates). Every instance runs
 * them once in the background after it starts; {@code java -jar conduit.jar backfill} runs them
 * once more after an instance refresh, when no instance of the previous release is left. Each is
 * idempotent and safe on several instances at once, and one failing does not stop the other.
 */
final class Backfills {
    private static final Logger LOG = System.getLogger(Backfills.class.getName());
    private final IdentifierBackfill usernames;
    private final TagStore tags;

    Backfills(IdentifierBackfill usernames, TagStore tags) {
        this.usernames = usernames;
        this.tags = tags;
    }

    static Backfills of(Infrastructure infra) {
        Database db = infra.data().database();
        return new Backfills(new IdentifierBackfill(new UserStore(db, infra.keys().emails())), new TagStore(db));
    }

    /** Runs each and reports both in one log line; true if all finished. */
    boolean run() {
        boolean ok = true;
        String keyed = "username keys: stopped";
        try {
            IdentifierBackfill.Result result = usernames.run();
            keyed = result.keyed() + " rows keyed, " + result.clashes()
                    + " look-alike rows left without a key (logged by id)";
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "username key backfill stopped; it runs again at the next start or backfill", e);
            ok = false;
        }
        String dated = "tag link dates: stopped";
        try {
            dated = tags.fillArticleDates() + " tag links dated";
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "tag link backfill stopped; it runs again at the next start or backfill", e);
            ok = false;
        }
        LOG.log(Level.INFO, "backfill: " + keyed + "; " + dated);
        return ok;
    }
}
