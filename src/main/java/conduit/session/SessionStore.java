package conduit.session;

import java.util.Optional;

/**
 * Where sessions live. Implementations keep only a hash of each token (see {@link Tokens}), so a
 * leaked store does not leak usable tokens. Expiry slides with use and is capped by an absolute
 * lifetime.
 */
public interface SessionStore {

    /** Starts a session for the user and returns its new token (the only time it is seen). */
    String create(long userId);

    /** The live session behind the token, extending its idle expiry; empty when unknown or expired. */
    Optional<Session> find(String token);

    /** Records that the session is writing now (for read-your-writes across instances). */
    void markWrite(String token, long at);

    /** Ends the session behind the token (logout). */
    void revoke(String token);

    /** Ends every session of the user except the one behind {@code keepToken} (password change). */
    void revokeOthers(long userId, String keepToken);
}
