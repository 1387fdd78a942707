package conduit.web;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Combines the UI's ES modules into one module script, so that a page load fetches and
 * evaluates one file instead of walking a chain of imports (each wave of imports costs a round
 * trip on a cold load and a cache look-up on a warm one).
 *
 * <p>This is deliberately not a general bundler: it handles the module shapes the UI's own code
 * and its two vendored libraries use, and refuses anything else with an exception at start-up
 * (and so in the tests), never a silently wrong bundle. Supported: {@code import {a, b as c}
 * from './x.js'}, {@code import * as ns from}, {@code import def from}, and {@code import
 * './x.js'} on lines of their own with relative specifiers; {@code export function|async
 * function|class|const|let|var name} at the start of a line; one {@code export {a as b, ...}}
 * list ending the file; {@code import.meta.url}; {@code import('./x.js')} with a literal
 * relative path, which loads x.js and what it imports as a bundle of their own, on demand (for
 * code only some pages need). Each module becomes a function scope that returns its exports, in
 * dependency order, so module-private names never clash. A module may sit in one bundle only:
 * two copies would mean two instances of its state.
 */
final class ModuleBundle {
    private static final String ID = "[A-Za-z_$][\\w$]*";
    private static final Pattern IMPORT_LINE = Pattern.compile("^import\\s+(?:(.+?)\\s+from\\s+)?'([^']+)';?[ \\t]*$", Pattern.MULTILINE);
    private static final Pattern EXPORT_DECLARATION = Pattern.compile(
            "^export\\s+((?:async\\s+)?function\\*?\\s+|class\\s+|const\\s+|let\\s+|var\\s+)(" + ID + ")", Pattern.MULTILINE);
    private static final Pattern EXPORT_LIST_AT_END = Pattern.compile("export\\s*\\{([^}]*)\\}\\s*;?\\s*\\z");
    private static final Pattern LEFTOVER = Pattern.compile("^\\s*(import|export)\\b(?!\\.meta)|\\bimport\\s*\\((?!'[^']+'\\))", Pattern.MULTILINE);
    private static final Pattern DYNAMIC_IMPORT = Pattern.compile("\\bimport\\('([^']+)'\\)");
    private static final Pattern NAMED = Pattern.compile("(" + ID + ")(?:\\s+as\\s+(" + ID + "))?");

    private ModuleBundle() {
    }

    /** Where the bundle of an entry module is served: {@code /assets/app.js} → {@code /assets/app.bundle.js}. */
    static String bundlePath(String entry) {
        return entry.replaceFirst("\\.m?js$", "") + ".bundle.js";
    }

    /**
     * The bundle of {@code entry} (a key of {@code files}, e.g. {@code /assets/app.js}) and of
     * every module it loads with {@code import('...')}, keyed by {@link #bundlePath}.
     */
    static Map<String, String> bundles(Map<String, byte[]> files, String entry) {
        Map<String, String> out = new LinkedHashMap<>();
        Map<String, String> bundleOf = new HashMap<>();
        Deque<String> todo = new ArrayDeque<>(List.of(entry));
        while (!todo.isEmpty()) {
            String next = todo.removeFirst();
            if (out.containsKey(bundlePath(next))) {
                continue;
            }
            List<String> order = new ArrayList<>();
            visit(files, next, new LinkedHashSet<>(), new LinkedHashSet<>(), order);
            for (String module : order) {
                String other = bundleOf.putIfAbsent(module, next);
                if (other != null) {
                    throw unsupported(module, "module in two bundles (of " + other + " and of " + next + ")");
                }
            }
            List<String> lazy = new ArrayList<>();
            out.put(bundlePath(next), combine(files, next, order, lazy));
            todo.addAll(lazy);
        }
        return out;
    }

    /** The bundle of {@code entry} alone (see {@link #bundles}). */
    static String combine(Map<String, byte[]> files, String entry) {
        List<String> order = new ArrayList<>();
        visit(files, entry, new LinkedHashSet<>(), new LinkedHashSet<>(), order);
        return combine(files, entry, order, new ArrayList<>());
    }

