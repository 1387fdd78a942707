package conduit.session;

/**
 * A signed-in user's session, identified by the hash of its token. {@code lastWriteAt} (0 when
 * never) lets any instance send the session's reads to the writer right after it wrote;
 * {@code createdAtMillis} is when the user signed in (re-authentication within a few minutes).
 */
public record Session(String tokenHash, long userId, long createdAtMillis, long lastWriteAt) {
}
