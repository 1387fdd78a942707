package conduit.article;

import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.Locale;

/**
 * URL-safe ASCII slugs: the title in kebab case (accents folded, other scripts dropped), cut to a
 * readable length, plus a random suffix so that equal titles get distinct slugs.
 */
public final class Slugs {
    private static final int MAX_BASE = 60;
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Slugs() {
    }

    public static String of(String title) {
        return base(title) + "-" + suffix();
    }

    static String base(String title) {
        String folded = Normalizer.normalize(title, Normalizer.Form.NFKD).toLowerCase(Locale.ROOT);
        StringBuilder out = new StringBuilder();
        boolean dash = false;
        for (int i = 0; i < folded.length() && out.length() < MAX_BASE; i++) {
            char c = folded.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                out.append(c);
                dash = false;
            } else if (Character.getType(c) == Character.NON_SPACING_MARK) {
                continue; // the accent of a folded letter
            } else if (!dash && !out.isEmpty()) {
                out.append('-');
                dash = true;
            }
        }
        int end = out.length();
        while (end > 0 && out.charAt(end - 1) == '-') {
            end--;
        }
        return end == 0 ? "article" : out.substring(0, end);
    }

    /**
     * 8 base-36 characters from one draw of 64 random bits (41 are used; the bias of taking
     * remainders of 2^64 is below 1e-7). One draw, not one per character: each call to the
     * system's SecureRandom takes a global lock and reads /dev/urandom, and eight of them were
     * 1.6 % of an article create's CPU (docs/BENCHMARKS.md, "Twelfth pass").
     */
    static String suffix() {
        long bits = RANDOM.nextLong();
        char[] chars = new char[8];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = ALPHABET[(int) Long.remainderUnsigned(bits, ALPHABET.length)];
            bits = Long.divideUnsigned(bits, ALPHABET.length);
        }
        return new String(chars);
    }
}
