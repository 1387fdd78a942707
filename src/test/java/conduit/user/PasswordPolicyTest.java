package conduit.user;

import conduit.common.Failure;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ASVS 6.2 password rules, with nbvcxz's breached-password list loaded for real. */
class PasswordPolicyTest {
    private static final CommonPasswords LIST = CommonPasswords.load(PasswordPolicy.MIN_LENGTH);
    private final PasswordPolicy checked = new PasswordPolicy(LIST);
    private final PasswordPolicy unchecked = new PasswordPolicy(null);

    private static String refusal(PasswordPolicy policy, String password, String username, String email) {
        Failure f = assertThrows(Failure.class, () -> policy.check(password, username, email), password);
        return f.errors().get("password").get(0);
    }

    @Test
    void theListHoldsTensOfThousandsOfPasswordsOfAcceptableLength() {
        assertTrue(LIST.size() > 30_000, "entries: " + LIST.size());
        for (String common : new String[] {"12345678", "password123", "Password1", "qwertyuiop", "iloveyou1", "trustno1",
                "correcthorsebatterystaple", "bonjour1"}) {
            assertTrue(LIST.contains(common), common);
        }
        assertTrue(!LIST.contains("correct horse") && !LIST.contains("kq8#zw2p-unusual"), "uncommon ones are not on it");
    }

    @Test
    void commonPasswordsAreRefusedUnlessTheCheckIsOff() {
        assertEquals("is too common (it is on a list of breached passwords)", refusal(checked, "12345678", "carol", "c@example.com"));
        assertEquals("is too common (it is on a list of breached passwords)", refusal(checked, "PASSWORD123", "carol", "c@example.com"));
        assertEquals("password123", unchecked.check("password123", "carol", "c@example.com"));
        assertEquals("correct horse", checked.check("correct horse", "carol", "c@example.com"));
    }

    @Test
    void lengthBlanknessAndTheAccountsOwnNames() {
        assertEquals("is too short (minimum is 8 characters)", refusal(checked, "1234567", "carol", "c@example.com"));
        assertEquals("is too short (minimum is 8 characters)", refusal(checked, "🐉🐉🐉🐉", "carol", "c@example.com"));
        assertEquals("🐉🐉🐉🐉🐉🐉🐉🐉", checked.check("🐉🐉🐉🐉🐉🐉🐉🐉", "carol", "c@example.com"));
        assertEquals("is too long (maximum is 256 characters)", refusal(checked, "x".repeat(257), "carol", "c@example.com"));
        assertEquals("x".repeat(256), checked.check("x".repeat(256), "carol", "c@example.com"));
        assertEquals("can't be blank", refusal(checked, "        ", "carol", "c@example.com"));
        assertEquals("can't be blank", refusal(checked, null, "carol", "c@example.com"));
        assertEquals("must not be your username or email", refusal(unchecked, "CarolineX", "carolinex", "c@example.com"));
        assertEquals("must not be your username or email", refusal(unchecked, "carol.smith@example.com", "cs", "Carol.Smith@example.com"));
        assertEquals("must not be your username or email", refusal(unchecked, "carol.smith", "cs", "carol.smith@example.com"));
    }

    @Test
    void contextWordsWithOnlyDigitsAndSymbolsAddedAreRefused() {
        String refusal = "must not be a name of this site or account with digits or symbols added";
        assertEquals(refusal, refusal(unchecked, "Conduit-2024!", "carol", "c@example.com"));
        assertEquals(refusal, refusal(unchecked, "realworld123", "carol", "c@example.com"));
        assertEquals(refusal, refusal(unchecked, "carol_1984!", "carol_1984", "x@example.com"));
        assertEquals(refusal, refusal(unchecked, "Smith.1970", "cs", "smith@example.com"));
        // A context word inside a longer passphrase is fine.
        assertEquals("conduit is where I blog", unchecked.check("conduit is where I blog", "carol", "c@example.com"));
        assertEquals("carolina-sunset-42", unchecked.check("carolina-sunset-42", "carol", "c@example.com"));
    }
}
