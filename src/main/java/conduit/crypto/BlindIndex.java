package conduit.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import conduit.common.Identifiers;

/**
 * A keyed blind index: HMAC-SHA256 of a normalised value, as 64 hex characters (a
 * {@code VARCHAR(64)} with a unique index), so rows can be found by e-mail without storing the
 * e-mail in the clear and without the index being reversible by anyone lacking the key. Unlike a
 * plain hash, guessing candidate addresses offline needs the key.
 *
 * <p>The key is dedicated to this index (never the encryption key) and is stored only wrapped by
 * the {@link KeyProvider}: see {@link #load}.
 */
public final class BlindIndex {
    private static final int KEY_BYTES = 32;
    private final Mac prototype;

    private BlindIndex(byte[] key) {
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("a blind index key has 256 bits");
        }
        try {
            prototype = Mac.getInstance("HmacSHA256");
            prototype.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** An index over a raw 256-bit key (tests; production uses {@link #load}). The key is copied. */
    public static BlindIndex of(byte[] key) {
        return new BlindIndex(key.clone());
    }

    /**
     * The index named {@code name}, its key unwrapped from the store, or generated and stored on
     * first start. Several instances starting at once may each generate a key; only one insert
     * wins, and everyone then reads back and uses the stored one.
     */
    public static BlindIndex load(KeyProvider provider, WrappedKeyStore store, String name) {
        Map<String, String> context = Map.of("purpose", "blind-index", "name", name);
        if (store.find(name).isEmpty()) {
            DataKey fresh = provider.generateDataKey(context);
            fresh.wipe();
            store.insertIfAbsent(name, fresh.encrypted());
        }
        byte[] wrapped = store.find(name)
                .orElseThrow(() -> new IllegalStateException("blind index key '" + name + "' vanished after insert"));
        byte[] key = provider.decrypt(wrapped, context);
        try {
            return new BlindIndex(key);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** The index of an e-mail address under its comparison key ({@link Identifiers#emailKey}): look-ups ignore case and compatibility forms. */
    public String email(String email) {
        return of(Identifiers.emailKey(email));
    }

    /** The index an e-mail address had before {@link Identifiers} (trimmed, lower-cased): rows of earlier releases. */
    public String legacyEmail(String email) {
        return of(Identifiers.legacyEmailKey(email));
    }

    /** The index of an already normalised value. */
    public String of(String normalised) {
        try {
            Mac mac = (Mac) prototype.clone(); // Mac is not thread-safe; a clone skips re-keying.
            return HexFormat.of().formatHex(mac.doFinal(normalised.getBytes(StandardCharsets.UTF_8)));
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("HmacSHA256 cannot be cloned", e);
        }
    }

    /** The raw HMAC of the parts, each length-prefixed so that no two lists of parts share a MAC. */
    public byte[] mac(byte[]... parts) {
        try {
            Mac mac = (Mac) prototype.clone();
            for (byte[] part : parts) {
                mac.update(java.nio.ByteBuffer.allocate(4).putInt(part.length).array());
                mac.update(part);
            }
            return mac.doFinal();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("HmacSHA256 cannot be cloned", e);
        }
    }
}
