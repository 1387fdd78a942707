package conduit.user;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Makes a refused sign-up ("email has already been taken") take as long as an accepted one. Both
 * hash the password first, the same work either way; after the hash an accepted sign-up writes the
 * account and starts a session, tens of milliseconds that would still tell a taken email from a
 * free one. So this instance keeps how long the part after the hash took in its last
 * {@link #SAMPLES} accepted sign-ups, and a refusal waits until its own part after the hash took as
 * long as one of them drawn at random (at most {@link #MAX_PAD_MILLIS}).
 *
 * <p>Measured from the end of the hash, not its start: the hash's time varies with the collections
 * it brings on, and a refusal padded from the start would answer at the later of its own hash and
 * the one drawn, later than a free email most of the time. Drawn, not a fixed figure such as the
 * median: a refusal padded to the median is never faster than it, while half the accepted sign-ups
 * are. The probes measured P(taken answers later than free) at up to 0.80 for the median and 0.41
 * to 0.73 for a draw timed from the hash's start. A virtual thread that sleeps holds nothing.
 */
final class SignupTiming {
    static final int SAMPLES = 16;
    static final long MAX_PAD_MILLIS = 2000;
    private final long[] recent = new long[SAMPLES];
    private int count;

    /** An accepted sign-up whose hash ended at {@code startNanos} is done. */
    void accepted(long startNanos) {
        record(System.nanoTime() - startNanos);
    }

    synchronized void record(long nanos) {
        recent[count % SAMPLES] = nanos;
        count++;
    }

    /** A refused sign-up whose hash ended at {@code startNanos}: waits until it took as long as an accepted one. */
    void refused(long startNanos) {
        long rest = Math.min(drawNanos() - (System.nanoTime() - startNanos), TimeUnit.MILLISECONDS.toNanos(MAX_PAD_MILLIS));
        if (rest > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(rest);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The duration of one of the recent accepted sign-ups, at random; 0 before the first. */
    synchronized long drawNanos() {
        int n = Math.min(count, SAMPLES);
        return n == 0 ? 0 : recent[ThreadLocalRandom.current().nextInt(n)];
    }
}
