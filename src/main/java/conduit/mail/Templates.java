package conduit.mail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The mail templates in the jar ({@code mail/<name>.txt} and {@code mail/<name>.html}): the text
 * template's first line is {@code Subject: ...}. {@code {{name}}} is replaced by the value of that
 * name, HTML-escaped in the HTML body; an unknown name is a bug and fails loudly. Every template
 * gets {@code baseUrl}, the site's address.
 */
public final class Templates {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-zA-Z]+)}}");
    private final String baseUrl;

    public Templates(String baseUrl) {
        this.baseUrl = baseUrl.replaceAll("/+$", "");
    }

    public String baseUrl() {
        return baseUrl;
    }

    public Mail render(String template, String to, Map<String, String> values) {
        String text = read(template + ".txt");
        int newline = text.indexOf('\n');
        if (!text.startsWith("Subject: ") || newline < 0) {
            throw new IllegalStateException("mail template " + template + ".txt must start with a Subject: line");
        }
        String subject = fill(text.substring("Subject: ".length(), newline).strip(), values, false);
        String body = fill(text.substring(newline + 1).stripLeading(), values, false);
        String html = fill(read(template + ".html"), values, true);
        return new Mail(to, subject, body, html);
    }

    private String fill(String source, Map<String, String> values, boolean html) {
        Matcher m = PLACEHOLDER.matcher(source);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String value = name.equals("baseUrl") ? baseUrl : values.get(name);
            if (value == null) {
                throw new IllegalStateException("mail template value {{" + name + "}} is missing");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(html ? escape(value) : value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String escape(String value) {
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }

    private static String read(String name) {
        try (InputStream in = Templates.class.getResourceAsStream("/mail/" + name)) {
            if (in == null) {
                throw new IllegalStateException("mail template " + name + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
