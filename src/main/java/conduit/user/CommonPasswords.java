package conduit.user;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

import me.gosimple.nbvcxz.resources.DictionaryUtil;

/**
 * The list of common and breached passwords (ASVS 6.2.4): nbvcxz's ranked list of the 100,000
 * passwords seen most often in breach corpora. Only entries that the length policy would accept
 * (8 or more characters) can matter, about 39,000; they are kept as sorted 64-bit fingerprints of
 * their lower-cased form (0.3 MB, instead of ~5 MB of strings on an 80 MB heap), and a password is
 * "on the list" when its lower-cased form's fingerprint is there. A false match needs a 64-bit
 * collision among 39,000 values: about one in 10^10.
 *
 * <p>Updated with the library: a newer {@code me.gosimple:nbvcxz} brings a newer list.
 */
final class CommonPasswords {
    private final long[] fingerprints;

    private CommonPasswords(long[] fingerprints) {
        this.fingerprints = fingerprints;
    }

    /** Reads the library's list once; entries shorter than {@code minLength} are left out. */
    static CommonPasswords load(int minLength) {
        Map<String, Integer> ranked = DictionaryUtil.loadRankedDictionary(DictionaryUtil.passwords);
        long[] prints = ranked.keySet().stream()
                .filter(p -> p.codePointCount(0, p.length()) >= minLength)
                .mapToLong(CommonPasswords::fingerprint)
                .sorted().distinct().toArray();
        if (prints.length < 10_000) {
            throw new IllegalStateException("the common-password list has only " + prints.length + " usable entries");
        }
        return new CommonPasswords(prints);
    }

    boolean contains(String password) {
        return Arrays.binarySearch(fingerprints, fingerprint(password)) >= 0;
    }

    int size() {
        return fingerprints.length;
    }

    private static long fingerprint(String password) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(password.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            long value = 0;
            for (int i = 0; i < 8; i++) {
                value = value << 8 | (digest[i] & 0xff);
            }
            return value;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }
}
