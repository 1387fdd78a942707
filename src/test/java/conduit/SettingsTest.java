package conduit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import conduit.db.DbSettings;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Settings from the environment: embedded defaults, named values, and refusals that name the variable. */
class SettingsTest {

    @Test
    void nothingSetMeansEveryTierEmbedded() {
        Settings s = Settings.fromEnvironment(Map.of());
        assertEquals(8080, s.port());
        assertEquals(9090, s.observePort());
        assertTrue(s.db().embedded());
        assertNull(s.redis());
        assertEquals(Duration.ofSeconds(30), s.cacheTtl());
        assertEquals("embedded H2, in-process sessions and cache, local key, local files, http", s.mode());
    }

    @Test
    void mysqlModeReadsEveryDatabaseSettingByName() {
        Settings s = Settings.fromEnvironment(Map.of("DB_WRITER_URL", "jdbc:mysql://w/conduit", "DB_READER_URL",
                "jdbc:mysql://r/conduit", "DB_USERNAME", "app", "DB_READER_POOL_SIZE", "3", "DB_MAX_REPLICA_LAG_MS", "750",
                "DB_WRITER_TX_POOL_SIZE", "6"));
        assertEquals("jdbc:mysql://r/conduit", s.db().readerUrl());
        assertEquals(3, s.db().readerPoolSize());
        assertEquals(10, s.db().writerPoolSize(), "unset: the default");
        assertEquals(6, s.db().transactionPoolSize());
        assertEquals(Duration.ofMillis(750), s.db().maxReplicaLag());
        assertTrue(s.db().splitReads());
    }

    @Test
    void aTestChangesOneValueByName() {
        Settings base = Settings.embedded(Path.of("/tmp/x"));
        Settings changed = base.toBuilder().cacheTtl(Duration.ZERO).build();
        assertEquals(Duration.ZERO, changed.cacheTtl());
        assertEquals(base.db(), changed.db());
        assertEquals(base.edge(), changed.edge());
        DbSettings db = DbSettings.builder().writerUrl("jdbc:mysql://w/c").credentials("u", "p").build();
        assertEquals(db.withReplicaBounds(Duration.ofSeconds(1), Duration.ofSeconds(9)).maxReplicaLag(), Duration.ofSeconds(9));
    }

    @Test
    void badValuesStopTheStartUpNamingTheVariable() {
        assertMessage("PORT must be an integer", Map.of("PORT", "80x"));
        assertMessage("PORT must be 0..65535", Map.of("PORT", "70000"));
        assertMessage("OBSERVE_PORT must differ from PORT", Map.of("PORT", "8000", "OBSERVE_PORT", "8000"));
        assertMessage("CACHE_TTL_MS must be >= 0", Map.of("CACHE_TTL_MS", "-1"));
        assertMessage("DB_USERNAME must be set", Map.of("DB_WRITER_URL", "jdbc:mysql://w/c"));
        assertMessage("DB_WRITER_POOL_SIZE must be >= 1", Map.of("DB_WRITER_URL", "jdbc:mysql://w/c", "DB_USERNAME", "u",
                "DB_WRITER_POOL_SIZE", "0"));
        assertMessage("DB_WRITER_TX_POOL_SIZE must be >= 1", Map.of("DB_WRITER_URL", "jdbc:mysql://w/c", "DB_USERNAME", "u",
                "DB_WRITER_TX_POOL_SIZE", "0"));
        assertMessage("REDIS_URL must start with redis://", Map.of("REDIS_URL", "http://cache:6379"));
        assertMessage("REDIS_TIMEOUT_MS must be > 0", Map.of("REDIS_URL", "redis://cache:6379", "REDIS_TIMEOUT_MS", "0"));
        assertMessage("REDIS_CLUSTER must be true or false", Map.of("REDIS_URL", "redis://c:1", "REDIS_CLUSTER", "maybe"));
    }

    private static void assertMessage(String expected, Map<String, String> env) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Settings.fromEnvironment(env));
        assertTrue(e.getMessage().startsWith(expected), "expected '" + expected + "...', got: " + e.getMessage());
    }
}
