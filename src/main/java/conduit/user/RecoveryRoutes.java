package conduit.user;

import java.util.Map;

import conduit.web.Forwarded;
import conduit.web.JsonBody;
import conduit.web.Responses;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Mounted at {@code /api/users}, for anyone (the link in the mail is the proof):
 * {@code POST /password-reset} asks for a reset link ({@code {"user":{"email"}}}, 202 whether or
 * not the address has an account), {@code POST /password-reset/confirm} sets a new password
 * ({@code {"user":{"token","password"}}}), {@code POST /verify-email} proves an address and
 * {@code POST /email-change/revert} undoes an email change ({@code {"user":{"token"}}}); 204 each.
 * A reset or a revert ends every session of the account; a browser that held one learns so from
 * its next call (401), as when a session expires: the browser that follows the link may be signed
 * in to another account, whose cookies are not this request's to clear.
 */
public final class RecoveryRoutes implements HttpService {
    private static final Map<String, Map<String, String>> REQUESTED = Map.of("passwordReset", Map.of("status", "requested"));

    private final Recovery recovery;

    public RecoveryRoutes(Recovery recovery) {
        this.recovery = recovery;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/password-reset", this::requestReset)
                .post("/password-reset/confirm", this::confirmReset)
                .post("/verify-email", this::verifyEmail)
                .post("/email-change/revert", this::revertEmail);
    }

    private void requestReset(ServerRequest req, ServerResponse res) {
        JsonBody body = JsonBody.read(req, "user", JsonBody.ANONYMOUS_MAX_BYTES);
        recovery.requestReset(body.string("email"), Forwarded.client(req));
        Responses.send(res, Status.ACCEPTED_202, REQUESTED);
    }

    private void confirmReset(ServerRequest req, ServerResponse res) {
        JsonBody body = JsonBody.read(req, "user", JsonBody.ANONYMOUS_MAX_BYTES);
        recovery.confirmReset(body.string("token"), body.string("password"), Forwarded.client(req));
        Responses.noContent(res);
    }

    private void verifyEmail(ServerRequest req, ServerResponse res) {
        JsonBody body = JsonBody.read(req, "user", JsonBody.ANONYMOUS_MAX_BYTES);
        recovery.verifyEmail(body.string("token"), Forwarded.client(req));
        Responses.noContent(res);
    }

    private void revertEmail(ServerRequest req, ServerResponse res) {
        JsonBody body = JsonBody.read(req, "user", JsonBody.ANONYMOUS_MAX_BYTES);
        recovery.revertEmail(body.string("token"), Forwarded.client(req));
        Responses.noContent(res);
    }
}
