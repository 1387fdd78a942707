package conduit.mail;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import conduit.Stack;
import conduit.crypto.KeyTier;
import conduit.db.DataTier;
import conduit.db.DbSettings;
import conduit.db.KeyMaterialStore;
import conduit.db.Rows;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The outbox and its relay on the embedded database: files, SES on moto, an unreachable SES, two instances. */
class MailRelayTest {
    private Path dir;
    private DataTier data;
    private KeyTier keys;
    private Outbox outbox;
    private final Templates templates = new Templates("https://conduit.example.com/");

    @BeforeEach
    void open() throws IOException {
        dir = Stack.tempDir();
        data = DataTier.start(DbSettings.embedded(dir));
        keys = KeyTier.start(null, null, dir, new KeyMaterialStore(data.database()));
        outbox = new Outbox(data.database(), keys.outboxCipher());
    }

    @AfterEach
    void close() {
        keys.close();
        data.close();
    }

    private void enqueue(String to, String path) {
        data.database().inTransaction(tx -> {
            outbox.enqueue(tx, "password-reset", to, Map.of("username", "carol", "path", path, "minutes", "30"),
                    System.currentTimeMillis());
            return null;
        });
    }

    private long rows() {
        return data.database().write(exec -> exec.get("SELECT COUNT(*) AS n FROM mail_outbox").map(r -> Rows.longValue(r, "n")).orElse(0L));
    }

    private List<Path> files() throws IOException {
        Path mail = dir.resolve("mail");
        if (!Files.isDirectory(mail)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(mail)) {
            return s.toList();
        }
    }

    @Test
    void embeddedMailIsAFileADeveloperCanOpenAndTheRowGoes() throws IOException {
        enqueue("carol@example.com", "/#/reset-password?token=abc123");
        String stored = data.database().write(exec -> exec.get("SELECT payload FROM mail_outbox").map(r -> Rows.string(r, "payload"))).orElseThrow();
        assertFalse(stored.contains("carol@example.com") || stored.contains("abc123"), "the payload is sealed at rest");

        MailRelay relay = new MailRelay(outbox, templates, new FileMailSender(dir.resolve("mail"), "Conduit <no-reply@conduit.local>"));
        assertEquals(1, relay.round());
        assertEquals(0, rows(), "delivered mail leaves the outbox");
        List<Path> files = files();
        assertEquals(1, files.size());
        String eml = Files.readString(files.get(0));
        assertTrue(eml.contains("To: carol@example.com"), eml);
        assertTrue(eml.contains("Subject: Reset your Conduit password"), eml);
        assertTrue(eml.contains("https://conduit.example.com/#/reset-password?token=abc123"), "the link, as is, in the text part");
        assertTrue(eml.contains("Conduit · https://conduit.example.com"), "the site's base URL");
        assertTrue(eml.contains("Content-Type: text/html"), "an HTML part too");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(files.get(0))));
    }

    @Test
    void htmlValuesAreEscaped() {
        Mail mail = templates.render("password-reset", "x@example.com", Map.of("username", "<b>eve</b>", "path", "/?a=1&b=2",
                "minutes", "30"));
        assertTrue(mail.html().contains("&lt;b&gt;eve&lt;/b&gt;"));
        assertTrue(mail.html().contains("https://conduit.example.com/?a=1&amp;b=2"));
        assertTrue(mail.text().contains("<b>eve</b>"), "plain text is not HTML");
    }

    @Test
    void anUnreachableProviderDelaysMailButNeverLosesIt() throws IOException {
        enqueue("dave@example.com", "/#/reset-password?token=t1");
        MailSender down = mail -> {
            throw new IllegalStateException("SES unreachable (connect timed out)");
        };
        MailRelay failing = new MailRelay(outbox, templates, down);
        assertEquals(0, failing.round());
        assertEquals(1, rows(), "still in the outbox");
        long next = data.database().write(exec -> exec.get("SELECT attempts, next_attempt_at FROM mail_outbox")
                .map(r -> Rows.intValue(r, "attempts") == 1 ? Rows.longValue(r, "next_attempt_at") : -1L)).orElseThrow();
        assertTrue(next > System.currentTimeMillis(), "retried later, with back-off");
        assertEquals(0, failing.round(), "not before its time");

        data.database().write(exec -> exec.update("UPDATE mail_outbox SET next_attempt_at = 0"));
        MailRelay working = new MailRelay(outbox, templates, new FileMailSender(dir.resolve("mail"), "Conduit <no-reply@conduit.local>"));
        assertEquals(1, working.round(), "delivered once the provider is back");
        assertEquals(1, files().size());
    }

    @Test
    void twoInstancesSendEachMessageOnce() throws IOException {
        for (int i = 0; i < 12; i++) {
            enqueue("user" + i + "@example.com", "/#/reset-password?token=" + i);
        }
        FileMailSender sender = new FileMailSender(dir.resolve("mail"), "Conduit <no-reply@conduit.local>");
        MailRelay a = new MailRelay(outbox, templates, sender);
        MailRelay b = new MailRelay(outbox, templates, sender);
        CompletableFuture<Integer> fa = CompletableFuture.supplyAsync(a::round);
        CompletableFuture<Integer> fb = CompletableFuture.supplyAsync(b::round);
        assertEquals(12, fa.join() + fb.join());
        assertEquals(12, files().size(), "no message twice");
        assertEquals(0, rows());
    }

    @Test
    @EnabledIfEnvironmentVariable(named = "MOTO_ENDPOINT", matches = ".+", disabledReason = "needs scripts/stack up moto")
    void sesSendsItAndMotoRecordsIt() throws Exception {
        URI moto = URI.create(Stack.env("MOTO_ENDPOINT"));
        String to = "ses-" + System.nanoTime() + "@example.com";
        enqueue(to, "/#/reset-password?token=ses1");
        // The sender's domain is an SES identity, as the stack makes it (moto refuses others, as SES does).
        try (var client = software.amazon.awssdk.services.sesv2.SesV2Client.builder()
                .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create()).endpointOverride(moto).build()) {
            try {
                client.createEmailIdentity(r -> r.emailIdentity("conduit.example.com"));
            } catch (software.amazon.awssdk.services.sesv2.model.AlreadyExistsException e) {
                // made by an earlier run on this moto
            }
        }
        try (SesMailSender ses = SesMailSender.create("no-reply@conduit.example.com", null, moto)) {
            assertEquals(1, new MailRelay(outbox, templates, ses).round());
        }
        String recorded = HttpClient.newHttpClient().send(HttpRequest.newBuilder(moto.resolve("/moto-api/data.json")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(recorded.contains(to), "moto recorded a message to " + to);
        assertTrue(recorded.contains("https://conduit.example.com/#/reset-password?token=ses1"));
    }
}
