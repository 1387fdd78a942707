package conduit.crypto;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Envelope encryption with the local key provider: the same code path as with KMS. */
class EnvelopeCipherTest {
    private static final Map<String, String> EMAIL = Map.of("app", "conduit", "table", "users", "column", "email");
    private static final Map<String, String> ROW_7 = Map.of("userId", "7");
    private static final Map<String, String> ROW_8 = Map.of("userId", "8");

    @TempDir
    Path dataDir;

    private EnvelopeCipher cipher(KeyProvider provider) {
        return new EnvelopeCipher(provider, EMAIL, KeyCachePolicy.DEFAULT);
    }

    @Test
    void roundTripsAsciiEmojiAndCjk() {
        EnvelopeCipher cipher = cipher(LocalKeyProvider.open(dataDir));
        for (String plain : List.of("jake@example.com", "🐉 dragon@例え.jp", "用户@例子.广告", "", "ümlaut@ß.de")) {
            String stored = cipher.encrypt(plain, ROW_7);
            assertFalse(stored.contains(plain.isEmpty() ? "\0" : plain), "plaintext leaked into " + stored);
            assertEquals(plain, cipher.decrypt(stored, ROW_7));
        }
    }

    @Test
    void valueMovedToAnotherRowFailsToDecrypt() {
        EnvelopeCipher cipher = cipher(LocalKeyProvider.open(dataDir));
        String stored = cipher.encrypt("jake@example.com", ROW_7);
        DecryptionFailedException e = assertThrows(DecryptionFailedException.class, () -> cipher.decrypt(stored, ROW_8));
        assertTrue(e.getMessage().contains("encryption context"), e.getMessage());
    }

    @Test
    void valueMovedToAnotherColumnFailsToDecrypt() {
        KeyProvider provider = LocalKeyProvider.open(dataDir);
        String stored = cipher(provider).encrypt("jake@example.com", ROW_7);
        EnvelopeCipher bio = new EnvelopeCipher(provider, Map.of("app", "conduit", "table", "users", "column", "bio"),
                KeyCachePolicy.DEFAULT);
        assertThrows(DecryptionFailedException.class, () -> bio.decrypt(stored, ROW_7));
    }

    @Test
    void anyTamperedPartFailsToDecrypt() {
        EnvelopeCipher cipher = cipher(LocalKeyProvider.open(dataDir));
        String stored = cipher.encrypt("jake@example.com", ROW_7);
        String[] parts = stored.split("\\.");
        for (int part = 1; part <= 3; part++) {
            byte[] bytes = Base64.getUrlDecoder().decode(parts[part]);
            bytes[bytes.length / 2] ^= 0x01;
            String[] changed = parts.clone();
            changed[part] = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            String tampered = String.join(".", changed);
            // A fresh cipher, so a tampered wrapped key really goes to the provider.
            assertThrows(DecryptionFailedException.class, () -> cipher(LocalKeyProvider.open(dataDir)).decrypt(tampered, ROW_7),
                    "part " + part);
            assertThrows(DecryptionFailedException.class, () -> cipher.decrypt(tampered, ROW_7), "part " + part);
        }
        assertThrows(DecryptionFailedException.class, () -> cipher.decrypt(stored.substring(0, stored.length() - 2), ROW_7));
        assertThrows(DecryptionFailedException.class, () -> cipher.decrypt("v1.%%%.x.y", ROW_7));
        assertThrows(DecryptionFailedException.class, () -> cipher.decrypt(null, ROW_7));
    }

    @Test
    void formatIsVersionedSelfDescribingAndFitsTheColumn() {
        EnvelopeCipher cipher = cipher(LocalKeyProvider.open(dataDir));
        String longest = "a".repeat(64) + "@" + "b".repeat(185) + ".com"; // 254 characters
        String stored = cipher.encrypt(longest, ROW_7);
        String[] parts = stored.split("\\.");
        assertEquals(4, parts.length);
        assertEquals("v1", parts[0]);
        assertEquals(12, Base64.getUrlDecoder().decode(parts[2]).length, "96-bit IV");
        assertEquals(254 + 16, Base64.getUrlDecoder().decode(parts[3]).length, "ciphertext + 128-bit tag");
        assertTrue(stored.matches("[A-Za-z0-9_.-]+"), "plain ASCII: " + stored);
        assertTrue(stored.length() < 700, "length " + stored.length());
        assertNotEquals(stored, cipher.encrypt(longest, ROW_7), "a fresh IV per value");
        assertThrows(DecryptionFailedException.class, () -> cipher.decrypt("v2" + stored.substring(2), ROW_7));
    }

