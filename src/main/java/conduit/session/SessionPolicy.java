package conduit.session;

import java.time.Duration;

/** How long sessions live: idle expiry that slides with each use, and an absolute cap. */
public record SessionPolicy(Duration idle, Duration absolute) {
    public static final SessionPolicy DEFAULT = new SessionPolicy(Duration.ofDays(7), Duration.ofDays(30));

    public SessionPolicy {
        if (idle.isNegative() || idle.isZero() || absolute.compareTo(idle) < 0) {
            throw new IllegalArgumentException("session idle must be > 0 and <= absolute lifetime");
        }
    }

    /** When a session created at {@code createdAt} and used at {@code now} expires. */
    public long expiresAt(long createdAt, long now) {
        return Math.min(now + idle.toMillis(), createdAt + absolute.toMillis());
    }
}
