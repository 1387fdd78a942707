package conduit.session;

import java.util.List;
import java.util.Optional;

import conduit.common.ClientInfo;

/**
 * Where sessions live. Implementations keep only a hash of each token (see {@link Tokens}), so a
 * leaked store does not leak usable tokens. Expiry slides with use and is capped by an absolute
 * lifetime.
 */
public interface SessionStore {

    /**
     * Starts a session for the user, signed in from {@code client}, and returns its new token (the
     * only time it is seen).
     */
    String create(long userId, ClientInfo client);

    /** The live session behind the token, extending its idle expiry; empty when unknown or expired. */
    Optional<Session> find(String token);

    /**
     * As {@link #find}, for a request that writes: the session is recorded as writing at
     * {@code at} (read-your-writes across instances) in the same visit to the store. The session
     * returned still carries the previous write's time.
     */
    Optional<Session> findWriting(String token, long at);

    /** Ends the session behind the token (logout). */
    void revoke(String token);

    /** Ends every session of the user except the one behind {@code keepToken}; returns how many ended. */
    int revokeOthers(long userId, String keepToken);

    /** Ends every session of the user (a password reset, an email change undone); returns how many ended. */
    int revokeAll(long userId);

    /** The user's live sessions, oldest first. */
    List<SessionInfo> list(long userId);

    /** Ends the user's session with this token hash; false when the user has no such session. */
    boolean revokeHash(long userId, String tokenHash);
}
