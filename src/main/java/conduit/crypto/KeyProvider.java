package conduit.crypto;

import java.util.Map;

/**
 * The master-key port of envelope encryption: KMS on AWS ({@link KmsKeyProvider}), a local key
 * file in embedded mode ({@link LocalKeyProvider}). The master key never leaves the provider; it
 * only hands out data keys and unwraps them again.
 *
 * <p>The encryption context is bound to a data key when it is generated: unwrapping it with any
 * other context fails with {@link DecryptionFailedException}, as KMS does.
 */
public interface KeyProvider extends AutoCloseable {

    /** A new 256-bit data key, plaintext and wrapped, bound to the context. */
    DataKey generateDataKey(Map<String, String> encryptionContext);

    /** The plaintext of a wrapped data key; fails when the context differs from the one it was made with. */
    byte[] decrypt(byte[] encryptedDataKey, Map<String, String> encryptionContext);

    /** Releases clients; nothing to do for the local provider. */
    @Override
    default void close() {
    }
}
