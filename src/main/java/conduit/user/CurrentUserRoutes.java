package conduit.user;

import conduit.web.Auth;
import conduit.web.Caller;
import conduit.web.JsonBody;
import conduit.web.Responses;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** Mounted at {@code /api/user}: the signed-in user, read ({@code GET}) and changed ({@code PUT}). */
public final class CurrentUserRoutes implements HttpService {
    private final UserService users;
    private final Auth auth;

    public CurrentUserRoutes(UserService users, Auth auth) {
        this.users = users;
        this.auth = auth;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::current)
                .put("/", this::update);
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
        Responses.ok(res, UserJson.of(users.update(caller.userId(), caller.token(), changes), caller.visibleToken()));
    }
}
