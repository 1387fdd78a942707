package conduit.common;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one normalisation of usernames and emails: what is refused, what is stored, what counts as the same. */
class IdentifiersTest {

    @Test
    void invisibleAndControlCharactersAreRefusedNamingTheField() {
        for (String bad : new String[] {"carol@example.com\u0001", "carol@example.com\u200b", "ca\u200drol", "a\u00adb",
                "x\ufeff", "rtl\u202eevil", "a\u2028b", "pua\ue000", "a\ufe0fb", "un\u0378assigned"}) {
            Failure f = assertThrows(Failure.class, () -> Identifiers.clean("email", bad), bad);
            assertEquals("must not contain control, format or invisible characters", f.errors().get("email").get(0));
        }
        // The check can pass: ordinary letters of any script, digits, punctuation.
        assertEquals("josé.ünal_東京-1", Identifiers.clean("username", "josé.ünal_東京-1"));
    }

    @Test
    void storedFormIsStrippedAndNfkc() {
        assertEquals("alice", Identifiers.clean("username", "  ａｌｉｃｅ \t"));
        assertEquals("fi", Identifiers.clean("username", "ﬁ"), "the fi ligature");
        // Composed: e + combining acute becomes é.
        assertEquals("é", Identifiers.clean("username", "e\u0301"));
        assertEquals(null, Identifiers.clean("username", null));
    }

    @Test
    void lookAlikeUsernamesShareAKey() {
        String alice = Identifiers.usernameKey("alice");
        assertEquals(alice, Identifiers.usernameKey("Alice"));
        assertEquals(alice, Identifiers.usernameKey("ALICE"));
        assertEquals(alice, Identifiers.usernameKey("\u0430lice"), "Cyrillic а");
        assertEquals(alice, Identifiers.usernameKey(Identifiers.clean("username", "ａｌｉｃｅ")));
        assertEquals(Identifiers.usernameKey("modern"), Identifiers.usernameKey("rnodern"), "rn looks like m");
        assertEquals(Identifiers.usernameKey("paypal1"), Identifiers.usernameKey("paypall"), "1 looks like l");
        // ...and different names do not.
        assertNotEquals(alice, Identifiers.usernameKey("alicia"));
        assertNotEquals(Identifiers.usernameKey("user_1234"), Identifiers.usernameKey("user_1235"));
        assertTrue(alice.matches("[0-9a-f]{64}"), alice);
    }

    @Test
    void mixedScriptUsernamesAreSuspicious() {
        assertTrue(Identifiers.mixesScripts("p\u0430ypal"), "Latin with a Cyrillic а");
        assertTrue(Identifiers.mixesScripts("\u03bfscar"), "Greek omicron with Latin");
        assertFalse(Identifiers.mixesScripts("paypal"));
        assertFalse(Identifiers.mixesScripts("\u0430\u043b\u0438\u0441\u0430"), "all Cyrillic is fine");
        assertFalse(Identifiers.mixesScripts("tanaka_田中"), "Latin with Han is a usual mix");
    }

    @Test
    void emailKeysFoldCaseAndCompatibilityFormsAndKeepAsciiAsBefore() {
        assertEquals(Identifiers.emailKey("carol@example.com"), Identifiers.emailKey("CAROL@Example.COM"));
        assertEquals(Identifiers.emailKey("carol@example.com"), Identifiers.emailKey(Identifiers.clean("email", "ｃａｒｏｌ@example.com")));
        for (String ascii : new String[] {"Jake@Example.com", " x.Y+z@EXAMPLE.org ", "INFO@example.com"}) {
            assertEquals(Identifiers.legacyEmailKey(ascii), Identifiers.emailKey(ascii), ascii);
        }
        assertNotEquals(Identifiers.emailKey("carol@example.com"), Identifiers.emailKey("carol2@example.com"));
    }
}
