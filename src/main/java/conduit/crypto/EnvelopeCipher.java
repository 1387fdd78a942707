package conduit.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import javax.crypto.SecretKey;

/**
 * Envelope encryption of one column of PII (say {@code users.email}): AES-256-GCM under a data
 * key from the {@link KeyProvider}, with the wrapped data key stored in the value itself.
 *
 * <p>Stored format, plain ASCII for a VARCHAR/TEXT column:
 * {@code v1.<base64url(wrapped data key)>.<base64url(iv)>.<base64url(ciphertext + tag)>}. The
 * version comes first so the format can change without guessing. A 254-character e-mail
 * address takes about 360 characters of ciphertext; with a KMS-wrapped key (about 185 bytes)
 * the whole value stays under 700 characters.
 *
 * <p>How caching and per-row contexts coexist: KMS binds an encryption context to a data key
 * when the key is generated, so a key bound to one row could encrypt only that row and every
 * write would cost a KMS call. Instead the data key is generated under the <em>key context</em>
 * given to the constructor, which names the table and column only, and may be reused (within
 * the {@link KeyCachePolicy}) for many rows. The row is bound by AES-GCM: the additional data of
 * every value is the canonical form of the key context plus the row context passed to
 * {@link #encrypt}. A value copied into another row, or another column, therefore fails its tag
 * check, and a data key unwrapped for one column cannot be unwrapped under another's context.
 */
public final class EnvelopeCipher {
    private static final String VERSION = "v1";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final Map<String, String> keyContext;
    private final DataKeyCache keys;

    /**
     * @param keyContext what every value of this column shares, e.g.
     *                   {@code {"app":"conduit","table":"users","column":"email"}}
     */
    public EnvelopeCipher(KeyProvider provider, Map<String, String> keyContext, KeyCachePolicy policy) {
        this(provider, keyContext, policy, System::nanoTime);
    }

    /** With a clock for the cache's age bounds, for tests. */
    public EnvelopeCipher(KeyProvider provider, Map<String, String> keyContext, KeyCachePolicy policy, LongSupplier nanoTime) {
        if (keyContext.isEmpty()) {
            throw new IllegalArgumentException("the key context must name at least the table and column");
        }
        this.keyContext = Map.copyOf(keyContext);
        this.keys = new DataKeyCache(provider, this.keyContext, policy, nanoTime);
    }

    /**
     * The stored form of {@code plaintext}, bound to the row context (for example
     * {@code {"userId":"42"}}): it decrypts only with the same row context.
     */
    public String encrypt(String plaintext, Map<String, String> rowContext) {
        byte[] aad = aad(rowContext);
        DataKeyCache.Lease lease = keys.forEncryption();
        byte[] iv = Aead.newIv();
        byte[] sealed = Aead.seal(lease.key(), iv, aad, plaintext.getBytes(StandardCharsets.UTF_8));
        return VERSION + '.' + B64.encodeToString(lease.encrypted()) + '.' + B64.encodeToString(iv) + '.'
                + B64.encodeToString(sealed);
    }

    /** The plaintext; {@link DecryptionFailedException} when tampered, malformed or in another context. */
    public String decrypt(String stored, Map<String, String> rowContext) {
        String[] parts = stored == null ? new String[0] : stored.split("\\.", -1);
        if (parts.length != 4 || !parts[0].equals(VERSION)) {
            throw new DecryptionFailedException("not a " + VERSION + " envelope");
        }
        byte[] wrapped;
        byte[] iv;
        byte[] sealed;
        try {
            wrapped = B64D.decode(parts[1]);
            iv = B64D.decode(parts[2]);
            sealed = B64D.decode(parts[3]);
        } catch (IllegalArgumentException e) {
            throw new DecryptionFailedException("the envelope is not valid base64url");
        }
        byte[] aad = aad(rowContext);
        SecretKey key = keys.forDecryption(wrapped);
        return new String(Aead.open(key, iv, aad, sealed, "value"), StandardCharsets.UTF_8);
    }

    /** Key context and row context together; a row entry may not contradict the key context. */
    private byte[] aad(Map<String, String> rowContext) {
        Map<String, String> all = new HashMap<>(keyContext);
        for (Map.Entry<String, String> e : rowContext.entrySet()) {
            String previous = all.putIfAbsent(e.getKey(), e.getValue());
            if (previous != null && !previous.equals(e.getValue())) {
                throw new IllegalArgumentException("row context '" + e.getKey() + "' contradicts the key context");
            }
        }
        return Canonical.context(all);
    }
}
