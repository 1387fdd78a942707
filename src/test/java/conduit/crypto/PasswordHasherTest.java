package conduit.crypto;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PasswordHasherTest {
    private final PasswordHasher hasher = new PasswordHasher(2);

    @Test
    void hashIsArgon2idPhcStringAtAsvsParameters() {
        String hash = hasher.hash("correct horse battery staple");
        assertTrue(hash.matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}"), hash);
    }

    @Test
    void verifiesTheRightPasswordOnly() {
        String hash = hasher.hash("pässwörd 🐉");
        assertTrue(hasher.verify("pässwörd 🐉", hash));
        assertFalse(hasher.verify("passwörd 🐉", hash));
        assertFalse(hasher.verify("", hash));
    }

    @Test
    void saltMakesEqualPasswordsHashDifferently() {
        assertNotEquals(hasher.hash("same password"), hasher.hash("same password"));
    }

    @Test
    void unknownAccountAndMalformedHashesNeverVerify() {
        assertFalse(hasher.verify("anything", null));
        assertFalse(hasher.verify("anything", "$2a$10$bcrypt-is-not-accepted"));
    }
}
