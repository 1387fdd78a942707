package conduit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The layering rule of docs/ARCHITECTURE.md, read from the sources: nothing below the web edge
 * imports {@code conduit.web}: not the tier packages (cache, database, Redis, sessions, limits,
 * mail, crypto, ...) and not the domain's services and stores. Route classes, the view classes
 * that join services and the cache into response bytes, and the wiring in {@code App} are the
 * edge and may.
 */
class LayeringTest {
    private static final Path MAIN = Path.of("src/main/java/conduit");
    private static final Pattern WEB_IMPORT = Pattern.compile("^import( static)? conduit\\.web\\.", Pattern.MULTILINE);

    @Test
    void onlyTheWebEdgeImportsTheWebPackage() throws IOException {
        List<String> offenders;
        try (Stream<Path> files = Files.walk(MAIN)) {
            offenders = files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> belowTheEdge(MAIN.relativize(f)))
                    .filter(LayeringTest::importsWeb)
                    .map(f -> MAIN.relativize(f).toString())
                    .sorted()
                    .toList();
        }
        assertEquals(List.of(), offenders, "files below the web edge that import conduit.web");
    }

    @Test
    void theRuleSeesAnImportWhenThereIsOne() throws IOException {
        // A control: the scan finds the imports that do exist at the edge.
        assertTrue(importsWeb(MAIN.resolve("article/ArticleRoutes.java")));
        assertTrue(belowTheEdge(Path.of("cache/PublicViews.java")));
        assertTrue(belowTheEdge(Path.of("article/ArticleStore.java")));
    }

    private static final List<String> TIER_PACKAGES = List.of("backup", "cache", "common", "crypto", "db",
            "idempotency", "mail", "ops", "ratelimit", "redis", "secrets", "session", "viewer");

    private static boolean belowTheEdge(Path relative) {
        String name = relative.getFileName().toString();
        return TIER_PACKAGES.contains(relative.getName(0).toString())
                || name.endsWith("Service.java") || name.endsWith("Store.java");
    }

    private static boolean importsWeb(Path file) {
        try {
            return WEB_IMPORT.matcher(Files.readString(file)).find();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
