package conduit.user;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import conduit.crypto.BlindIndex;
import conduit.ops.Audit;
import conduit.session.SessionInfo;
import conduit.session.SessionStore;
import conduit.session.Tokens;

/**
 * A user's view of their own sessions: list them, end one, end all others. Each session is shown
 * under an opaque id, an HMAC of its token hash under a key of its own (shared by every instance
 * through the wrapped-key table): the hash itself is the store's lookup key and never leaves the
 * server, and the id cannot be turned back into it.
 */
public final class AccountSessions {
    /** One session as the user sees it. */
    public record View(String id, long createdAt, long lastUsedAt, String clientAddress, String userAgent, boolean current) {
    }

    private final SessionStore sessions;
    private final BlindIndex ids;

    public AccountSessions(SessionStore sessions, BlindIndex ids) {
        this.sessions = sessions;
        this.ids = ids;
    }

    /** The user's live sessions, oldest first; {@code currentToken}'s is marked. */
    public List<View> list(long userId, String currentToken) {
        String current = Tokens.hash(currentToken);
        return sessions.list(userId).stream()
                .map(s -> new View(id(s.tokenHash()), s.createdAt(), s.lastUsedAt(), s.clientAddress(), s.userAgent(),
                        s.tokenHash().equals(current)))
                .toList();
    }

    /** Ends the user's session with this id; true when it was the current one; 404 when there is none. */
    public boolean revoke(long userId, String currentToken, String id) {
        Optional<SessionInfo> found = sessions.list(userId).stream().filter(s -> id(s.tokenHash()).equals(id)).findFirst();
        if (found.isEmpty() || !sessions.revokeHash(userId, found.get().tokenHash())) {
            throw conduit.common.Failure.notFound("session");
        }
        Audit.info("session.revoked", userId, "scope", "one");
        return found.get().tokenHash().equals(Tokens.hash(currentToken));
    }

    /** Ends every other session of the user; returns how many ended. */
    public int revokeOthers(long userId, String currentToken) {
        int ended = sessions.revokeOthers(userId, currentToken);
        Audit.info("session.revoked", userId, "scope", "others", "count", ended);
        return ended;
    }

    /** True when {@code id} names the session behind {@code token}. */
    public boolean isCurrent(String token, String id) {
        return id(Tokens.hash(token)).equals(id);
    }

    private String id(String tokenHash) {
        // 128 bits are plenty to tell a user's sessions apart and to be unguessable.
        return HexFormat.of().formatHex(ids.mac(tokenHash.getBytes(StandardCharsets.US_ASCII)), 0, 16);
    }
}
