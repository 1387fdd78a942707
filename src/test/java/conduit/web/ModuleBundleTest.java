package conduit.web;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The start-up combiner: what it makes of each supported module shape, and what it refuses. */
class ModuleBundleTest {
    private static Map<String, byte[]> files(String... pathsAndTexts) {
        Map<String, byte[]> files = new TreeMap<>();
        for (int i = 0; i < pathsAndTexts.length; i += 2) {
            files.put(pathsAndTexts[i], pathsAndTexts[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return files;
    }

    @Test
    void dependenciesComeFirstAndEachImportFormReadsTheExportObject() {
        String bundle = ModuleBundle.combine(files(
                "/assets/app.js", """
                        import { a, b as bee } from './lib/x.js';
                        import * as ns from './lib/x.js';
                        import Def from './vendor/v.mjs';
                        import './side.js';
                        export function run() { return a + bee + ns.a + Def; }
                        """,
                "/assets/lib/x.js", """
                        import { helper } from '../side.js';
                        export const a = helper();
                        export async function b() {}
                        const hidden = 1;
                        """,
                "/assets/side.js", "export function helper() { return 1; }\n",
                "/assets/vendor/v.mjs", "function q(){return 2}var z=q();export{z as default,q};\n"), "/assets/app.js");

        int side = bundle.indexOf("// /assets/side.js");
        int x = bundle.indexOf("// /assets/lib/x.js");
        int v = bundle.indexOf("// /assets/vendor/v.mjs");
        int app = bundle.indexOf("// /assets/app.js");
        assertTrue(side >= 0 && side < x && x < v && v < app, "dependencies before dependants, each once: " + bundle);
        assertEquals(bundle.indexOf("// /assets/side.js"), bundle.lastIndexOf("// /assets/side.js"));
        assertTrue(bundle.contains("const { helper } = $m0;"), bundle);
        assertTrue(bundle.contains("const a = helper();"), bundle);
        assertTrue(bundle.contains("return { a: a, b: b };"), "only exports leave the module: " + bundle);
        assertTrue(bundle.contains("const { a, b: bee } = $m1;"), bundle);
        assertTrue(bundle.contains("const ns = $m1;"), bundle);
        assertTrue(bundle.contains("const Def = $m2.default;"), bundle);
        assertTrue(bundle.contains("return { default: z, q: q };"), bundle);
        assertFalse(bundle.matches("(?s).*^\\s*(import|export)\\b.*"), "no import or export is left: " + bundle);
    }

    @Test
    void eachModuleBecomesAFunctionScopeReturningItsExports() {
        // The exact text; running the UI's real bundle is the browser tests' job (scripts/test-ui).
        String bundle = ModuleBundle.combine(files(
                "/assets/app.js", "import { two } from './two.js';\nexport const four = two * 2;\n",
                "/assets/two.js", "export const two = 2;\n"), "/assets/app.js");
        assertEquals("""
                // One file for 2 of the UI's modules, combined by conduit.web.ModuleBundle when the server starts; the sources sit next to it.
                // /assets/two.js
                const $m0 = (() => {
                const two = 2;

                return { two: two };
                })();
                // /assets/app.js
                const $m1 = (() => {
                const { two } = $m0;
                const four = two * 2;

                return { four: four };
                })();
                const { four: $e_four } = $m1;
                export { $e_four as four };
                """, bundle);
    }

    @Test
    void importMetaUrlKeepsTheModulesOwnLocation() {
        String bundle = ModuleBundle.combine(files(
                "/assets/app.js", "import { u } from './pages/p.js';\n",
                "/assets/pages/p.js", "export const u = new URL('../avatar.svg', import.meta.url);\n"), "/assets/app.js");
        assertTrue(bundle.contains("new URL('../avatar.svg', new URL('./pages/p.js', import.meta.url).href)"), bundle);
    }

    @Test
    void aModuleLoadedOnDemandGetsABundleOfItsOwn() {
        Map<String, String> bundles = ModuleBundle.bundles(files(
                "/assets/app.js", "import { a } from './a.js';\nexport async function later() { return (await import('./pages/lazy.js')).b; }\n",
                "/assets/a.js", "export const a = 1;\n",
                "/assets/pages/lazy.js", "import { big } from '../vendor/big.js';\nexport const b = big;\n",
                "/assets/vendor/big.js", "export const big = 2;\n"), "/assets/app.js");
        assertEquals(List.of("/assets/app.bundle.js", "/assets/pages/lazy.bundle.js"), List.copyOf(bundles.keySet()));
        String main = bundles.get("/assets/app.bundle.js");
        assertTrue(main.contains("import(new URL('./pages/lazy.bundle.js', import.meta.url).href)"),
                "resolved from where the main bundle is served: " + main);
        assertFalse(main.contains("const big"), "the lazy part stays out of the main bundle");
        String lazy = bundles.get("/assets/pages/lazy.bundle.js");
        assertTrue(lazy.contains("// /assets/vendor/big.js") && lazy.contains("// /assets/pages/lazy.js"), lazy);
        assertTrue(lazy.endsWith("const { b: $e_b } = $m1;\nexport { $e_b as b };\n"), "its entry's exports are the bundle's: " + lazy);

        assertThrows(IllegalStateException.class, () -> ModuleBundle.bundles(files(
                "/assets/app.js", "import { a } from './a.js';\nconst l = import('./lazy.js');\n",
                "/assets/a.js", "export const a = 1;\n",
                "/assets/lazy.js", "import { a } from './a.js';\nexport const b = a;\n"), "/assets/app.js"),
                "a module in two bundles would run twice, with two copies of its state");
    }

    @Test
    void relativePaths() {
        assertEquals("./pages/x.js", ModuleBundle.relative("/assets/app.js", "/assets/pages/x.js"));
        assertEquals("./app.js", ModuleBundle.relative("/assets/app.js", "/assets/app.js"));
        assertEquals("../x.js", ModuleBundle.relative("/assets/pages/y.js", "/assets/x.js"));
        assertEquals("../vendor/v.js", ModuleBundle.relative("/assets/pages/y.js", "/assets/vendor/v.js"));
    }

    @Test
    void whatItCannotCombineFailsLoudly() {
        assertThrows(IllegalStateException.class, () -> ModuleBundle.combine(files(
                "/assets/app.js", "import { x } from 'bare-package';\n"), "/assets/app.js"));
        assertThrows(IllegalStateException.class, () -> ModuleBundle.combine(files(
                "/assets/app.js", "import { x } from './missing.js';\n"), "/assets/app.js"));
        assertThrows(IllegalStateException.class, () -> ModuleBundle.combine(files(
                "/assets/app.js", "import { b } from './b.js';\nexport const a = 1;\n",
                "/assets/b.js", "import { a } from './app.js';\nexport const b = 2;\n"), "/assets/app.js"), "a cycle");
        assertThrows(IllegalStateException.class, () -> ModuleBundle.combine(files(
                "/assets/app.js", "export default function () {}\n"), "/assets/app.js"), "export default");
        assertThrows(IllegalStateException.class, () -> ModuleBundle.combine(files(
                "/assets/app.js", "const m = import(name);\n"), "/assets/app.js"), "import() of a computed name");
        assertThrows(IllegalStateException.class, () -> ModuleBundle.combine(files(
                "/assets/app.js", "import {\n  a,\n} from './x.js';\n", "/assets/x.js", "export const a = 1;\n"),
                "/assets/app.js"), "an import over several lines");
        assertThrows(IllegalStateException.class, () -> ModuleBundle.combine(files(
                "/assets/app.js", "import { x } from '../../etc/passwd';\n"), "/assets/app.js"));
    }

    @Test
    void theUisOwnModulesCombineAndTheMarkdownLibrariesLoadOnDemand() {
        Map<String, byte[]> site = StaticSite.readClasspathFolder(StaticSite.ROOT);
        Map<String, String> bundles = ModuleBundle.bundles(site, StaticSite.ENTRY);
        assertEquals(List.of(StaticSite.BUNDLE, "/assets/vendor/marked.esm.bundle.js", "/assets/vendor/purify.es.bundle.js"),
                List.copyOf(bundles.keySet()));
        long modules = site.keySet().stream().filter(p -> p.endsWith(".js") || p.endsWith(".mjs")).count();
        assertEquals(modules, bundles.values().stream().flatMap(String::lines).filter(l -> l.startsWith("// /assets/")).count(),
                "every module of the UI is reached from app.js, once");
        assertTrue(bundles.get("/assets/vendor/marked.esm.bundle.js").contains("$e_Marked as Marked"));
        assertTrue(bundles.get("/assets/vendor/purify.es.bundle.js").contains("export { $e_default as default };"));
        assertFalse(bundles.get(StaticSite.BUNDLE).contains("// /assets/vendor/"), "no page but the article pays for them");
    }
}
