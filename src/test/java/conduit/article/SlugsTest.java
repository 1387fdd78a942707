package conduit.article;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SlugsTest {
    @Test
    void kebabCasesAndFoldsAccents() {
        assertEquals("hello-world", Slugs.base("  Hello,   World!  "));
        assertEquals("creme-brulee-a-la-francaise", Slugs.base("Crème brûlée à la française"));
    }

    @Test
    void otherScriptsFallBackToAWord() {
        assertEquals("article", Slugs.base("中文 标题 🐉"));
    }

    @Test
    void baseIsBoundedAndTheSuffixIsRandom() {
        String slug = Slugs.of("a".repeat(500));
        assertTrue(slug.length() <= 60 + 9, slug);
        assertTrue(slug.matches("a+-[a-z0-9]{8}"), slug);
    }

    @Test
    void suffixesSpreadOverTheWholeAlphabetInEveryPosition() {
        java.util.Set<String> seen = new java.util.HashSet<>();
        java.util.List<java.util.Set<Character>> perPosition = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            perPosition.add(new java.util.HashSet<>());
        }
        for (int n = 0; n < 2000; n++) {
            String suffix = Slugs.suffix();
            assertTrue(suffix.matches("[a-z0-9]{8}"), suffix);
            seen.add(suffix);
            for (int i = 0; i < 8; i++) {
                perPosition.get(i).add(suffix.charAt(i));
            }
        }
        assertEquals(2000, seen.size(), "2000 suffixes, no repeats");
        for (int i = 0; i < 8; i++) {
            // A missing letter after 2000 draws has odds of about 1e-23 for uniform draws.
            assertEquals(36, perPosition.get(i).size(), "letters seen at position " + i);
        }
    }
}
