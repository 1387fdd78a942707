package conduit.session;

/** A signed-in user's session, identified by the hash of its token. */
public record Session(String tokenHash, long userId, long createdAtMillis) {
}
