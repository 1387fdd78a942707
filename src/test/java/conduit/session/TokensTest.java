package conduit.session;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokensTest {
    @Test
    void theHashIsSha256InHexWhateverCameBefore() {
        // FIPS 180-2's example, and the same again after another hash: no state carries over.
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Tokens.hash("abc"));
        Tokens.hash(Tokens.newToken());
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Tokens.hash("abc"));
    }

    @Test
    void newTokensAreWellFormedAndDistinct() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String token = Tokens.newToken();
            assertTrue(Tokens.wellFormed(token), token);
            assertTrue(seen.add(Tokens.hash(token)));
        }
        assertFalse(Tokens.wellFormed("not a token"));
        assertFalse(Tokens.wellFormed("a".repeat(42) + "="));
    }
}
