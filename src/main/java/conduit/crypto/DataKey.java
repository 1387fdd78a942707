package conduit.crypto;

/**
 * A fresh data key: the plaintext to encrypt with (32 bytes, AES-256; memory only, never
 * persisted or logged), the same key encrypted under the master key (stored next to the data),
 * and the id of the master key that wrapped it.
 */
public record DataKey(byte[] plaintext, byte[] encrypted, String keyId) {

    /** Overwrites the plaintext once it has been turned into a key object. */
    public void wipe() {
        java.util.Arrays.fill(plaintext, (byte) 0);
    }

    /** Never prints key bytes, not even by accident in a log line or an assertion message. */
    @Override
    public String toString() {
        return "DataKey[keyId=" + keyId + ", encrypted=" + encrypted.length + " bytes]";
    }
}
