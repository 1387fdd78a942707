package conduit.mail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

/**
 * Embedded mode's "mail server": each message is written as an {@code .eml} file (MIME, plain
 * text and HTML) into {@code <data dir>/mail/}, where a developer opens it with any mail client or
 * text editor. The files hold one-time links, so they are readable by their owner only.
 */
public final class FileMailSender implements MailSender {
    private final Path folder;
    private final String from;
    private final java.util.concurrent.atomic.AtomicLong sequence = new java.util.concurrent.atomic.AtomicLong();

    public FileMailSender(Path folder, String from) {
        this.folder = folder;
        this.from = from;
    }

    @Override
    public String send(Mail mail) {
        String id = UUID.randomUUID().toString();
        String boundary = "conduit-" + id;
        String message = "From: " + from + "\r\n"
                + "To: " + mail.to() + "\r\n"
                + "Subject: " + mail.subject() + "\r\n"
                + "Date: " + DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now()) + "\r\n"
                + "Message-ID: <" + id + "@conduit.local>\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n"
                + part(boundary, "text/plain", mail.text())
                + part(boundary, "text/html", mail.html())
                + "--" + boundary + "--\r\n";
        try {
            Files.createDirectories(folder);
            // Named so that sorting the names gives the sending order, also within one millisecond.
            Path file = folder.resolve(String.format("%d-%09d-%s.eml", System.currentTimeMillis(), sequence.incrementAndGet(), id));
            Files.writeString(file, message, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** 8-bit UTF-8 (RFC 6532): the file is read in an editor, never relayed over SMTP, so links stay as they are. */
    private static String part(String boundary, String type, String body) {
        return "--" + boundary + "\r\nContent-Type: " + type + "; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                + body + "\r\n";
    }
}