    @Test
    void aDataKeyEncryptsAtMostMaxUsesValues() {
        CountingKeyProvider provider = new CountingKeyProvider(LocalKeyProvider.open(dataDir));
        EnvelopeCipher cipher = new EnvelopeCipher(provider, EMAIL,
                new KeyCachePolicy(3, Duration.ofMinutes(5), 100, Duration.ofMinutes(5)));
        List<String> stored = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            stored.add(cipher.encrypt("user" + i + "@example.com", Map.of("userId", "" + i)));
        }
        assertEquals(3, provider.generated.get(), "7 values, 3 per key");
        assertEquals(3, stored.stream().map(s -> s.split("\\.")[1]).distinct().count());
        for (int i = 0; i < 7; i++) {
            assertEquals("user" + i + "@example.com", cipher.decrypt(stored.get(i), Map.of("userId", "" + i)));
        }
        assertEquals(0, provider.decrypted.get(), "keys this instance made are already unwrapped");
    }

    @Test
    void aDataKeyIsReplacedAfterMaxAge() {
        AtomicLong now = new AtomicLong();
        CountingKeyProvider provider = new CountingKeyProvider(LocalKeyProvider.open(dataDir));
        EnvelopeCipher cipher = new EnvelopeCipher(provider, EMAIL,
                new KeyCachePolicy(1000, Duration.ofMinutes(5), 100, Duration.ofMinutes(5)), now::get);
        cipher.encrypt("a@example.com", ROW_7);
        now.addAndGet(Duration.ofMinutes(4).toNanos());
        cipher.encrypt("b@example.com", ROW_7);
        assertEquals(1, provider.generated.get());
        now.addAndGet(Duration.ofMinutes(2).toNanos());
        cipher.encrypt("c@example.com", ROW_7);
        assertEquals(2, provider.generated.get(), "older than 5 minutes");
    }

    @Test
    void unwrappedKeysAreCachedForABoundedTime() {
        String[] stored = new String[5];
        EnvelopeCipher writer = cipher(LocalKeyProvider.open(dataDir));
        for (int i = 0; i < stored.length; i++) {
            stored[i] = writer.encrypt("u" + i + "@example.com", ROW_7);
        }
        AtomicLong now = new AtomicLong();
        CountingKeyProvider provider = new CountingKeyProvider(LocalKeyProvider.open(dataDir));
        EnvelopeCipher reader = new EnvelopeCipher(provider, EMAIL,
                new KeyCachePolicy(1000, Duration.ofMinutes(5), 100, Duration.ofMinutes(1)), now::get);
        for (int i = 0; i < stored.length; i++) {
            assertEquals("u" + i + "@example.com", reader.decrypt(stored[i], ROW_7));
        }
        assertEquals(1, provider.decrypted.get(), "one data key behind all five values");
        now.addAndGet(Duration.ofSeconds(61).toNanos());
        reader.decrypt(stored[0], ROW_7);
        assertEquals(2, provider.decrypted.get(), "expired from the cache");
    }

    @Test
    void theNumberOfUnwrappedKeysKeptIsBounded() {
        EnvelopeCipher writer = new EnvelopeCipher(LocalKeyProvider.open(dataDir), EMAIL,
                new KeyCachePolicy(1, Duration.ofMinutes(5), 100, Duration.ofMinutes(5)));
        String a = writer.encrypt("a@example.com", ROW_7);
        String b = writer.encrypt("b@example.com", ROW_7);
        CountingKeyProvider provider = new CountingKeyProvider(LocalKeyProvider.open(dataDir));
        EnvelopeCipher reader = new EnvelopeCipher(provider, EMAIL,
                new KeyCachePolicy(1000, Duration.ofMinutes(5), 1, Duration.ofMinutes(5)));
        reader.decrypt(a, ROW_7);
        reader.decrypt(b, ROW_7); // evicts a's key: at most one is kept
        reader.decrypt(a, ROW_7);
        assertEquals(3, provider.decrypted.get());
    }

    @Test
    void theLocalMasterKeyIsAMode600FileMadeOnceAndReused() throws Exception {
        String stored = cipher(LocalKeyProvider.open(dataDir)).encrypt("jake@example.com", ROW_7);
        Path keyFile = dataDir.resolve("keys/master.key");
        assertEquals(32, Files.size(keyFile));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
        assertEquals("jake@example.com", cipher(LocalKeyProvider.open(dataDir)).decrypt(stored, ROW_7),
                "a restarted app reads what it wrote");
    }

    @Test
    void theLocalProviderRejectsAWrongContextLikeKms() {
        LocalKeyProvider provider = LocalKeyProvider.open(dataDir);
        DataKey key = provider.generateDataKey(EMAIL);
        assertEquals(32, key.plaintext().length);
        assertTrue(java.util.Arrays.equals(key.plaintext(), provider.decrypt(key.encrypted(), EMAIL)));
        assertThrows(DecryptionFailedException.class,
                () -> provider.decrypt(key.encrypted(), Map.of("app", "conduit", "table", "users", "column", "bio")));
        assertFalse(key.toString().contains(java.util.Arrays.toString(key.plaintext())));
    }

    @Test
    void aRowContextThatContradictsTheKeyContextIsRefused() {
        EnvelopeCipher cipher = cipher(LocalKeyProvider.open(dataDir));
        assertThrows(IllegalArgumentException.class, () -> cipher.encrypt("x", Map.of("column", "bio")));
    }
}
