package conduit.crypto;

import java.util.Optional;

/**
 * Where long-lived keys are kept, wrapped by the {@link KeyProvider} (so the store only ever
 * holds ciphertext): on AWS a database table, so every instance finds the same keys.
 */
public interface WrappedKeyStore {

    /** The wrapped key stored under the name, if any. */
    Optional<byte[]> find(String name);

    /**
     * Stores the wrapped key unless the name already has one (an atomic insert, e.g. a primary
     * key plus {@code INSERT IGNORE}). True when this call stored it.
     */
    boolean insertIfAbsent(String name, byte[] wrapped);
}
