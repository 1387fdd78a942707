package conduit.crypto;

import java.net.URI;
import java.util.Map;

import conduit.common.AwsClients;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.KmsClientBuilder;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.IncorrectKeyException;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;

/**
 * Data keys from AWS KMS: {@code GenerateDataKey} (AES_256) under the configured key, and
 * {@code Decrypt}, both with the encryption context.
 *
 * <p>Rotation: point {@code KMS_KEY_ID} at a new key and new data keys are wrapped by it, while
 * values written before still decrypt, because a KMS ciphertext blob names the key that made it.
 * That is also why {@code Decrypt} is called without a key id: pinning it to the current key
 * would lock out every value written under the previous one. Which keys may be used is the key
 * policy's job (the instance role is granted Decrypt on the current and the retired key).
 */
public final class KmsKeyProvider implements KeyProvider {
    private final KmsClient kms;
    private final String keyId;

    /** Over a ready client (tests build one with static credentials); {@link #close()} closes it. */
    public KmsKeyProvider(KmsClient kms, String keyId) {
        if (keyId == null || keyId.isBlank()) {
            throw new IllegalArgumentException("a KMS key id (KMS_KEY_ID) is required");
        }
        this.kms = kms;
        this.keyId = keyId;
    }

    /** Region and credentials from the SDK's default chains (the instance role on EC2). */
    public static KmsKeyProvider create(String keyId, URI endpoint) {
        return create(keyId, endpoint, null, null);
    }

    /**
     * @param endpoint    {@code KMS_ENDPOINT}, or null for the regional AWS endpoint
     * @param credentials null for the default provider chain
     * @param region      null for the default region chain ({@code AWS_REGION}, instance metadata)
     */
    public static KmsKeyProvider create(String keyId, URI endpoint, AwsCredentialsProvider credentials, Region region) {
        KmsClientBuilder builder = KmsClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder());
        return new KmsKeyProvider(AwsClients.configured(builder, endpoint, credentials, region).build(), keyId);
    }

    @Override
    public DataKey generateDataKey(Map<String, String> encryptionContext) {
        GenerateDataKeyResponse r = kms.generateDataKey(b -> b.keyId(keyId)
                .keySpec(DataKeySpec.AES_256)
                .encryptionContext(encryptionContext));
        return new DataKey(r.plaintext().asByteArrayUnsafe(), r.ciphertextBlob().asByteArray(), r.keyId());
    }

    @Override
    public byte[] decrypt(byte[] encryptedDataKey, Map<String, String> encryptionContext) {
        try {
            DecryptResponse r = kms.decrypt(b -> b.ciphertextBlob(SdkBytes.fromByteArray(encryptedDataKey))
                    .encryptionContext(encryptionContext));
            return r.plaintext().asByteArrayUnsafe();
        } catch (InvalidCiphertextException | IncorrectKeyException e) {
            // KMS answers a wrong encryption context with InvalidCiphertextException too.
            throw new DecryptionFailedException("KMS refused to decrypt the data key: tampered, or a different encryption context", e);
        }
    }

    @Override
    public void close() {
        kms.close();
    }
}
