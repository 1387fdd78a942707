package conduit.user;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Makes a refused sign-up ("email has already been taken") take as long as an accepted one. Both
 * hash the password first, but an accepted sign-up then writes the account and starts a session,
 * tens of milliseconds that would still tell a taken email from a free one (and, on a small heap,
 * the collections its extra allocation brings on). So this instance keeps how long its last
 * {@link #SAMPLES} accepted sign-ups took from the hash on, and a refusal waits out the rest of
 * their median (at most {@link #MAX_PAD_MILLIS}) before it answers. The median, not a mean, so that
 * the slow first sign-ups after a start (cold code, a new data key) do not set the pace. A virtual
 * thread that sleeps holds nothing.
 */
final class SignupTiming {
    static final int SAMPLES = 9;
    static final long MAX_PAD_MILLIS = 2000;
    private final long[] recent = new long[SAMPLES];
    private int count;

    /** An accepted sign-up whose hash started at {@code startNanos} is done. */
    synchronized void accepted(long startNanos) {
        recent[count % SAMPLES] = System.nanoTime() - startNanos;
        count++;
    }

    /** A refused sign-up whose hash started at {@code startNanos}: waits until it took as long as an accepted one. */
    void refused(long startNanos) {
        long rest = Math.min(typicalNanos() - (System.nanoTime() - startNanos), TimeUnit.MILLISECONDS.toNanos(MAX_PAD_MILLIS));
        if (rest > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(rest);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The median duration of the recent accepted sign-ups; 0 before the first. */
    synchronized long typicalNanos() {
        int n = Math.min(count, SAMPLES);
        if (n == 0) {
            return 0;
        }
        long[] sorted = Arrays.copyOf(recent, n);
        Arrays.sort(sorted);
        return sorted[n / 2];
    }
}
