package conduit.crypto;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The embedded-mode master key: 256 random bits in {@code <dataDir>/keys/master.key} (mode 600,
 * made on first use). Data keys are wrapped with AES-256-GCM under it, with the canonical
 * encryption context as additional data, so unwrapping with another context fails exactly as
 * KMS {@code Decrypt} does. Wrapped key: {@code 0x01 | iv(12) | ciphertext(32) + tag(16)}.
 */
public final class LocalKeyProvider implements KeyProvider {
    public static final String KEY_ID = "local";
    private static final byte VERSION = 1;
    private static final int DATA_KEY_BYTES = 32;
    private final SecureRandom random = new SecureRandom();
    private final SecretKey master;

    private LocalKeyProvider(byte[] masterKey) {
        if (masterKey.length != 32) {
            throw new IllegalArgumentException("the master key must be 256 bits");
        }
        this.master = new SecretKeySpec(masterKey, "AES");
        Arrays.fill(masterKey, (byte) 0);
    }

    /** The provider over the data directory's master key file, creating the key if there is none. */
    public static LocalKeyProvider open(Path dataDir) {
        return new LocalKeyProvider(KeyFile.loadOrCreate(dataDir.resolve("keys").resolve("master.key"), 32));
    }

    @Override
    public DataKey generateDataKey(Map<String, String> encryptionContext) {
        byte[] plaintext = new byte[DATA_KEY_BYTES];
        random.nextBytes(plaintext);
        byte[] iv = Aead.newIv();
        byte[] sealed = Aead.seal(master, iv, Canonical.context(encryptionContext), plaintext);
        byte[] wrapped = ByteBuffer.allocate(1 + iv.length + sealed.length).put(VERSION).put(iv).put(sealed).array();
        return new DataKey(plaintext, wrapped, KEY_ID);
    }

    @Override
    public byte[] decrypt(byte[] encryptedDataKey, Map<String, String> encryptionContext) {
        if (encryptedDataKey.length != 1 + Aead.IV_BYTES + DATA_KEY_BYTES + Aead.TAG_BYTES
                || encryptedDataKey[0] != VERSION) {
            throw new DecryptionFailedException("not a data key wrapped by the local key provider");
        }
        byte[] iv = Arrays.copyOfRange(encryptedDataKey, 1, 1 + Aead.IV_BYTES);
        byte[] sealed = Arrays.copyOfRange(encryptedDataKey, 1 + Aead.IV_BYTES, encryptedDataKey.length);
        return Aead.open(master, iv, Canonical.context(encryptionContext), sealed, "data key");
    }
}
