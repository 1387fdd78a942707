package conduit.crypto;

import java.time.Duration;

/**
 * How long data keys stay in memory. Caching trades a little blast radius for far fewer KMS
 * calls (and their cost and latency): one data key encrypts at most {@code maxUses} values or for
 * at most {@code maxAge}; unwrapped keys for decryption are kept for at most {@code decryptMaxAge},
 * and at most {@code decryptMaxEntries} of them.
 */
public record KeyCachePolicy(int maxUses, Duration maxAge, int decryptMaxEntries, Duration decryptMaxAge) {
    /** 1000 values or 5 minutes per encryption key; 1000 unwrapped keys for 5 minutes. */
    public static final KeyCachePolicy DEFAULT = new KeyCachePolicy(1000, Duration.ofMinutes(5), 1000, Duration.ofMinutes(5));

    public KeyCachePolicy {
        if (maxUses < 1 || decryptMaxEntries < 0 || maxAge.isNegative() || decryptMaxAge.isNegative()) {
            throw new IllegalArgumentException("key cache bounds must be positive");
        }
    }
}
