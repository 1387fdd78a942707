package conduit.user;

import java.time.Duration;
import java.util.Map;

import conduit.mail.Outbox;
import io.helidon.dbclient.DbExecute;

/**
 * The one-time links mailed for account events. Each is issued in the transaction of the change
 * that causes it: the token (its hash stored) and the outbox row commit together, or not at all;
 * a later change voids the links it makes wrong, in its own transaction. Links point at the UI's
 * pages; the token is in the URL's fragment, so no server or proxy log ever sees it.
 */
public final class AccountLinks {
    static final Duration RESET_LIFETIME = Duration.ofMinutes(30);
    static final Duration VERIFY_LIFETIME = Duration.ofDays(2);
    static final Duration REVERT_LIFETIME = Duration.ofDays(3);

    private final AccountTokens tokens;
    private final Outbox outbox;

    public AccountLinks(AccountTokens tokens, Outbox outbox) {
        this.tokens = tokens;
        this.outbox = outbox;
    }

    /** A link that proves the address (after sign-up, or to the new address after a change). */
    void verification(DbExecute tx, long userId, String username, String email, String emailKey, long now) {
        String token = tokens.issue(tx, userId, AccountTokens.Purpose.VERIFY, emailKey, null, now, now + VERIFY_LIFETIME.toMillis());
        outbox.enqueue(tx, "verify-email", email, Map.of("username", username, "path", "/#/verify-email?token=" + token), now);
    }

    /** A link to choose a new password, valid 30 minutes; it supersedes earlier ones. */
    void passwordReset(DbExecute tx, long userId, String username, String email, long now) {
        String token = tokens.issue(tx, userId, AccountTokens.Purpose.RESET, null, null, now, now + RESET_LIFETIME.toMillis());
        outbox.enqueue(tx, "password-reset", email, Map.of("username", username, "path", "/#/reset-password?token=" + token,
                "minutes", Long.toString(RESET_LIFETIME.toMinutes())), now);
    }

    /**
     * To the previous address after a change: a notice, with a link that puts the previous
     * address back and ends every session ({@code sealedEmail} and {@code emailKey} are its stored
     * forms, restored as they are).
     */
    void emailChanged(DbExecute tx, long userId, String username, String previousEmail, String sealedEmail, String emailKey,
                      long now) {
        String token = tokens.issue(tx, userId, AccountTokens.Purpose.REVERT, emailKey, sealedEmail, now,
                now + REVERT_LIFETIME.toMillis());
        outbox.enqueue(tx, "email-changed", previousEmail, Map.of("username", username, "path", "/#/revert-email?token=" + token,
                "hours", Long.toString(REVERT_LIFETIME.toHours())), now);
    }

    /**
     * A new password (chosen, or set through a reset link), or a new address: every reset link
     * still out is void (it went to an address that may no longer be the account's, or it would
     * undo the change).
     */
    void voidResets(DbExecute tx, long userId, long now) {
        tokens.voidAll(tx, userId, AccountTokens.Purpose.RESET, now);
    }

    /**
     * A change was undone through a revert link: every other link still out is void, those an
     * intruder could have received (reset or verification mailed to the address now undone, or a
     * revert link that would put it back) among them.
     */
    void voidAll(DbExecute tx, long userId, long now) {
        for (AccountTokens.Purpose purpose : AccountTokens.Purpose.values()) {
            tokens.voidAll(tx, userId, purpose, now);
        }
    }
}
