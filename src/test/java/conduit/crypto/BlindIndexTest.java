package conduit.crypto;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BlindIndexTest {
    @TempDir
    Path dataDir;

    /** The database table, in memory: a primary key on the name. */
    static final class MemoryKeyStore implements WrappedKeyStore {
        final Map<String, byte[]> rows = new ConcurrentHashMap<>();

        @Override
        public Optional<byte[]> find(String name) {
            return Optional.ofNullable(rows.get(name)).map(byte[]::clone);
        }

        @Override
        public boolean insertIfAbsent(String name, byte[] wrapped) {
            return rows.putIfAbsent(name, wrapped.clone()) == null;
        }
    }

    private static byte[] key(int seed) {
        byte[] key = new byte[32];
        java.util.Arrays.fill(key, (byte) seed);
        return key;
    }

    @Test
    void theIndexIsStableAnd64HexCharacters() {
        String a = BlindIndex.of(key(1)).email("jake@example.com");
        assertEquals(a, BlindIndex.of(key(1)).email("jake@example.com"));
        assertTrue(a.matches("[0-9a-f]{64}"), a);
        assertFalse(a.contains("jake"));
    }

    @Test
    void emailIndexIgnoresCaseAndSurroundingSpace() {
        BlindIndex index = BlindIndex.of(key(1));
        assertEquals(index.email("jake@example.com"), index.email("  Jake@EXAMPLE.com\t"));
        assertNotEquals(index.email("jake@example.com"), index.email("jake2@example.com"));
        // Locale.ROOT: a Turkish default locale must not turn "I" into a dotless ı.
        assertEquals(index.email("info@example.com"), index.email("INFO@EXAMPLE.COM"));
    }

    @Test
    void emailIndexIgnoresCompatibilityFormsAndKeepsAsciiIndexesAsTheyWere() {
        BlindIndex index = BlindIndex.of(key(1));
        // Full-width letters are the same address (NFKC)...
        assertEquals(index.email("jake@example.com"), index.email("ｊａｋｅ@example.com"));
        // ...and for ASCII the index is the one earlier releases stored (trim, lower case): existing rows keep working.
        assertEquals(index.legacyEmail("Jake@Example.com "), index.email("Jake@Example.com "));
        // Beyond ASCII the two differ where case folding goes further than lower case (ß folds to ss).
        assertEquals(index.email("strasse@example.com"), index.email("STRAßE@example.com"));
        assertNotEquals(index.legacyEmail("strasse@example.com"), index.legacyEmail("STRAßE@example.com"));
    }

    @Test
    void anotherKeyGivesAnotherIndex() {
        assertNotEquals(BlindIndex.of(key(1)).email("jake@example.com"), BlindIndex.of(key(2)).email("jake@example.com"));
    }

    @Test
    void loadStoresOneWrappedKeyAndIsIdempotent() {
        KeyProvider provider = LocalKeyProvider.open(dataDir);
        MemoryKeyStore store = new MemoryKeyStore();
        String first = BlindIndex.load(provider, store, "users.email").email("jake@example.com");
        byte[] wrapped = store.rows.get("users.email");
        String second = BlindIndex.load(provider, store, "users.email").email("jake@example.com");
        assertEquals(first, second);
        assertEquals(1, store.rows.size());
        assertTrue(java.util.Arrays.equals(wrapped, store.rows.get("users.email")), "the stored key is not replaced");
        assertEquals(61, wrapped.length, "stored wrapped (version, IV, key, tag), never as the raw 32 bytes");
        assertEquals(first, BlindIndex.load(LocalKeyProvider.open(dataDir), store, "users.email").email("jake@example.com"),
                "a restarted instance computes the same index");
    }

    @Test
    void eachNameHasItsOwnKey() {
        KeyProvider provider = LocalKeyProvider.open(dataDir);
        MemoryKeyStore store = new MemoryKeyStore();
        assertNotEquals(BlindIndex.load(provider, store, "users.email").email("jake@example.com"),
                BlindIndex.load(provider, store, "other.email").email("jake@example.com"));
    }

    @Test
    void instancesStartingAtOnceAgreeOnOneKey() throws Exception {
        KeyProvider provider = LocalKeyProvider.open(dataDir);
        MemoryKeyStore store = new MemoryKeyStore();
        int n = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return BlindIndex.load(provider, store, "users.email").email("jake@example.com");
                }));
            }
            start.countDown();
            Set<String> distinct = new java.util.HashSet<>();
            for (Future<String> f : results) {
                distinct.add(f.get());
            }
            assertEquals(1, distinct.size(), distinct.stream().collect(Collectors.joining(", ")));
        } finally {
            pool.shutdownNow();
        }
    }
}
