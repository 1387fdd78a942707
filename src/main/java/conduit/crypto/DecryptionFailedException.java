package conduit.crypto;

/**
 * A stored value or a wrapped key could not be decrypted: it was tampered with, moved to another
 * row or column (a different encryption context), or is not in a known format. Thrown instead of
 * returning null, so a corrupt value is never mistaken for an absent one. The message never
 * contains key material or plaintext.
 */
public final class DecryptionFailedException extends RuntimeException {
    public DecryptionFailedException(String message) {
        super(message);
    }

    public DecryptionFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
