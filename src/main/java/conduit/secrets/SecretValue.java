package conduit.secrets;

import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A secret's string (AWSCURRENT), kept in memory: read on first use, and read again by
 * {@link #refresh()} when a server refused it after a rotation. Refreshes are rate-limited (at
 * most one per {@code minRefreshInterval}): when a rotation makes every new connection fail at
 * once, all of them share one Secrets Manager call instead of stampeding it, and a wrong secret
 * cannot turn into a tight loop of API calls. Between refusals nothing is read: a new connection
 * costs no API call.
 */
public final class SecretValue {
    private final String secretId;
    private final Supplier<String> read;
    private final long minRefreshNanos;
    private final LongSupplier nanoTime;
    private volatile String current;
    private long fetchedAt;

    /**
     * @param secretId the secret's ARN or name, for messages
     * @param read     reads the secret's current string (a Secrets Manager call)
     */
    public SecretValue(String secretId, Supplier<String> read, Duration minRefreshInterval) {
        this(secretId, read, minRefreshInterval, System::nanoTime);
    }

    SecretValue(String secretId, Supplier<String> read, Duration minRefreshInterval, LongSupplier nanoTime) {
        this.secretId = secretId;
        this.read = read;
        this.minRefreshNanos = minRefreshInterval.toNanos();
        this.nanoTime = nanoTime;
    }

    /** The value in memory, read on first use. */
    public String current() {
        String c = current;
        if (c != null) {
            return c;
        }
        synchronized (this) {
            if (current == null) {
                fetch();
            }
            return current;
        }
    }

    /**
     * Reads the secret again, unless it was read less than the minimum interval ago (then the
     * value in memory is the freshest there is).
     */
    public synchronized String refresh() {
        if (current == null || nanoTime.getAsLong() - fetchedAt >= minRefreshNanos) {
            fetch();
        }
        return current;
    }

    private void fetch() {
        String value = read.get();
        if (value == null) {
            throw new IllegalStateException("secret " + secretId + " has no string value");
        }
        current = value;
        fetchedAt = nanoTime.getAsLong();
    }
}
