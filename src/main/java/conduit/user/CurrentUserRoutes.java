package conduit.user;

import java.util.Map;

import conduit.web.Auth;
import conduit.web.Caller;
import conduit.web.Forwarded;
import conduit.web.JsonBody;
import conduit.web.Responses;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Mounted at {@code /api/user}: the signed-in user, read ({@code GET}) and changed ({@code PUT}),
 * and {@code POST /verification}, which mails the address a new verification link.
 * A change of password or email carries {@code currentPassword} unless the session signed in
 * within the last {@code SUDO_MINUTES}.
 */
public final class CurrentUserRoutes implements HttpService {
    private final UserService users;
    private final Recovery recovery;
    private final Auth auth;

    public CurrentUserRoutes(UserService users, Recovery recovery, Auth auth) {
        this.users = users;
        this.recovery = recovery;
        this.auth = auth;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::current)
                .put("/", this::update)
                .post("/verification", this::resendVerification);
    }

    /** 202 {@code {"verification":{"status":"sent"}}}, or {@code "verified"} when there is nothing to prove. */
    private void resendVerification(ServerRequest req, ServerResponse res) {
        Caller caller = auth.required(req);
        String status = recovery.resendVerification(caller.userId()) ? "sent" : "verified";
        Responses.send(res, Status.ACCEPTED_202, Map.of("verification", Map.of("status", status)));
    }

    private void current(ServerRequest req, ServerResponse res) {
        Caller caller = auth.required(req);
        Responses.ok(res, UserJson.of(users.current(caller.userId()), caller.visibleToken()));
    }

    private void update(ServerRequest req, ServerResponse res) {
        Caller caller = auth.required(req);
        JsonBody body = JsonBody.read(req, "user");
        UserService.Changes changes = new UserService.Changes(
                body.stringChange("username"), body.stringChange("email"), body.stringChange("password"),
                body.stringChange("bio"), body.stringChange("image"));
        UserService.Session session = new UserService.Session(caller.userId(), caller.token(), caller.signedInAt());
        Responses.ok(res, UserJson.of(users.update(session, changes, body.string("currentPassword"), Forwarded.client(req)),
                caller.visibleToken()));
    }
}
