package conduit.crypto;

import java.util.Map;

/**
 * How an email is stored: envelope-encrypted, bound to its table, column and row (a value copied
 * to another user's row does not decrypt), and findable only through a keyed blind index, so
 * login and the "email has already been taken" rule work without plaintext in the database.
 */
public final class EmailProtection {
    /** What the data keys are generated under (KMS encryption context); the row is bound per value. */
    static final Map<String, String> KEY_CONTEXT = Map.of("app", "conduit", "table", "users", "column", "email");
    private static final String SEALED_PREFIX = "v1.";

    private final EnvelopeCipher cipher;
    private final BlindIndex index;

    public EmailProtection(EnvelopeCipher cipher, BlindIndex index) {
        this.cipher = cipher;
        this.index = index;
    }

    /** Loads (or, the first time, creates) the blind-index key, wrapped by the provider. */
    public static EmailProtection create(KeyProvider provider, WrappedKeyStore keys, KeyCachePolicy policy) {
        return new EmailProtection(new EnvelopeCipher(provider, KEY_CONTEXT, policy),
                BlindIndex.load(provider, keys, "users.email.blind-index"));
    }

    public String seal(String email, long userId) {
        return cipher.encrypt(email, row(userId));
    }

    /**
     * The plaintext. A value without the envelope prefix was written before encryption existed
     * and is returned as it is, until {@code reencrypt} converts it.
     */
    public String open(String stored, long userId) {
        return sealed(stored) ? cipher.decrypt(stored, row(userId)) : stored;
    }

    public static boolean sealed(String stored) {
        return stored != null && stored.startsWith(SEALED_PREFIX);
    }

    /** The blind index of an email: the only thing look-ups and uniqueness use. */
    public String index(String email) {
        return index.email(email);
    }

    /**
     * The blind index the email had under the earlier normalisation. It differs from
     * {@link #index} only for addresses that NFKC or case folding change beyond ASCII lower case;
     * look-ups try both until {@code reencrypt} has rewritten every row (the contract release
     * drops this).
     */
    public String legacyIndex(String email) {
        return index.legacyEmail(email);
    }

    private static Map<String, String> row(long userId) {
        return Map.of("userId", Long.toString(userId));
    }
}
