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
        assertTrue(hash.matches("\\$argon2id\\$v=19\\$m=7168,t=5,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}"), hash);
    }

    /**
     * Known answers from the Argon2 reference implementation (Debian's {@code argon2} command:
     * {@code echo -n PASSWORD | argon2 SALT -id -k M -t T -p 1 -l 32 -e}): hashes made elsewhere,
     * and those stored before the parameters changed, verify with the parameters they carry.
     */
    @Test
    void verifiesReferenceHashesAtTheirOwnParameters() {
        String stored = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$ZMyLX5OOgYkMcpYTw4VjeiHFcaexdlYA5bW8GabjXCg";
        assertTrue(hasher.verify("legacy password 1", stored), "a hash stored at the earlier 19 MiB, 2 passes");
        assertFalse(hasher.verify("legacy password 2", stored));
        String current = "$argon2id$v=19$m=7168,t=5,p=1$b3RoZXJzYWx0b3RoZXJzYQ$Va81O05q/Sr5VztDkstCIwIXChlM4O+bSMISq9fb79w";
        assertTrue(hasher.verify("current password 2", current), "a hash at today's 7 MiB, 5 passes");
        assertFalse(hasher.verify("current password 1", current));
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
