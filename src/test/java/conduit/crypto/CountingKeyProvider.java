package conduit.crypto;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** A key provider that counts the calls reaching it, to observe the data key cache. */
final class CountingKeyProvider implements KeyProvider {
    final AtomicInteger generated = new AtomicInteger();
    final AtomicInteger decrypted = new AtomicInteger();
    private final KeyProvider inner;

    CountingKeyProvider(KeyProvider inner) {
        this.inner = inner;
    }

    @Override
    public DataKey generateDataKey(Map<String, String> encryptionContext) {
        generated.incrementAndGet();
        return inner.generateDataKey(encryptionContext);
    }

    @Override
    public byte[] decrypt(byte[] encryptedDataKey, Map<String, String> encryptionContext) {
        decrypted.incrementAndGet();
        return inner.decrypt(encryptedDataKey, encryptionContext);
    }
}
