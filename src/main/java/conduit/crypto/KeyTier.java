package conduit.crypto;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * The keys that protect data at rest: KMS when a key id is configured, else a key file generated
 * under the data directory (embedded mode). Plaintext keys exist in memory only.
 */
public final class KeyTier implements AutoCloseable {
    private final KeyProvider provider;
    private final EmailProtection emails;
    private final BlindIndex requestKeys;
    private final WrappedKeyStore wrappedKeys;
    private BlindIndex sessionIds;

    private KeyTier(KeyProvider provider, EmailProtection emails, BlindIndex requestKeys, WrappedKeyStore wrappedKeys) {
        this.provider = provider;
        this.emails = emails;
        this.requestKeys = requestKeys;
        this.wrappedKeys = wrappedKeys;
    }

    /** @param kmsKeyId null for the local key file; @param kmsEndpoint null for the real KMS */
    public static KeyTier start(String kmsKeyId, URI kmsEndpoint, Path dataDir, WrappedKeyStore wrappedKeys) {
        KeyProvider provider = kmsKeyId == null ? LocalKeyProvider.open(dataDir) : KmsKeyProvider.create(kmsKeyId, kmsEndpoint);
        try {
            return new KeyTier(provider, EmailProtection.create(provider, wrappedKeys, KeyCachePolicy.DEFAULT),
                    BlindIndex.load(provider, wrappedKeys, "requests.idempotency"), wrappedKeys);
        } catch (DecryptionFailedException e) {
            provider.close();
            throw new IllegalStateException("The database's keys were wrapped by another master key than this "
                    + (kmsKeyId == null ? "local key file (" + dataDir + "/keys)" : "KMS key") + ". Every instance on one "
                    + "database must use the same KMS key (or, for a single local instance, the same data directory).", e);
        } catch (RuntimeException e) {
            provider.close();
            throw e;
        }
    }

    public EmailProtection emails() {
        return emails;
    }

    /**
     * Seals the mail outbox's payloads (a recipient, a one-time link) until they are sent. Its
     * data keys are bound to that column by their own encryption context (the key policy admits
     * the app's contexts, {@code app=conduit}).
     */
    public EnvelopeCipher outboxCipher() {
        return new EnvelopeCipher(provider, Map.of("app", "conduit", "table", "mail_outbox", "column", "payload"),
                KeyCachePolicy.DEFAULT);
    }

    /**
     * The key that names and seals idempotency records (a stored answer may hold an email or a
     * session token): its own key, shared by every instance through the wrapped-key table.
     */
    public BlindIndex requestKeys() {
        return requestKeys;
    }

    /** The key that turns a session's token hash into the opaque id its owner sees in the session list. */
    public synchronized BlindIndex sessionIds() {
        // On first use, not at start: `verify` opens a KeyTier over a read-only key store, and a
        // backup taken before this key existed must not look damaged for lacking it.
        if (sessionIds == null) {
            sessionIds = BlindIndex.load(provider, wrappedKeys, "sessions.public-id");
        }
        return sessionIds;
    }

    @Override
    public void close() {
        provider.close();
    }
}