    /**
     * The modules in {@code order} as the text of one module script, served from the entry's
     * folder (so {@code import.meta.url} resolves the same files); the entries of bundles they
     * load on demand are added to {@code lazy}.
     */
    private static String combine(Map<String, byte[]> files, String entry, List<String> order, List<String> lazy) {
        Map<String, String> names = new LinkedHashMap<>();
        for (int i = 0; i < order.size(); i++) {
            names.put(order.get(i), "$m" + i);
        }
        StringBuilder out = new StringBuilder("// One file for ").append(order.size())
                .append(" of the UI's modules, combined by conduit.web.ModuleBundle when the server starts; the sources sit next to it.\n");
        List<String> exported = new ArrayList<>();
        for (String path : order) {
            out.append(transform(files, path, entry, names, lazy, path.equals(entry) ? exported : new ArrayList<>())).append('\n');
        }
        // The entry's exports are the bundle's own, for whoever import()s it.
        if (!exported.isEmpty()) {
            List<String> fields = new ArrayList<>();
            List<String> list = new ArrayList<>();
            for (String name : exported) {
                fields.add(name + ": $e_" + name);
                list.add("$e_" + name + " as " + name);
            }
            out.append("const { ").append(String.join(", ", fields)).append(" } = ").append(names.get(entry)).append(";\n")
                    .append("export { ").append(String.join(", ", list)).append(" };\n");
        }
        return out.toString();
    }

    /** Depth-first, dependencies before dependants; an import cycle is refused. */
    private static void visit(Map<String, byte[]> files, String path, Set<String> active, Set<String> done, List<String> order) {
        if (done.contains(path)) {
            return;
        }
        if (!active.add(path)) {
            throw new IllegalStateException("import cycle through " + path + ": " + active);
        }
        Matcher m = IMPORT_LINE.matcher(source(files, path));
        while (m.find()) {
            visit(files, resolve(files, path, m.group(2)), active, done, order);
        }
        active.remove(path);
        done.add(path);
        order.add(path);
    }

    private static String transform(Map<String, byte[]> files, String path, String entry, Map<String, String> names,
            List<String> lazy, List<String> exportedNames) {
        String text = source(files, path);
        List<String> exports = new ArrayList<>();

        Matcher list = EXPORT_LIST_AT_END.matcher(text);
        if (list.find()) {
            for (String item : list.group(1).split(",")) {
                if (item.isBlank()) {
                    continue;
                }
                Matcher n = NAMED.matcher(item.trim());
                if (!n.matches()) {
                    throw unsupported(path, "export {" + item.trim() + "}");
                }
                String local = n.group(1);
                String exported = n.group(2) == null ? local : n.group(2);
                exports.add(exported + ": " + local);
                exportedNames.add(exported);
            }
            text = text.substring(0, list.start());
        }

        Matcher decl = EXPORT_DECLARATION.matcher(text);
        StringBuilder body = new StringBuilder();
        while (decl.find()) {
            exports.add(decl.group(2) + ": " + decl.group(2));
            exportedNames.add(decl.group(2));
            decl.appendReplacement(body, Matcher.quoteReplacement(decl.group(1) + decl.group(2)));
        }
        decl.appendTail(body);
        text = body.toString();

        Matcher imp = IMPORT_LINE.matcher(text);
        body = new StringBuilder();
        while (imp.find()) {
            String module = names.get(resolve(files, path, imp.group(2)));
            imp.appendReplacement(body, Matcher.quoteReplacement(bindings(path, imp.group(1), module)));
        }
        imp.appendTail(body);
        text = body.toString();

        Matcher leftover = LEFTOVER.matcher(text);
        if (leftover.find()) {
            int line = text.substring(0, leftover.start()).split("\n", -1).length;
            throw unsupported(path, "line " + line + ": " + leftover.group().trim());
        }
        // The bundle is served from the entry's folder; a module elsewhere keeps its own base URL.
        if (text.contains("import.meta.url")) {
            text = text.replace("import.meta.url", "new URL(" + quote(relative(entry, path)) + ", import.meta.url).href");
        }
        // Against import.meta.url, which names the bundle (or, inlined in a page, what it would be).
        Matcher dynamic = DYNAMIC_IMPORT.matcher(text);
        body = new StringBuilder();
        while (dynamic.find()) {
            String target = resolve(files, path, dynamic.group(1));
            lazy.add(target);
            dynamic.appendReplacement(body, Matcher.quoteReplacement(
                    "import(new URL(" + quote(relative(entry, bundlePath(target))) + ", import.meta.url).href)"));
        }
        dynamic.appendTail(body);
        text = body.toString();

        return "// " + path + "\nconst " + names.get(path) + " = (() => {\n" + text
                + "\nreturn { " + String.join(", ", exports) + " };\n})();";
    }

