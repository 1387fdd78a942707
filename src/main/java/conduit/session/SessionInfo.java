package conduit.session;

/**
 * One of a user's sessions, as the user may see it: when it started, when it was last used (to
 * its sliding expiry tells, see {@link Sessions#list}), and the address and
 * user agent it signed in from (null when unknown). Identified by its token's hash, which never
 * leaves the server: the API shows an id derived from it.
 */
public record SessionInfo(String tokenHash, long createdAt, long lastUsedAt, String clientAddress, String userAgent) {
}
