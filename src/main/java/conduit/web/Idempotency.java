package conduit.web;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

import conduit.common.Failure;
import conduit.idempotency.IdempotencyRecords;
import conduit.idempotency.IdempotencyRecords.Reply;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The {@code Idempotency-Key} header on {@code POST} creates (sign-up, articles, comments,
 * uploads): a client that did not hear the answer retries with the same key and body and gets the
 * first answer ({@code Idempotent-Replayed: true}) instead of a second row. Without the header a
 * create runs as before. Only successful answers are kept; a failed create may simply be retried.
 */
public final class Idempotency {
    public static final HeaderName KEY = HeaderNames.create("Idempotency-Key");
    static final HeaderName REPLAYED = HeaderNames.create("Idempotent-Replayed");
    /** Visible ASCII, as the IETF draft's and Stripe's keys are (UUIDs in practice). */
    private static final Pattern VALID = Pattern.compile("[\\x21-\\x7e]{1,255}");

    private final IdempotencyRecords records;

    public Idempotency(IdempotencyRecords records) {
        this.records = records;
    }

    /**
     * Answers a create: by running {@code work} the first time, by replaying its answer on a retry.
     *
     * @param scope whose key it is: "user:ID", or "anonymous" for sign-up
     * @param body  the request body as it arrived
     * @param work  does the create; gets the request key to store with the row (null without the header)
     */
    public void create(ServerRequest req, ServerResponse res, String scope, byte[] body, Function<String, Reply> work) {
        Optional<String> key = req.headers().first(KEY);
        if (key.isEmpty()) {
            send(res, work.apply(null));
            return;
        }
        if (!VALID.matcher(key.get()).matches()) {
            throw Failure.invalid("Idempotency-Key", "must be 1 to 255 visible ASCII characters");
        }
        byte[] route = (req.prologue().method().text() + " " + req.matchingPattern().orElse("") + "\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] request = new byte[route.length + body.length];
        System.arraycopy(route, 0, request, 0, route.length);
        System.arraycopy(body, 0, request, route.length, body.length);
        IdempotencyRecords.Claim claim = records.claim(scope, key.get(), request);
        if (!claim.proceed()) {
            res.header(REPLAYED, "true");
            send(res, claim.replay());
            return;
        }
        Reply reply;
        try {
            // The record's id goes into the row, so that even a create whose answer was lost after
            // it committed (the claim released on a 503) is found, not repeated, on the retry.
            reply = work.apply(claim.recordId());
        } catch (RuntimeException | Error e) {
            records.release(claim);
            throw e;
        }
        records.complete(claim, reply);
        send(res, reply);
    }

    /** A 201 with a JSON body. */
    public static Reply created(Object body) {
        return new Reply(201, Json.write(body));
    }

    private static void send(ServerResponse res, Reply reply) {
        Responses.sendJson(res, Status.create(reply.status()), reply.json());
    }
}
