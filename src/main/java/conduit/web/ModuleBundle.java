package conduit.web;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
 * list ending the file; {@code import.meta.url}. Each module becomes a function scope that
 * returns its exports, in dependency order, so module-private names never clash.
 */
final class ModuleBundle {
    private static final String ID = "[A-Za-z_$][\\w$]*";
    private static final Pattern IMPORT_LINE = Pattern.compile("^import\\s+(?:(.+?)\\s+from\\s+)?'([^']+)';?[ \\t]*$", Pattern.MULTILINE);
    private static final Pattern EXPORT_DECLARATION = Pattern.compile(
            "^export\\s+((?:async\\s+)?function\\*?\\s+|class\\s+|const\\s+|let\\s+|var\\s+)(" + ID + ")", Pattern.MULTILINE);
    private static final Pattern EXPORT_LIST_AT_END = Pattern.compile("export\\s*\\{([^}]*)\\}\\s*;?\\s*\\z");
    private static final Pattern LEFTOVER = Pattern.compile("^\\s*(import|export)\\b(?!\\.meta)|\\bimport\\s*\\(", Pattern.MULTILINE);
    private static final Pattern NAMED = Pattern.compile("(" + ID + ")(?:\\s+as\\s+(" + ID + "))?");

    private ModuleBundle() {
    }

    /**
     * The module at {@code entry} (a key of {@code files}, e.g. {@code /assets/app.js}) with
     * everything it imports, as the text of one module script meant to be served from the same
     * folder as the entry (so that {@code import.meta.url} still resolves the same files).
     */
    static String combine(Map<String, byte[]> files, String entry) {
        List<String> order = new ArrayList<>();
        visit(files, entry, new LinkedHashSet<>(), new LinkedHashSet<>(), order);
        Map<String, String> names = new LinkedHashMap<>();
        for (int i = 0; i < order.size(); i++) {
            names.put(order.get(i), "$m" + i);
        }
        StringBuilder out = new StringBuilder("// One file for the UI's ").append(order.size())
                .append(" modules, combined by conduit.web.ModuleBundle when the server starts; the sources sit next to it.\n");
        for (String path : order) {
            out.append(transform(files, path, entry, names)).append('\n');
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

    private static String transform(Map<String, byte[]> files, String path, String entry, Map<String, String> names) {
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
            }
            text = text.substring(0, list.start());
        }

        Matcher decl = EXPORT_DECLARATION.matcher(text);
        StringBuilder body = new StringBuilder();
        while (decl.find()) {
            exports.add(decl.group(2) + ": " + decl.group(2));
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
        text = text.replace("import.meta.url", "new URL(" + quote(relative(entry, path)) + ", import.meta.url).href");

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

    /** {@code ./pages/x.js} for {@code /assets/pages/x.js} seen from {@code /assets/app.js}. */
    private static String relative(String entry, String path) {
        String folder = entry.substring(0, entry.lastIndexOf('/') + 1);
        if (!path.startsWith(folder)) {
            throw unsupported(path, "import.meta.url outside the entry's folder " + folder);
        }
        return "./" + path.substring(folder.length());
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
