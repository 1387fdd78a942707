package conduit.session;

import java.util.Set;

/**
 * Where session records live: Redis (shared by every instance) or this process's memory. Storage
 * only, keyed by the token's hash; {@link Sessions} owns the rules (expiry, revocation), so the
 * two backends cannot drift apart.
 *
 * <p>Every method may throw {@link Unavailable} when the backend cannot be reached.
 */
interface SessionBackend {
    /** Stores a new record that expires at {@code expiresAt} (epoch ms). */
    void put(String hash, String record, long expiresAt);

    /** The record, its expiry moved to {@code now + idleMillis}; null when none (or expired). */
    String getAndTouch(String hash, long idleMillis);

    /** The record without touching it; null when none. */
    String get(String hash);

    /** When the record expires (epoch ms); -1 when there is none. */
    long expiresAt(String hash);

    /** Caps the record's expiry at {@code at} (epoch ms). */
    void expireAt(String hash, long at);

    /** Replaces an existing record, keeping its expiry; nothing when it is gone. */
    void replace(String hash, String record);

    void delete(String hash);

    /** Adds the hash to the user's index, which lives at least until {@code expiresAt}. */
    void index(long userId, String hash, long expiresAt);

    /** The hashes in the user's index (some may name records that expired since). */
    Set<String> indexed(long userId);

    void unindex(long userId, String hash);

    /** The backend could not be reached; the session cannot be checked, so it is not trusted. */
    final class Unavailable extends RuntimeException {
        Unavailable(Throwable cause) {
            super(cause.getMessage(), cause);
        }
    }
}
