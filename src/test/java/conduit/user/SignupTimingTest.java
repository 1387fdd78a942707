package conduit.user;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SignupTimingTest {
    @Test
    void beforeAnyAcceptedSignUpARefusalIsNotPadded() {
        assertEquals(0, new SignupTiming().drawNanos());
    }

    @Test
    void drawsComeFromTheRecentAcceptedDurationsAndReachEachOfThem() {
        SignupTiming timing = new SignupTiming();
        for (long ms = 1; ms <= 5; ms++) {
            timing.record(TimeUnit.MILLISECONDS.toNanos(ms));
        }
        Set<Long> drawn = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            drawn.add(TimeUnit.NANOSECONDS.toMillis(timing.drawNanos()));
        }
        assertEquals(Set.of(1L, 2L, 3L, 4L, 5L), drawn);
    }

    @Test
    void onlyTheLastSamplesCount() {
        SignupTiming timing = new SignupTiming();
        timing.record(TimeUnit.SECONDS.toNanos(9));
        for (int i = 0; i < SignupTiming.SAMPLES; i++) {
            timing.record(TimeUnit.MILLISECONDS.toNanos(7));
        }
        for (int i = 0; i < 200; i++) {
            assertEquals(TimeUnit.MILLISECONDS.toNanos(7), timing.drawNanos());
        }
    }

    @Test
    void aRefusalTakesAtLeastAsLongAsTheAcceptedSignUpItDrew() {
        SignupTiming timing = new SignupTiming();
        timing.record(TimeUnit.MILLISECONDS.toNanos(60));
        assertTrue(refusalNanos(timing) >= TimeUnit.MILLISECONDS.toNanos(60));
    }

    @Test
    void theWaitIsCapped() {
        SignupTiming timing = new SignupTiming();
        timing.record(TimeUnit.HOURS.toNanos(1));
        long waited = refusalNanos(timing);
        assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(SignupTiming.MAX_PAD_MILLIS), "waited " + waited);
        assertTrue(waited < TimeUnit.MINUTES.toNanos(1), "waited " + waited);
    }

    /** How long a refusal whose hash ends now waits. */
    private static long refusalNanos(SignupTiming timing) {
        long start = System.nanoTime();
        timing.refused(start);
        return System.nanoTime() - start;
    }
}
