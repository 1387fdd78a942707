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

    private static String suffix() {
        char[] chars = new char[8];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(chars);
    }
}