    /** The declarations an import line becomes, reading the imported module's export object. */
    private static String bindings(String path, String clause, String module) {
        if (clause == null) {
            return ""; // import './x.js': evaluated already, in order
        }
        String c = clause.trim();
        if (c.startsWith("* as ")) {
            return "const " + c.substring(5).trim() + " = " + module + ";";
        }
        List<String> parts = new ArrayList<>();
        String named = null;
        int brace = c.indexOf('{');
        if (brace >= 0) {
            if (!c.endsWith("}")) {
                throw unsupported(path, "import " + c);
            }
            named = c.substring(brace + 1, c.length() - 1);
            c = c.substring(0, brace).replaceAll(",\\s*$", "").trim();
        }
        if (!c.isEmpty()) {
            if (!c.matches(ID)) {
                throw unsupported(path, "import " + clause);
            }
            parts.add("const " + c + " = " + module + ".default;");
        }
        if (named != null) {
            List<String> fields = new ArrayList<>();
            for (String item : named.split(",")) {
                if (item.isBlank()) {
                    continue;
                }
                Matcher n = NAMED.matcher(item.trim());
                if (!n.matches()) {
                    throw unsupported(path, "import {" + item.trim() + "}");
                }
                fields.add(n.group(2) == null ? n.group(1) : n.group(1) + ": " + n.group(2));
            }
            parts.add("const { " + String.join(", ", fields) + " } = " + module + ";");
        }
        return String.join(" ", parts);
    }

    /** A relative specifier resolved against the importing module's path; it must name a file. */
    static String resolve(Map<String, byte[]> files, String from, String specifier) {
        if (!specifier.startsWith("./") && !specifier.startsWith("../")) {
            throw unsupported(from, "import of '" + specifier + "' (only relative paths are combined)");
        }
        List<String> parts = new ArrayList<>(List.of(from.substring(1).split("/")));
        parts.remove(parts.size() - 1);
        for (String segment : specifier.split("/")) {
            if (segment.equals("..")) {
                if (parts.isEmpty()) {
                    throw unsupported(from, "import of '" + specifier + "' leaves the site");
                }
                parts.remove(parts.size() - 1);
            } else if (!segment.equals(".") && !segment.isEmpty()) {
                parts.add(segment);
            }
        }
        String path = "/" + String.join("/", parts);
        if (!files.containsKey(path)) {
            throw new IllegalStateException(from + " imports '" + specifier + "', but " + path + " does not exist");
        }
        return path;
    }

    /**
     * {@code path} relative to the folder of {@code from}: {@code ./pages/x.js} for
     * {@code /assets/pages/x.js} from {@code /assets/app.js}, {@code ../x.js} for
     * {@code /assets/x.js} from {@code /assets/pages/y.js}.
     */
    static String relative(String from, String path) {
        List<String> base = new ArrayList<>(List.of(from.substring(1).split("/")));
        base.remove(base.size() - 1);
        List<String> target = List.of(path.substring(1).split("/"));
        int common = 0;
        while (common < base.size() && common < target.size() - 1 && base.get(common).equals(target.get(common))) {
            common++;
        }
        StringBuilder out = new StringBuilder(common == base.size() ? "./" : "");
        out.append("../".repeat(base.size() - common));
        return out.append(String.join("/", target.subList(common, target.size()))).toString();
    }

    private static String source(Map<String, byte[]> files, String path) {
        byte[] bytes = files.get(path);
        if (bytes == null) {
            throw new IllegalStateException("no such module: " + path);
        }
        return new String(bytes, StandardCharsets.UTF_8).replace("\r\n", "\n");
    }

    private static String quote(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static IllegalStateException unsupported(String path, String what) {
        return new IllegalStateException("cannot combine " + path + ": unsupported " + what);
    }
}
