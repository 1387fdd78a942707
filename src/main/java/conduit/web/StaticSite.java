package conduit.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

import conduit.common.ClasspathFolder;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.PathMatchers;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Serves the browser UI: the classpath folder {@code /web} at {@code /} ({@code /} is
 * {@code index.html}), GET and HEAD only.
 *
 * <p>Everything is read, hashed and gzipped once at start-up (the UI is under 200 KB), so a
 * request is a map lookup and never touches the file system: no path can reach outside the
 * folder. Paths that name no file fall through to the next route (the app's JSON 404).
 *
 * <p>Caching. Files under {@code /assets/} are also served at {@code /assets/<version>/...},
 * where the version is a hash of every asset; {@code index.html} is rewritten to use those
 * paths, so the browser may keep them for a year ({@code immutable}), while {@code index.html}
 * itself is {@code no-cache} and revalidated by its ETag. A request for another version (an old
 * page during a rolling deploy, served by an instance that already runs the new build) gets the
 * current file with {@code no-cache}.
 *
 * <p>The page's script is {@code app.bundle.js}: the entry module and everything it imports,
 * combined into one file when the server starts ({@link ModuleBundle}); it and the stylesheet
 * are put inside index.html ({@link #inline}), so the first render waits on no other request.
 * The modules stay servable one by one (they import each other by relative paths, so the
 * versioned folder works for them too).
 */
public final class StaticSite implements HttpService {
    /** The Content-Security-Policy of the UI's pages: nothing inline, nothing from other hosts but images. */
    public static final String CSP = "default-src 'self'; img-src 'self' data: https: http:; style-src 'self'; "
            + "script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
    static final String ROOT = "web";
    static final String ASSETS = "/assets/";
    static final String NO_CACHE = "no-cache";
    /** The app's entry module, and the one file it is combined into at start-up. */
    static final String ENTRY = "/assets/app.js";
    static final String BUNDLE = "/assets/app.bundle.js";
    static final String IMMUTABLE = "public, max-age=31536000, immutable";
    private static final Pattern VERSION = Pattern.compile("[0-9a-f]{16}");
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("json", "application/json"),
            Map.entry("webmanifest", "application/manifest+json"),
            Map.entry("woff2", "font/woff2"));
    private static final HeaderName CSP_HEADER = HeaderNames.create("Content-Security-Policy");
    private static final HeaderName REFERRER_POLICY = HeaderNames.create("Referrer-Policy");
    private static final List<String> COMPRESSIBLE = List.of("html", "js", "mjs", "css", "svg", "json", "webmanifest", "ico");

    private static final Pattern ORIGIN = Pattern.compile("https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?");
    private static final Pattern INLINE_STYLE = Pattern.compile("<link rel=\"stylesheet\" href=\"(/assets/[^\"]+)\" data-inline>");
    private static final Pattern INLINE_SCRIPT = Pattern.compile("<script type=\"module\" src=\"(/assets/[^\"]+)\" data-inline></script>");

    /** One file, in both encodings, with its validators. */
    record File(byte[] body, byte[] gzipped, String contentType, String etag, String gzipEtag, boolean html) {
    }

    private final Map<String, File> files;
    private final String version;
    private final String csp;

    /** Loads classpath {@code /web}; the page may connect to this origin only. */
    public StaticSite() {
        this(List.of());
    }

    /**
     * Loads classpath {@code /web}, and lets the page also connect to these origins
     * ({@code https://bucket.s3.eu-west-1.amazonaws.com}): where presigned upload URLs point when
     * they are not on this origin, since the CSP's {@code default-src 'self'} would block the PUT.
     */
    public StaticSite(List<String> uploadOrigins) {
        this(readClasspathFolder(ROOT), uploadOrigins);
    }

    /** From raw files keyed by path ({@code "/index.html"}, {@code "/assets/app.js"}, ...). */
    StaticSite(Map<String, byte[]> raw) {
        this(raw, List.of());
    }

    StaticSite(Map<String, byte[]> sources, List<String> uploadOrigins) {
        Map<String, byte[]> raw = withBundle(sources);
        this.version = versionOf(raw);
        // Pinned first, so that nothing in the inlined texts is taken for a link to pin.
        Inlined page = raw.containsKey("/index.html") ? inline(pinAssets(raw.get("/index.html"), version), raw) : null;
        this.csp = page == null ? csp(uploadOrigins) : csp(uploadOrigins, page.scriptHashes(), page.styleHashes());
        Map<String, File> built = new TreeMap<>();
        raw.forEach((path, bytes) -> {
            String ext = extension(path);
            String type = TYPES.get(ext);
            if (type == null) {
                return; // READMEs, licences: in the jar, not on the web
            }
            byte[] body = path.equals("/index.html") ? page.html() : bytes;
            String hash = sha256(body).substring(0, 32);
            byte[] gz = COMPRESSIBLE.contains(ext) ? gzip(body) : null;
            if (gz != null && gz.length >= body.length) {
                gz = null;
            }
            built.put(path, new File(body, gz, type, "\"" + hash + "\"", "\"" + hash + "-gz\"", ext.equals("html")));
        });
        if (!built.containsKey("/index.html")) {
            throw new IllegalStateException("the UI's index.html is missing from classpath /" + ROOT);
        }
        this.files = Map.copyOf(built);
    }

    /**
     * The sources plus {@link #BUNDLE}: {@link #ENTRY} and every module it imports in one file,
     * which index.html loads so that a page needs one script request; and a bundle for each
     * module loaded on demand (see {@link ModuleBundle}).
     */
    static Map<String, byte[]> withBundle(Map<String, byte[]> sources) {
        if (!sources.containsKey(ENTRY) || sources.containsKey(BUNDLE)) {
            return sources;
        }
        Map<String, byte[]> all = new TreeMap<>(sources);
        ModuleBundle.bundles(sources, ENTRY).forEach((path, text) -> {
            if (all.put(path, text.getBytes(StandardCharsets.UTF_8)) != null) {
                throw new IllegalStateException("a bundle would replace the file " + path);
            }
        });
        return all;
    }

    /** index.html with its marked stylesheet and script inside it, and their CSP hashes. */
    record Inlined(byte[] html, List<String> scriptHashes, List<String> styleHashes) {
    }

    /**
     * Puts the files that index.html marks {@code data-inline} into the page itself:
     * {@code <link rel="stylesheet" href="/assets/x.css" data-inline>} and
     * {@code <script type="module" src="/assets/x.js" data-inline></script>}. The page then needs
     * no request besides itself before it runs, on a first visit as on a return (where it is one
     * revalidation, 304). They are allowed by their hashes in the CSP, so "nothing inline but
     * these exact texts" still holds. A script's {@code import.meta.url} is replaced by the URL
     * it would have had as a file, so that what it loads relative to itself is still found.
     */
    static Inlined inline(byte[] html, Map<String, byte[]> files) {
        List<String> scripts = new ArrayList<>();
        List<String> styles = new ArrayList<>();
        String text = new String(html, StandardCharsets.UTF_8);
        text = replaceAll(INLINE_STYLE, text, url -> {
            String css = inlinedText(files, unversioned(url), "</style");
            styles.add(cspHash(css));
            return "<style>" + css + "</style>";
        });
        text = replaceAll(INLINE_SCRIPT, text, url -> {
            String js = inlinedText(files, unversioned(url), "</script").replace("import.meta.url", "new URL('" + url + "', location.href).href");
            scripts.add(cspHash(js));
            return "<script type=\"module\">" + js + "</script>";
        });
        return new Inlined(text.getBytes(StandardCharsets.UTF_8), List.copyOf(scripts), List.copyOf(styles));
    }

    /** {@code /assets/x.js} for {@code /assets/<version>/x.js}. */
    private static String unversioned(String url) {
        int slash = url.indexOf('/', ASSETS.length());
        return slash > 0 && VERSION.matcher(url.substring(ASSETS.length(), slash)).matches()
                ? ASSETS + url.substring(slash + 1) : url;
    }

    private static String replaceAll(Pattern pattern, String text, java.util.function.UnaryOperator<String> replacement) {
        Matcher m = pattern.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(replacement.apply(m.group(1))));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The file's text, refused when it could end its element early or open an HTML comment. */
    private static String inlinedText(Map<String, byte[]> files, String path, String closing) {
        byte[] bytes = files.get(path);
        if (bytes == null) {
            throw new IllegalStateException("index.html inlines " + path + ", which does not exist");
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.contains(closing) || lower.contains("<!--")) {
            throw new IllegalStateException(path + " contains " + closing + " or <!--, so cannot be put inside index.html");
        }
        return text;
    }

    private static String cspHash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return "'sha256-" + Base64.getEncoder().encodeToString(digest) + "'";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@link #csp(List)} that also allows these inline scripts and styles, by hash. */
    static String csp(List<String> uploadOrigins, List<String> scriptHashes, List<String> styleHashes) {
        String policy = csp(uploadOrigins);
        if (!scriptHashes.isEmpty()) {
            policy = policy.replace("script-src 'self'", "script-src 'self' " + String.join(" ", scriptHashes));
        }
        if (!styleHashes.isEmpty()) {
            policy = policy.replace("style-src 'self'", "style-src 'self' " + String.join(" ", styleHashes));
        }
        return policy;
    }

    /** {@link #CSP}, plus {@code connect-src 'self' <origins>} when there are upload origins. */
    static String csp(List<String> uploadOrigins) {
        if (uploadOrigins.isEmpty()) {
            return CSP;
        }
        for (String origin : uploadOrigins) {
            if (!ORIGIN.matcher(origin).matches()) {
                throw new IllegalArgumentException("not an origin (scheme://host[:port]): " + origin);
            }
        }
        return CSP + "; connect-src 'self' " + String.join(" ", uploadOrigins);
    }

    /** The Content-Security-Policy sent with the pages. */
    public String contentSecurityPolicy() {
        return csp;
    }

    /** The asset version in {@code /assets/<version>/} paths. */
    public String version() {
        return version;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.route(Method.predicate(Method.GET, Method.HEAD), PathMatchers.any(), this::serve);
    }

    private void serve(ServerRequest req, ServerResponse res) {
        String path = req.path().path();
        if (path.equals("/")) {
            path = "/index.html";
        }
        String cacheControl = NO_CACHE;
        if (path.startsWith(ASSETS)) {
            int slash = path.indexOf('/', ASSETS.length());
            if (slash > 0) {
                String segment = path.substring(ASSETS.length(), slash);
                if (VERSION.matcher(segment).matches()) {
                    path = ASSETS + path.substring(slash + 1);
                    cacheControl = segment.equals(version) ? IMMUTABLE : NO_CACHE;
                }
            }
        }
        File file = files.get(path);
        if (file == null) {
            res.next();
            return;
        }
        boolean gzip = file.gzipped() != null && acceptsGzip(String.join(",", req.headers().values(HeaderNames.ACCEPT_ENCODING)));
        String etag = gzip ? file.gzipEtag() : file.etag();

        res.header(HeaderNames.CACHE_CONTROL, cacheControl);
        res.header(HeaderNames.ETAG, etag);
        res.header(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
        if (file.gzipped() != null) {
            res.header(HeaderNames.VARY, "Accept-Encoding");
        }
        if (file.html()) {
            res.header(CSP_HEADER, csp);
            res.header(REFERRER_POLICY, "same-origin");
        }
        if (notModified(String.join(",", req.headers().values(HeaderNames.IF_NONE_MATCH)), file)) {
            res.status(Status.NOT_MODIFIED_304).send();
            return;
        }
        byte[] body = gzip ? file.gzipped() : file.body();
        res.header(HeaderNames.CONTENT_TYPE, file.contentType());
        if (gzip) {
            res.header(HeaderNames.CONTENT_ENCODING, "gzip");
        }
        if (req.prologue().method() == Method.HEAD) {
            res.header(HeaderNames.CONTENT_LENGTH, String.valueOf(body.length));
            res.send();
        } else {
            res.send(body);
        }
    }

    /** Weak comparison (RFC 9110 §13.1.2): either encoding's tag matches, {@code *} matches anything. */
    static boolean notModified(String ifNoneMatch, File file) {
        if (ifNoneMatch == null || ifNoneMatch.isBlank()) {
            return false;
        }
        for (String tag : ifNoneMatch.split(",")) {
            String t = tag.trim();
            if (t.startsWith("W/")) {
                t = t.substring(2);
            }
            if (t.equals("*") || t.equals(file.etag()) || t.equals(file.gzipEtag())) {
                return true;
            }
        }
        return false;
    }

    /** {@code gzip} or {@code *} listed with a non-zero quality. */
    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String item : acceptEncoding.split(",")) {
            String[] parts = item.split(";");
            String coding = parts[0].trim().toLowerCase(Locale.ROOT);
            if (!coding.equals("gzip") && !coding.equals("*")) {
                continue;
            }
            double q = 1;
            for (int i = 1; i < parts.length; i++) {
                String p = parts[i].trim();
                if (p.startsWith("q=") || p.startsWith("Q=")) {
                    try {
                        q = Double.parseDouble(p.substring(2).trim());
                    } catch (NumberFormatException e) {
                        q = 0;
                    }
                }
            }
            if (q > 0) {
                return true;
            }
        }
        return false;
    }

    /** Points index.html's {@code /assets/} references at the versioned folder. */
    static byte[] pinAssets(byte[] html, String version) {
        String text = new String(html, StandardCharsets.UTF_8);
        return text.replace("\"" + ASSETS, "\"" + ASSETS + version + "/").getBytes(StandardCharsets.UTF_8);
    }

    /** A hash of every asset's path and bytes: changes whenever any asset does. */
    static String versionOf(Map<String, byte[]> raw) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            new TreeMap<>(raw).forEach((path, bytes) -> {
                if (path.startsWith(ASSETS)) {
                    digest.update(path.getBytes(StandardCharsets.UTF_8));
                    digest.update((byte) 0);
                    digest.update(bytes);
                }
            });
            return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String extension(String path) {
        int slash = path.lastIndexOf('/');
        int dot = path.lastIndexOf('.');
        return dot > slash ? path.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 3 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out) {
            {
                def.setLevel(Deflater.BEST_COMPRESSION);
            }
        }) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Every regular file under a classpath folder, keyed by its path below it, found through its
     * {@code index.html}, whether it sits in a jar ({@code java -jar}) or in a directory (tests, IDE).
     */
    static Map<String, byte[]> readClasspathFolder(String folder) {
        try {
            return ClasspathFolder.read(folder, "index.html");
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + ": the UI is not in the build", e);
        }
    }
}
