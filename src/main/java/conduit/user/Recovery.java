package conduit.user;

import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import conduit.common.ClientInfo;
import conduit.common.Clock;
import conduit.common.Failure;
import conduit.crypto.PasswordHasher;
import conduit.db.SqlErrors;
import conduit.ops.Audit;
import conduit.ops.RequestContext;
import conduit.ratelimit.RateLimiter;
import conduit.session.SessionStore;

/**
 * Account recovery and address proof through mailed one-time links (ASVS 5.0 chapter 6): a
 * forgotten password is reset through a link mailed to the account's address; a new address is
 * proven by a link mailed to it; an email change is undone through a link mailed to the previous
 * address. Every step is rate limited and audited.
 *
 * <p>A reset request must not tell whether the address has an account, by its answer or by its
 * time: the answer is given before the account is looked up, and the look-up (and the mail, for
 * an account) happens off the request on a small bounded pool.
 */
public final class Recovery implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Recovery.class.getName());
    /** Reset requests waiting for their look-up; beyond this the pool is flooded and a request is dropped (audited). */
    private static final int MAX_QUEUED = 1_000;

    private final UserStore store;
    private final AccountTokens tokens;
    private final AccountLinks links;
    private final SessionStore sessions;
    private final PasswordHasher passwords;
    private final PasswordPolicy passwordPolicy;
    private final RateLimiter limiter;
    private final ThreadPoolExecutor lookups = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(MAX_QUEUED), Thread.ofVirtual().name("password-reset-", 0).factory());

    public Recovery(UserStore store, AccountTokens tokens, AccountLinks links, SessionStore sessions, PasswordHasher passwords,
                    RateLimiter limiter, AccountPolicy policy) {
        this.store = store;
        this.tokens = tokens;
        this.links = links;
        this.sessions = sessions;
        this.passwords = passwords;
        this.passwordPolicy = PasswordPolicy.of(policy);
        this.limiter = limiter;
        lookups.allowCoreThreadTimeOut(true);
    }

    /**
     * Asks for a reset link for the account with this address, if there is one. Returns before
     * the account is looked up; the link is mailed (to the account's current address, verified
     * or not: it is the only address the account has) unless the account had its reset mails for
     * the hour. 422 for a malformed address, 429 when the client asked too often.
     */
    public void requestReset(String email, ClientInfo client) {
        String address = UserService.email(email);
        limiter.passwordReset(client.address());
        String requestId = RequestContext.requestId();
        String clientAddress = RequestContext.clientAddress();
        try {
            lookups.execute(() -> {
                RequestContext.set(requestId, clientAddress);
                try {
                    mailReset(address);
                } catch (RuntimeException e) {
                    // The user sees the same answer either way and may ask again.
                    LOG.log(System.Logger.Level.WARNING, "password reset request not handled: " + e.getMessage(), e);
                } finally {
                    RequestContext.clear();
                }
            });
        } catch (RejectedExecutionException e) {
            Audit.denied("password_reset.dropped", 0, "reason", "too many requests waiting");
        }
    }

    private void mailReset(String email) {
        Optional<User> found = store.byEmail(email);
        if (found.isEmpty()) {
            Audit.info("password_reset.requested", 0, "account", "unknown");
            return;
        }
        User user = found.get();
        if (!limiter.resetMail(store.emailIndex(user.email()))) {
            Audit.denied("password_reset.requested", user.id(), "account", "known", "mailed", false);
            return;
        }
        tokens.inTransaction(tx -> links.passwordReset(tx, user.id(), user.username(), user.email(), Clock.now()));
        Audit.info("password_reset.requested", user.id(), "account", "known", "mailed", true);
    }

    /**
     * Sets a new password through a reset link and ends every session of the account. 422
     * {@code token} for a bad, used, expired or superseded link; 422 {@code password} under the
     * policy (the link is not used up then).
     */
    public void confirmReset(String token, String password, ClientInfo client) {
        limiter.link(client.address());
        long now = Clock.now();
        AccountTokens.Live live = tokens.live(token, AccountTokens.Purpose.RESET, now).orElseThrow(() -> refused("password_reset"));
        User user = store.byIdFresh(live.userId()).orElseThrow(() -> refused("password_reset"));
        String hash = passwords.hash(passwordPolicy.check(password, user.username(), user.email()));
        // Sessions end before the new password is in (a session store that is down fails the
        // request with nothing changed and the link still good) and again after (a sign-in with
        // the old password in between ends too).
        sessions.revokeAll(user.id());
        tokens.redeem(token, AccountTokens.Purpose.RESET, now, (tx, used) -> {
            store.resetPassword(tx, used.userId(), hash, now);
            links.voidResets(tx, used.userId(), now);
            return used.userId();
        }).orElseThrow(() -> refused("password_reset"));
        int ended = sessions.revokeAll(user.id());
        Audit.info("password_reset.completed", user.id(), "sessionsEnded", ended);
    }

    /** Marks the address verified through the link mailed to it. 422 {@code token} when the link is not good or the address changed since. */
    public void verifyEmail(String token, ClientInfo client) {
        limiter.link(client.address());
        long now = Clock.now();
        long userId = tokens.redeem(token, AccountTokens.Purpose.VERIFY, now,
                        (tx, used) -> store.markVerified(tx, used.userId(), used.emailKey(), now) ? used.userId() : 0L)
                .filter(id -> id != 0L)
                .orElseThrow(() -> refused("email.verification"));
        Audit.info("email.verified", userId);
    }

    /**
     * Undoes an email change through the link mailed to the previous address: that address is
     * back (and proven), every other link still out is void and every session ends. 409
     * {@code email} when another account took the address meanwhile (the link stays good).
     */
    public void revertEmail(String token, ClientInfo client) {
        limiter.link(client.address());
        long now = Clock.now();
        long userId;
        try {
            userId = tokens.redeem(token, AccountTokens.Purpose.REVERT, now, (tx, used) -> {
                if (!store.restoreEmail(tx, used.userId(), used.payload(), used.emailKey(), now)) {
                    throw Failure.taken("email");
                }
                links.voidAll(tx, used.userId(), now);
                return used.userId();
            }).orElseThrow(() -> refused("email.revert"));
        } catch (RuntimeException e) {
            // A sign-up took the address between the check and the write.
            throw SqlErrors.duplicateKey(e).<RuntimeException>map(msg -> Failure.taken("email")).orElse(e);
        }
        int ended = sessions.revokeAll(userId);
        Audit.info("email.reverted", userId, "sessionsEnded", ended);
    }

    /**
     * Mails the signed-in user's address a new verification link (it supersedes the last);
     * false when the address is verified already (nothing is sent). 429 {@code verification}.
     */
    public boolean resendVerification(long userId) {
        limiter.verification(userId);
        User user = store.byIdFresh(userId).orElseThrow(Failure::invalidToken);
        if (user.emailVerified()) {
            return false;
        }
        tokens.inTransaction(tx -> links.verification(tx, userId, user.username(), user.email(),
                store.emailIndex(user.email()), Clock.now()));
        Audit.info("email.verification_sent", userId);
        return true;
    }

    /** One answer for every link that is not good: which of the reasons it is would help only a guesser. */
    private static Failure refused(String step) {
        Audit.denied(step + ".refused", 0, "reason", "link not good");
        return Failure.invalid("token", "is invalid or has expired");
    }

    /** Lets queued look-ups finish (a few seconds at most), then stops the pool. */
    @Override
    public void close() {
        lookups.shutdown();
        try {
            if (!lookups.awaitTermination(5, TimeUnit.SECONDS)) {
                lookups.shutdownNow();
            }
        } catch (InterruptedException e) {
            lookups.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
