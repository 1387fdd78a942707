package conduit.user;

import conduit.common.Failure;
import conduit.common.Identifiers;

/**
 * What a new password must be (ASVS 6.2): 8 to 256 characters, not blank, not built from a
 * context-specific word (the account's username, its email or the email's local part, or one of
 * {@link #CONTEXT_WORDS}) with only digits and punctuation added, and, unless the check is turned
 * off, not on the list of common and breached passwords. Any other character is allowed, spaces
 * and emoji included, and nothing else is demanded (no composition rules, no rotation).
 */
final class PasswordPolicy {
    /** The documented context-specific words (ASVS 6.1.2): the product's own names. */
    static final java.util.List<String> CONTEXT_WORDS = java.util.List.of("conduit", "realworld");
    static final int MIN_LENGTH = 8;
    /** NIST 800-63B asks for at least 64; the cap only bounds hashing work. */
    static final int MAX_LENGTH = 256;

    /** Null when the list check is off ({@code PASSWORD_LIST_CHECK=false}, third-party test suites only). */
    private final java.util.concurrent.Future<CommonPasswords> common;

    PasswordPolicy(CommonPasswords common) {
        this.common = common == null ? null : java.util.concurrent.CompletableFuture.completedFuture(common);
    }

    private PasswordPolicy(java.util.concurrent.Future<CommonPasswords> loading) {
        this.common = loading;
    }

    /**
     * The policy; the list (100,000 entries to read and fingerprint, a few hundred milliseconds of
     * CPU) is loaded by the first check that needs it, not at start-up: on two busy cores even a
     * background load delayed readiness by ~0.4 s.
     */
    static PasswordPolicy of(AccountPolicy policy) {
        if (!policy.passwordListCheck()) {
            return new PasswordPolicy((java.util.concurrent.Future<CommonPasswords>) null);
        }
        return new PasswordPolicy(new java.util.concurrent.FutureTask<>(() -> CommonPasswords.load(MIN_LENGTH)));
    }

    /** The password, when the account ({@code username}, {@code email}) may have it; else 422 naming "password". */
    String check(String password, String username, String email) {
        if (password == null || password.isBlank()) {
            throw Failure.blank("password");
        }
        if (password.codePointCount(0, password.length()) < MIN_LENGTH) {
            throw Failure.invalid("password", "is too short (minimum is " + MIN_LENGTH + " characters)");
        }
        if (password.length() > MAX_LENGTH && password.codePointCount(0, password.length()) > MAX_LENGTH) {
            throw Failure.tooLong("password", MAX_LENGTH);
        }
        int at = email == null ? -1 : email.lastIndexOf('@');
        if ((username != null && Identifiers.sameText(password, username))
                || (email != null && Identifiers.sameText(password, email))
                || (at > 0 && Identifiers.sameText(password, email.substring(0, at)))) {
            throw Failure.invalid("password", "must not be your username or email");
        }
        String letters = letters(password);
        for (String word : contextWords(username, at > 0 ? email.substring(0, at) : null)) {
            if (!word.isEmpty() && letters.equals(word)) {
                throw Failure.invalid("password", "must not be a name of this site or account with digits or symbols added");
            }
        }
        if (common != null && list().contains(password)) {
            throw Failure.invalid("password", "is too common (it is on a list of breached passwords)");
        }
        return password;
    }

    private CommonPasswords list() {
        if (common instanceof java.util.concurrent.FutureTask<CommonPasswords> task && !task.isDone()) {
            task.run(); // loads once; concurrent callers wait in get() below
        }
        try {
            return common.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the common-password list loads", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("the common-password list could not be loaded", e.getCause());
        }
    }

    private static java.util.List<String> contextWords(String username, String localPart) {
        java.util.List<String> words = new java.util.ArrayList<>(CONTEXT_WORDS);
        if (username != null) {
            words.add(letters(username));
        }
        if (localPart != null) {
            words.add(letters(localPart));
        }
        return words;
    }

    /** The letters of the text, case-folded: "Conduit-2024!" and "conduit" are the same word plus decoration. */
    private static String letters(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().filter(Character::isLetter).forEach(out::appendCodePoint);
        return Identifiers.emailKey(out.toString());
    }
}
