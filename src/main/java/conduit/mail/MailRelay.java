package conduit.mail;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.Metrics;

/**
 * Sends the outbox, off every request path, on every instance: each round claims the due
 * messages (a claim keeps other instances off them for a while), renders and sends each, and
 * deletes it once delivered. A failure waits longer each time (1 s, 2 s, 4 s ... at most 15
 * minutes, with jitter) and is tried again for as long as it takes: an SES outage or the death
 * of an instance mid-send delays mail but never loses it. A message SES refuses for good (a bad
 * address) is dropped and counted. Metrics: {@code mail_sent_total}, {@code
 * mail_failures_total{kind}}, {@code mail_outbox_pending}, {@code mail_outbox_oldest_seconds}.
 */
public final class MailRelay implements AutoCloseable {
    private static final Logger LOG = System.getLogger(MailRelay.class.getName());
    private static final long MAX_BACKOFF_MILLIS = 15 * 60_000;
    private static final long CLAIM_MILLIS = 60_000;
    private static final int BATCH = 20;

    private final Outbox outbox;
    private final Templates templates;
    private final MailSender sender;
    private final ScheduledExecutorService timer;
    private final Counter sent = counter("mail.sent", null);
    private final Counter retried = counter("mail.failures", "retry");
    private final Counter rejected = counter("mail.failures", "rejected");
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong oldestAt = new AtomicLong();

    public MailRelay(Outbox outbox, Templates templates, MailSender sender) {
        this.outbox = outbox;
        this.templates = templates;
        this.sender = sender;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mail-relay");
            t.setDaemon(true);
            return t;
        });
        Metrics.globalRegistry().getOrCreate(Gauge.builder("mail.outbox.pending", pending::doubleValue));
        Metrics.globalRegistry().getOrCreate(Gauge.builder("mail.outbox.oldest.seconds", this::oldestSeconds));
    }

    public MailRelay start(long intervalMillis) {
        timer.scheduleWithFixedDelay(this::roundSafely, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
        return this;
    }

    private void roundSafely() {
        try {
            round();
        } catch (RuntimeException e) {
            // The writer is down or refused (its breaker logs that): the next round tries again.
            LOG.log(Level.DEBUG, "mail relay round failed", e);
        }
    }

    /** One round: send what is due. Public for tests, which drive rounds themselves. */
    public int round() {
        long now = System.currentTimeMillis();
        long[] backlog = outbox.backlog();
        pending.set(backlog[0]);
        oldestAt.set(backlog[1]);
        List<Outbox.Pending> due = outbox.claimDue(BATCH, now, now + CLAIM_MILLIS);
        int delivered = 0;
        for (Outbox.Pending mail : due) {
            if (deliver(mail)) {
                delivered++;
            }
        }
        return delivered;
    }

    private boolean deliver(Outbox.Pending mail) {
        try {
            String messageId = sender.send(templates.render(mail.template(), mail.to(), mail.values()));
            outbox.delivered(mail.id());
            sent.increment();
            LOG.log(Level.INFO, "mail " + mail.template() + " (outbox " + mail.id() + ") sent as " + messageId);
            return true;
        } catch (MailSender.Rejected e) {
            outbox.delivered(mail.id());
            rejected.increment();
            LOG.log(Level.ERROR, "mail " + mail.template() + " (outbox " + mail.id() + ") refused for good: " + e.getMessage());
        } catch (RuntimeException e) {
            long wait = Math.min(MAX_BACKOFF_MILLIS, 1000L << Math.min(20, mail.attempts()));
            wait += ThreadLocalRandom.current().nextLong(wait / 4 + 1);
            outbox.failed(mail.id(), System.currentTimeMillis() + wait, e.getClass().getSimpleName() + ": " + e.getMessage());
            retried.increment();
            LOG.log(Level.WARNING, "mail " + mail.template() + " (outbox " + mail.id() + ") not sent, next try in "
                    + wait / 1000 + " s: " + e.getMessage());
        }
        return false;
    }

    private double oldestSeconds() {
        long oldest = oldestAt.get();
        return oldest == 0 ? 0 : (System.currentTimeMillis() - oldest) / 1000.0;
    }

    private static Counter counter(String name, String kind) {
        Counter.Builder builder = Counter.builder(name);
        if (kind != null) {
            builder.tags(Metrics.tags("kind", kind));
        }
        return Metrics.globalRegistry().getOrCreate(builder);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        if (sender instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // closing an HTTP client; nothing to recover
            }
        }
    }
}
