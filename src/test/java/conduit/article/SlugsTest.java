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
}
