package conduit.ratelimit;

import java.time.Duration;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The in-process buckets stay bounded without handing out fresh attempts to keys in use. */
class LocalBucketsTest {
    private static final Bandwidth THREE_PER_HOUR = Bandwidth.builder().capacity(3).refillGreedy(3, Duration.ofHours(1)).build();

    @Test
    void atTheBoundFullBucketsGoFirstAndUsedOnesKeepTheirCount() {
        LocalBuckets buckets = new LocalBuckets(10);
        Bucket attacked = buckets.get("victim", THREE_PER_HOUR);
        assertTrue(attacked.tryConsume(3));
        for (int i = 0; i < 20; i++) {
            buckets.get("idle-" + i, THREE_PER_HOUR); // never used: full
        }
        assertTrue(buckets.size() <= 10, "bounded: " + buckets.size());
        assertFalse(buckets.get("victim", THREE_PER_HOUR).tryConsume(1), "the used bucket was kept, still empty");
    }

    @Test
    void whenEveryBucketIsInUseTheMapStartsAgainRatherThanGrow() {
        LocalBuckets buckets = new LocalBuckets(5);
        for (int i = 0; i < 5; i++) {
            buckets.get("k" + i, THREE_PER_HOUR).tryConsume(1);
        }
        buckets.get("one-more", THREE_PER_HOUR);
        assertEquals(1, buckets.size());
    }
}
