package conduit.user;

import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Consumer;

import conduit.db.Database;
import conduit.db.Rows;
import conduit.session.Tokens;
import io.helidon.dbclient.DbExecute;

/**
 * SQL for the one-time links mailed to account holders. A token is 256 random bits, shown once
 * (in the mail); only its SHA-256 is stored. A token is good until it expires, is used, or is
 * superseded (a newer token of the same purpose replaces it; a new password voids every reset).
 */
public final class AccountTokens {
    enum Purpose { RESET, VERIFY, REVERT }

    /** A stored token that is still good: whose, and what it carries. */
    record Live(long id, long userId, Purpose purpose, String emailKey, String payload) {
    }

    private final Database db;

    public AccountTokens(Database db) {
        this.db = db;
    }

    /**
     * Issues a token in the caller's transaction and returns it (the only time it is seen).
     * A new reset or verification token supersedes the user's earlier unused ones of that purpose.
     */
    String issue(DbExecute tx, long userId, Purpose purpose, String emailKey, String payload, long now, long expiresAt) {
        if (purpose != Purpose.REVERT) {
            // Several revert links may be out at once (one per change, each to its own address).
            voidAll(tx, userId, purpose, now);
        }
        String token = Tokens.newToken();
        tx.insert("INSERT INTO account_tokens (user_id, purpose, token_hash, email_key, payload, created_at, expires_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)", userId, purpose.name(), Tokens.hash(token), emailKey, payload, now, expiresAt);
        return token;
    }

    /** The token's row when it is well-formed, of this purpose, unused and unexpired; read from the writer. */
    Optional<Live> live(String token, Purpose purpose, long now) {
        if (!Tokens.wellFormed(token)) {
            return Optional.empty();
        }
        return db.write(exec -> exec.get("SELECT id, user_id, email_key, payload FROM account_tokens"
                        + " WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?",
                Tokens.hash(token), purpose.name(), now)
                .map(r -> new Live(Rows.longValue(r, "id"), Rows.longValue(r, "user_id"), purpose,
                        Rows.string(r, "email_key"), Rows.string(r, "payload"))));
    }

    /**
     * Uses the token and runs {@code work} in one transaction: the work's result, or empty when the
     * token is not good (or another request used it first; the update that marks it used locks
     * its row, so only one can). When the work throws, nothing happened and the token is unused.
     */
    <T> Optional<T> redeem(String token, Purpose purpose, long now, BiFunction<DbExecute, Live, T> work) {
        Optional<Live> live = live(token, purpose, now);
        if (live.isEmpty()) {
            return Optional.empty();
        }
        return db.inTransaction(tx -> {
            if (tx.update("UPDATE account_tokens SET used_at = ? WHERE id = ? AND used_at IS NULL", now, live.get().id()) != 1) {
                return Optional.empty();
            }
            return Optional.of(work.apply(tx, live.get()));
        });
    }

    /** Runs {@code work} (issuing a link that is the only change: a reset request, a verification resent) in a transaction. */
    void inTransaction(Consumer<DbExecute> work) {
        db.inTransaction(tx -> {
            work.accept(tx);
            return null;
        });
    }

    /** Voids the user's unused tokens of this purpose (a password changed: every reset link is void). */
    void voidAll(DbExecute tx, long userId, Purpose purpose, long now) {
        tx.update("UPDATE account_tokens SET used_at = ? WHERE user_id = ? AND purpose = ? AND used_at IS NULL",
                now, userId, purpose.name());
    }
}
