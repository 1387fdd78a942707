package conduit.mail;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import conduit.crypto.EnvelopeCipher;
import conduit.db.Database;
import conduit.db.Rows;
import io.helidon.dbclient.DbExecute;

/**
 * SQL for the mail outbox. {@link #enqueue} runs inside the caller's transaction, so a mail
 * exists if and only if the change that causes it committed; the relay claims due rows (any
 * instance may), and deletes each once it is delivered. The payload is sealed: recipient and
 * values (a one-time link) are never in the clear at rest.
 */
public final class Outbox {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A claimed message: its row, template, attempts so far and the opened payload. */
    public record Pending(long id, String template, int attempts, String to, Map<String, String> values) {
    }

    private record Payload(String to, Map<String, String> values) {
    }

    private final Database db;
    private final EnvelopeCipher cipher;

    public Outbox(Database db, EnvelopeCipher cipher) {
        this.db = db;
        this.cipher = cipher;
    }

    /** Adds a message to send, in the caller's transaction ({@code tx}). */
    public void enqueue(DbExecute tx, String template, String to, Map<String, String> values, long now) {
        String payload;
        try {
            payload = cipher.encrypt(JSON.writeValueAsString(new Payload(to, values)), Map.of("template", template));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        tx.insert("INSERT INTO mail_outbox (template, payload, created_at, next_attempt_at) VALUES (?, ?, ?, ?)",
                template, payload, now, now);
    }

    /** Up to {@code max} messages that are due and not claimed by another instance, now claimed by this one until {@code until}. */
    public List<Pending> claimDue(int max, long now, long until) {
        // Oldest first, and in the order written when several were written in the same millisecond:
        // a user who asked twice gets the superseding link last.
        List<Long> due = db.write(exec -> exec.query(
                        "SELECT id FROM mail_outbox WHERE next_attempt_at <= ? AND claimed_until < ? ORDER BY next_attempt_at, id LIMIT ?",
                        now, now, max)
                .map(r -> Rows.longValue(r, "id")).toList());
        List<Pending> claimed = new java.util.ArrayList<>(due.size());
        for (long id : due) {
            long updated = db.write(exec -> exec.update(
                    "UPDATE mail_outbox SET claimed_until = ? WHERE id = ? AND claimed_until < ?", until, id, now));
            if (updated == 1) {
                open(id).ifPresent(claimed::add);
            }
        }
        return claimed;
    }

    private Optional<Pending> open(long id) {
        return db.write(exec -> exec.get("SELECT template, payload, attempts FROM mail_outbox WHERE id = ?", id)).map(r -> {
            String template = Rows.string(r, "template");
            try {
                Payload p = JSON.readValue(cipher.decrypt(Rows.string(r, "payload"), Map.of("template", template)),
                        new TypeReference<Payload>() { });
                return new Pending(id, template, Rows.intValue(r, "attempts"), p.to(), p.values());
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("mail_outbox id " + id + ": payload is not what enqueue wrote", e);
            }
        });
    }

    /** Delivered: the row goes (with the link it held). */
    public void delivered(long id) {
        db.write(exec -> exec.delete("DELETE FROM mail_outbox WHERE id = ?", id));
    }

    /** Not delivered this time: try again at {@code nextAttemptAt}. */
    public void failed(long id, long nextAttemptAt, String error) {
        String shortError = error == null ? "unknown" : error.length() > 250 ? error.substring(0, 250) : error;
        db.write(exec -> exec.update("UPDATE mail_outbox SET attempts = attempts + 1, next_attempt_at = ?, claimed_until = 0,"
                + " last_error = ? WHERE id = ?", nextAttemptAt, shortError, id));
    }

    /** How many messages wait, and since when the oldest: for the metrics. */
    public long[] backlog() {
        return db.write(exec -> exec.get("SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM mail_outbox")
                .map(r -> new long[] {Rows.longValue(r, "n"), r.column("oldest").asOptional().isPresent() ? Rows.longValue(r, "oldest") : 0})
                .orElse(new long[] {0, 0}));
    }
}
