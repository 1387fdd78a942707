package conduit.crypto;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * Data keys of one encryption scope (one key context), kept in memory within the bounds of a
 * {@link KeyCachePolicy}: the current encryption key, and recently unwrapped keys by their
 * wrapped bytes. Plaintext key bytes exist only inside {@link SecretKey} objects here; the raw
 * arrays the provider returns are wiped as soon as they are copied.
 */
final class DataKeyCache {
    /** A key to encrypt with, and the wrapped form that is stored with each value. */
    record Lease(SecretKey key, byte[] encrypted) {
    }

    private final KeyProvider provider;
    private final Map<String, String> keyContext;
    private final KeyCachePolicy policy;
    private final LongSupplier nanoTime;
    private final Map<ByteBuffer, Unwrapped> unwrapped;
    private volatile Current current;

    DataKeyCache(KeyProvider provider, Map<String, String> keyContext, KeyCachePolicy policy, LongSupplier nanoTime) {
        this.provider = provider;
        this.keyContext = Map.copyOf(keyContext);
        this.policy = policy;
        this.nanoTime = nanoTime;
        this.unwrapped = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Unwrapped> eldest) {
                return size() > policy.decryptMaxEntries();
            }
        };
    }

    /** The current key if it has uses and time left, else a new one from the provider. */
    Lease forEncryption() {
        Current c = current;
        if (c != null && c.take(nanoTime.getAsLong(), policy)) {
            return c.lease;
        }
        // One provider call per expiry, not one per waiting thread: they all need the new key
        // anyway, so they queue behind the call and then share its result.
        synchronized (this) {
            // Whoever waited here while another thread fetched a key uses that one.
            c = current;
            if (c != null && c.take(nanoTime.getAsLong(), policy)) {
                return c.lease;
            }
            DataKey fresh = provider.generateDataKey(keyContext);
            SecretKey key = new SecretKeySpec(fresh.plaintext(), "AES");
            fresh.wipe();
            current = new Current(new Lease(key, fresh.encrypted().clone()), nanoTime.getAsLong());
            remember(fresh.encrypted(), key);
            return current.lease;
        }
    }

    /** The unwrapped key for a stored value's wrapped key, from memory or from the provider. */
    SecretKey forDecryption(byte[] encrypted) {
        ByteBuffer id = ByteBuffer.wrap(encrypted.clone());
        long now = nanoTime.getAsLong();
        synchronized (unwrapped) {
            Unwrapped hit = unwrapped.get(id);
            if (hit != null && now - hit.at <= policy.decryptMaxAge().toNanos()) {
                return hit.key;
            }
            unwrapped.remove(id);
        }
        // Outside the lock: a KMS round trip must not hold up decryptions that hit the cache.
        byte[] plaintext = provider.decrypt(encrypted, keyContext);
        SecretKey key = new SecretKeySpec(plaintext, "AES");
        Arrays.fill(plaintext, (byte) 0);
        remember(encrypted, key);
        return key;
    }

    private void remember(byte[] encrypted, SecretKey key) {
        synchronized (unwrapped) {
            unwrapped.put(ByteBuffer.wrap(encrypted.clone()), new Unwrapped(key, nanoTime.getAsLong()));
        }
    }

    private record Unwrapped(SecretKey key, long at) {
    }

    private static final class Current {
        final Lease lease;
        final long createdAt;
        final AtomicInteger uses = new AtomicInteger();

        Current(Lease lease, long createdAt) {
            this.lease = lease;
            this.createdAt = createdAt;
            uses.set(1);
        }

        /** Counts one use if the key is still within its bounds. */
        boolean take(long now, KeyCachePolicy policy) {
            return now - createdAt < policy.maxAge().toNanos() && uses.incrementAndGet() <= policy.maxUses();
        }
    }
}
