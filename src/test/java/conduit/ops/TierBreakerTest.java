package conduit.ops;

import java.sql.SQLException;
import java.time.Duration;

import conduit.db.SqlErrors;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A tier's breaker: opens on the tier's own failures, refuses at once while open, closes only on a probe. */
class TierBreakerTest {
    private static final RuntimeException DOWN = new RuntimeException(new SQLException("Communications link failure", "08S01"));
    private static final RuntimeException DUPLICATE = new RuntimeException(new SQLException("Duplicate entry", "23000", 1062));

    private final TierBreaker breaker = new TierBreaker("test-tier-" + System.nanoTime(), SqlErrors::tierDown, Duration.ofSeconds(1));

    private void fail(RuntimeException e) {
        try {
            breaker.call(() -> {
                throw e;
            });
        } catch (RuntimeException expected) {
            // the call's own failure
        }
    }

    @Test
    void opensAfterTheTiersFailuresAndThenRefusesAtOnce() {
        for (int i = 0; i < 4; i++) {
            fail(DOWN);
        }
        assertFalse(breaker.closed());
        java.util.concurrent.atomic.AtomicBoolean called = new java.util.concurrent.atomic.AtomicBoolean();
        TierBreaker.Unavailable refused = assertThrows(TierBreaker.Unavailable.class, () -> breaker.call(() -> {
            called.set(true);
            return "never runs";
        }));
        assertFalse(called.get(), "refused without calling the tier");
        assertTrue(TierBreaker.refused(new RuntimeException(refused)), "a refusal is recognised through wrappers");
    }

    @Test
    void theRequestsOwnErrorsDoNotCount() {
        for (int i = 0; i < 20; i++) {
            fail(DUPLICATE);
        }
        assertTrue(breaker.closed(), "a duplicate key is the request's business, not the tier's");
        assertEquals("ok", breaker.call(() -> "ok"));
    }

    @Test
    void onlyAProbeClosesItAndTwoFailedProbesOpenIt() {
        for (int i = 0; i < 4; i++) {
            fail(DOWN);
        }
        assertThrows(TierBreaker.Unavailable.class, () -> breaker.call(() -> "x"));
        breaker.probeSucceeded();
        assertTrue(breaker.closed());
        assertEquals("back", breaker.call(() -> "back"));

        breaker.probeFailed();
        assertTrue(breaker.closed(), "one failed probe may be a blip");
        breaker.probeFailed();
        assertFalse(breaker.closed(), "two in a row open it, even without traffic");
    }

    @Test
    void slowCallsCountAsFailures() {
        TierBreaker slow = new TierBreaker("slow-tier-" + System.nanoTime(), e -> true, Duration.ofMillis(20));
        for (int i = 0; i < 4; i++) {
            slow.call(() -> {
                try {
                    Thread.sleep(40);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            });
        }
        assertFalse(slow.closed(), "a tier that answers, but too slowly, is treated as down");
    }
}
