package conduit.ops;

import java.util.Random;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What {@link JsonLogFormatter#redact} masks: addresses and token-shaped strings, nothing else; and
 * its quicker form (runs taken whole, texts without {@code @} or shorter than a token skipped)
 * masks exactly what the plain patterns it replaced masked.
 */
class LogRedactionTest {
    /** The patterns as they were before the quick paths: the reference. */
    private static final Pattern PLAIN_EMAIL = Pattern.compile("[^\\s'\"<>@,;:]+@[^\\s'\"<>@,;:]+\\.[^\\s'\"<>@,;:]+");
    private static final Pattern PLAIN_TOKEN = Pattern.compile("(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])");

    private static String plain(String text) {
        return PLAIN_TOKEN.matcher(PLAIN_EMAIL.matcher(text).replaceAll("[email]")).replaceAll("[token]");
    }

    @Test
    void masksAddressesAndTokensAndNothingElse() {
        String token = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde".substring(0, 43);
        assertEquals("user [email] failed", JsonLogFormatter.redact("user carol.d+x@example.co.uk failed"));
        assertEquals("<[email]>, '[email]'", JsonLogFormatter.redact("<a@b.io>, 'c@d.io'"));
        assertEquals("token [token] refused", JsonLogFormatter.redact("token " + token + " refused"));
        assertEquals(token + "X", JsonLogFormatter.redact(token + "X"), "44 characters are not a token");
        assertEquals("GET /api/articles 200", JsonLogFormatter.redact("GET /api/articles 200"));
        assertEquals("com.mysql.cj.jdbc.ConnectionImpl@65d1adc4 marked as broken",
                JsonLogFormatter.redact("com.mysql.cj.jdbc.ConnectionImpl@65d1adc4 marked as broken"), "no dot after the @");
        assertEquals(null, JsonLogFormatter.redact(null));
    }

    @Test
    void masksWhatThePlainPatternsMasked() {
        String alphabet = "ab.@ _-:<>'\"x9Z,;\n\t";
        Random random = new Random(19);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(120);
            for (int j = 0; j < length; j++) {
                // Mostly letters, so that words and 43-character runs occur.
                text.append(random.nextInt(3) == 0 ? alphabet.charAt(random.nextInt(alphabet.length()))
                        : (char) ('a' + random.nextInt(26)));
            }
            String t = text.toString();
            assertEquals(plain(t), JsonLogFormatter.redact(t), t);
        }
    }
}
