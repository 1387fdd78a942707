package conduit.crypto;

import java.net.URI;
import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Against moto's KMS (scripts/stack up moto): the AWS code path, end to end over HTTP. */
@EnabledIfEnvironmentVariable(named = "MOTO_ENDPOINT", matches = ".+")
class KmsKeyProviderTest {
    private static final Map<String, String> EMAIL = Map.of("app", "conduit", "table", "users", "column", "email");
    private static final StaticCredentialsProvider FAKE = StaticCredentialsProvider.create(
            AwsBasicCredentials.create("testing", "testing"));
    private static KmsClient admin;
    private static String keyA;
    private static String keyB;

    @BeforeAll
    static void createKeys() {
        admin = KmsClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder())
                .endpointOverride(endpoint()).region(Region.US_EAST_1).credentialsProvider(FAKE).build();
        keyA = admin.createKey(b -> b.description("conduit test key A")).keyMetadata().arn();
        keyB = admin.createKey(b -> b.description("conduit test key B (rotation target)")).keyMetadata().arn();
    }

    @AfterAll
    static void close() {
        admin.close();
    }

    private static URI endpoint() {
        return URI.create(System.getenv("MOTO_ENDPOINT"));
    }

    private static KmsKeyProvider provider(String keyId) {
        return KmsKeyProvider.create(keyId, endpoint(), FAKE, Region.US_EAST_1);
    }

    @Test
    void dataKeysRoundTripThroughKms() {
        try (KmsKeyProvider kms = provider(keyA)) {
            DataKey key = kms.generateDataKey(EMAIL);
            assertEquals(32, key.plaintext().length);
            assertEquals(keyA, key.keyId());
            assertArrayEquals(key.plaintext(), kms.decrypt(key.encrypted(), EMAIL));
        }
    }

    @Test
    void kmsRejectsAWrongEncryptionContext() {
        try (KmsKeyProvider kms = provider(keyA)) {
            DataKey key = kms.generateDataKey(EMAIL);
            assertThrows(DecryptionFailedException.class,
                    () -> kms.decrypt(key.encrypted(), Map.of("app", "conduit", "table", "users", "column", "bio")));
            assertThrows(DecryptionFailedException.class, () -> kms.decrypt(key.encrypted(), Map.of()));
        }
    }

    @Test
    void envelopeValuesRoundTripAndAreBoundToTheirRow() {
        try (KmsKeyProvider kms = provider(keyA)) {
            EnvelopeCipher cipher = new EnvelopeCipher(kms, EMAIL, KeyCachePolicy.DEFAULT);
            String longest = "a".repeat(64) + "@" + "b".repeat(185) + ".com";
            String stored = cipher.encrypt(longest, Map.of("userId", "42"));
            assertTrue(stored.startsWith("v1."));
            assertTrue(stored.length() < 700, "length " + stored.length());
            // A fresh instance has nothing cached: decryption goes through KMS Decrypt.
            EnvelopeCipher other = new EnvelopeCipher(kms, EMAIL, KeyCachePolicy.DEFAULT);
            assertEquals(longest, other.decrypt(stored, Map.of("userId", "42")));
            assertThrows(DecryptionFailedException.class, () -> other.decrypt(stored, Map.of("userId", "43")));
        }
    }

    @Test
    void afterRotationNewKeysComeFromTheNewKeyAndOldValuesStillDecrypt() {
        String old;
        try (KmsKeyProvider before = provider(keyA)) {
            old = new EnvelopeCipher(before, EMAIL, KeyCachePolicy.DEFAULT).encrypt("jake@example.com", Map.of("userId", "7"));
        }
        try (KmsKeyProvider after = provider(keyB)) {
            DataKey fresh = after.generateDataKey(EMAIL);
            assertEquals(keyB, fresh.keyId());
            assertNotEquals(keyA, fresh.keyId());
            EnvelopeCipher cipher = new EnvelopeCipher(after, EMAIL, KeyCachePolicy.DEFAULT);
            assertEquals("jake@example.com", cipher.decrypt(old, Map.of("userId", "7")));
            String renewed = cipher.encrypt("jake@example.com", Map.of("userId", "7"));
            assertEquals("jake@example.com", cipher.decrypt(renewed, Map.of("userId", "7")));
            assertTrue(Arrays.equals(fresh.plaintext(), after.decrypt(fresh.encrypted(), EMAIL)));
        }
    }

    @Test
    void theBlindIndexKeyIsStoredWrappedByKms() {
        BlindIndexTest.MemoryKeyStore store = new BlindIndexTest.MemoryKeyStore();
        try (KmsKeyProvider kms = provider(keyA)) {
            String a = BlindIndex.load(kms, store, "users.email").email("Jake@Example.com");
            String b = BlindIndex.load(kms, store, "users.email").email("jake@example.com");
            assertEquals(a, b);
            assertEquals(1, store.rows.size());
        }
    }
}
