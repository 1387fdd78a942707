package conduit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The mail an app sent, read where it went: the {@code .eml} files of embedded mode, or what
 * moto's SES recorded. Oldest first.
 */
public final class Mailbox {
    /** One message: its recipient, subject and body (the text and HTML parts, or what SES was given). */
    public record Message(String to, String subject, String body) {
        private static final Pattern TOKEN = Pattern.compile("token=([A-Za-z0-9_-]{43})");

        /** The token of the first link to this UI route ({@code reset-password}, {@code verify-email}, {@code revert-email}). */
        public String token(String route) {
            Matcher m = Pattern.compile("/#/" + Pattern.quote(route) + "\\?" + TOKEN.pattern()).matcher(body);
            if (!m.find()) {
                throw new AssertionError("no /#/" + route + " link in: " + body);
            }
            return m.group(1);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Supplier<List<Message>> read;

    private Mailbox(Supplier<List<Message>> read) {
        this.read = read;
    }

    /** The files {@code FileMailSender} writes into {@code dir} (named by time and a sequence, so their order is the sending order). */
    public static Mailbox files(Path dir) {
        return new Mailbox(() -> {
            if (!Files.isDirectory(dir)) {
                return List.of();
            }
            try (Stream<Path> files = Files.list(dir)) {
                List<Message> out = new ArrayList<>();
                for (Path f : files.filter(f -> f.toString().endsWith(".eml")).sorted().toList()) {
                    String eml = Files.readString(f, StandardCharsets.UTF_8);
                    out.add(new Message(header(eml, "To"), header(eml, "Subject"), eml));
                }
                return out;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** What moto's SES recorded ({@code /moto-api/data.json}, ses.Message), in sending order. */
    public static Mailbox moto(URI endpoint) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        return new Mailbox(() -> {
            try {
                String body = http.send(HttpRequest.newBuilder(endpoint.resolve("/moto-api/data.json")).timeout(Duration.ofSeconds(10))
                        .build(), HttpResponse.BodyHandlers.ofString()).body();
                List<Message> out = new ArrayList<>();
                for (JsonNode m : JSON.readTree(body).path("ses").path("Message")) {
                    for (JsonNode to : m.path("destinations").path("ToAddresses")) {
                        out.add(new Message(to.asText(), m.path("subject").asText(), m.path("body").asText()));
                    }
                }
                return out;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }

    /** Every message to this address so far. */
    public List<Message> to(String address) {
        return read.get().stream().filter(m -> m.to().equalsIgnoreCase(address)).toList();
    }

    /** Waits (up to 20 s) for the {@code n}th message to this address with this subject, and returns it. */
    public Message await(String address, String subject, int n) {
        Message[] found = new Message[1];
        Stack.await(Duration.ofSeconds(20), "mail #" + n + " '" + subject + "' to " + address, () -> {
            List<Message> matching = to(address).stream().filter(m -> m.subject().equals(subject)).toList();
            found[0] = matching.size() >= n ? matching.get(n - 1) : null;
            return found[0] != null;
        });
        return found[0];
    }

    private static String header(String eml, String name) {
        for (String line : eml.split("\r?\n")) {
            if (line.isEmpty()) {
                break;
            }
            if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
                return line.substring(name.length() + 1).trim();
            }
        }
        return "";
    }
}
