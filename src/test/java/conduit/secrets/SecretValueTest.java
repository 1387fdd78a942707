package conduit.secrets;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The rate-limited cache of a secret's string. The secret here is an in-memory value read
 * through a counting function (what is measured is how often the cache reads it); the reads
 * against moto's Secrets Manager are in SecretCredentialsTest and RedisRotationTest.
 */
class SecretValueTest {
    private final AtomicReference<String> stored = new AtomicReference<>("first");
    private final AtomicInteger reads = new AtomicInteger();
    private final AtomicLong now = new AtomicLong();

    private SecretValue value() {
        return new SecretValue("test/secret", () -> {
            reads.incrementAndGet();
            return stored.get();
        }, Duration.ofSeconds(5), now::get);
    }

    @Test
    void readsOnFirstUseOnlyAndNeverAgainWhileNothingIsRefused() {
        SecretValue value = value();
        assertEquals(0, reads.get(), "nothing read before first use");
        for (int i = 0; i < 100; i++) {
            assertEquals("first", value.current());
        }
        stored.set("second");
        now.addAndGet(Duration.ofHours(1).toNanos());
        assertEquals("first", value.current(), "current() never reads again by itself");
        assertEquals(1, reads.get());
    }

    @Test
    void refreshReadsAgainAtMostOncePerInterval() {
        SecretValue value = value();
        value.current();
        stored.set("second");
        now.addAndGet(Duration.ofSeconds(4).toNanos());
        assertEquals("first", value.refresh(), "read 4 s ago: not again yet");
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertEquals("second", value.refresh());
        assertEquals("second", value.current());
        stored.set("third");
        assertEquals("second", value.refresh(), "just read");
        assertEquals(2, reads.get());
    }

    @Test
    void manyRefusedLoginsAtOnceShareOneRead() throws Exception {
        SecretValue value = value();
        value.current();
        stored.set("rotated");
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return value.refresh();
                }));
            }
            go.countDown();
            for (Future<String> r : results) {
                assertEquals("rotated", r.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(2, reads.get(), "one read at start, one for all 64 refusals");
    }

    @Test
    void aSecretWithoutAStringIsAClearError() {
        stored.set(null);
        IllegalStateException e = assertThrows(IllegalStateException.class, value()::current);
        assertEquals("secret test/secret has no string value", e.getMessage());
    }
}
