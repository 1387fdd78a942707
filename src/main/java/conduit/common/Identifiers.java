package conduit.common;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.lang.UCharacterEnums;
import com.ibm.icu.lang.UProperty;
import com.ibm.icu.text.Normalizer2;
import com.ibm.icu.text.SpoofChecker;

/**
 * The one normalisation of identifiers (usernames and emails), used by sign-up, login, account
 * changes, the email blind index, uniqueness and the login limiter alike, so that none of them can
 * disagree about whether two strings name the same account.
 *
 * <ul>
 *   <li>{@link #clean}: what is stored. Surrounding white space is dropped; control, format,
 *       invisible (default-ignorable), unassigned, private-use and surrogate code points are
 *       refused with a 422 naming the field (a zero-width space or a U+0001 would otherwise make a
 *       second account that looks like the first); the rest is put in Unicode NFKC, so
 *       full-width and other compatibility forms become the plain letters they stand for.</li>
 *   <li>{@link #emailKey}: what makes two emails the same: NFKC with case folding.</li>
 *   <li>{@link #usernameKey}: what makes two usernames the same: the UTS #39 confusable skeleton
 *       of the case-folded form (ICU's {@link SpoofChecker}), so "Alice", "аlice" (Cyrillic а) and
 *       "ａｌｉｃｅ" all collide with "alice"; hashed to a fixed size for a unique index.</li>
 *   <li>{@link #mixesScripts}: a username that mixes scripts the way spoofs do (Latin with
 *       Cyrillic or Greek), refused even when nothing like it exists yet.</li>
 * </ul>
 *
 * <p>The email key for ASCII addresses is exactly the earlier normalisation (trim, lower case),
 * so existing blind-index values stay valid; {@link #legacyEmailKey} is that earlier form, kept
 * for rows written before this one until the contract release (README, "Identifiers").
 */
public final class Identifiers {
    private static final Normalizer2 NFKC = Normalizer2.getNFKCInstance();
    private static final Normalizer2 NFKC_CASEFOLD = Normalizer2.getNFKCCasefoldInstance();
    /** Skeletons only (UTS #39 section 4): no checks configured. Thread-safe once built. */
    private static final SpoofChecker SKELETONS = new SpoofChecker.Builder().build();
    /** Moderately restrictive (UTS #39 section 5.2): Latin may mix with Han, Kana, Hangul, not Cyrillic or Greek. */
    private static final SpoofChecker SCRIPTS = new SpoofChecker.Builder()
            .setChecks(SpoofChecker.RESTRICTION_LEVEL | SpoofChecker.MIXED_NUMBERS)
            .setRestrictionLevel(SpoofChecker.RestrictionLevel.MODERATELY_RESTRICTIVE)
            .build();

    private Identifiers() {
    }

    /**
     * The value as stored: stripped of surrounding white space and in NFKC; 422 naming the field
     * when it holds a character that cannot be seen or typed reliably. Null stays null.
     */
    public static String clean(String field, String value) {
        if (value == null) {
            return null;
        }
        String stripped = value.strip();
        for (int i = 0; i < stripped.length(); ) {
            int cp = stripped.codePointAt(i);
            if (!visible(cp)) {
                throw Failure.invalid(field, "must not contain control, format or invisible characters");
            }
            i += Character.charCount(cp);
        }
        return NFKC.normalize(stripped);
    }

    /** The comparison key of an email: case-folded NFKC, surrounding white space ignored (as it always was). */
    public static String emailKey(String email) {
        return NFKC_CASEFOLD.normalize(email.strip());
    }

    /** The key emails had before this normalisation (trimmed, lower-cased); for rows written by earlier releases. */
    public static String legacyEmailKey(String email) {
        return email.trim().toLowerCase(Locale.ROOT);
    }

    /** The uniqueness key of a username (cleaned first): SHA-256 hex of the confusable skeleton of its case-folded form. */
    public static String usernameKey(String cleanedUsername) {
        String skeleton = SKELETONS.getSkeleton(NFKC_CASEFOLD.normalize(cleanedUsername));
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(skeleton.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }

    /** True when the username mixes scripts (or digit systems) the way spoofs do. */
    public static boolean mixesScripts(String cleanedUsername) {
        return SCRIPTS.failsChecks(cleanedUsername);
    }

    /** True when two identifiers are the same text ignoring case and compatibility forms. */
    public static boolean sameText(String a, String b) {
        return NFKC_CASEFOLD.normalize(a).equals(NFKC_CASEFOLD.normalize(b));
    }

    private static boolean visible(int cp) {
        int type = UCharacter.getType(cp);
        return switch (type) {
            case UCharacterEnums.ECharacterCategory.CONTROL, UCharacterEnums.ECharacterCategory.FORMAT,
                 UCharacterEnums.ECharacterCategory.SURROGATE, UCharacterEnums.ECharacterCategory.PRIVATE_USE,
                 UCharacterEnums.ECharacterCategory.UNASSIGNED, UCharacterEnums.ECharacterCategory.LINE_SEPARATOR,
                 UCharacterEnums.ECharacterCategory.PARAGRAPH_SEPARATOR -> false;
            default -> !UCharacter.hasBinaryProperty(cp, UProperty.DEFAULT_IGNORABLE_CODE_POINT)
                    && !UCharacter.hasBinaryProperty(cp, UProperty.NONCHARACTER_CODE_POINT);
        };
    }
}
