package conduit.user;

import java.util.Map;

import conduit.web.Auth;
import conduit.web.Caller;
import conduit.web.JsonBody;
import conduit.web.Responses;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** {@code /api/users}, {@code /api/users/login}, {@code /api/user}. */
public final class UserRoutes implements HttpService {

    /** The RealWorld user object. */
    record UserJson(String email, String token, String username, String bio, String image) {
        static Map<String, UserJson> of(User user, String token) {
            return Map.of("user", new UserJson(user.email(), token, user.username(), user.bio(), user.image()));
        }
    }

    private final UserService users;
    private final Auth auth;

    public UserRoutes(UserService users, Auth auth) {
        this.users = users;
        this.auth = auth;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/api/users/login", this::login)
                .post("/api/users", this::register)
                .get("/api/user", this::current)
                .put("/api/user", this::update);
    }

    private void register(ServerRequest req, ServerResponse res) {
        JsonBody body = JsonBody.read(req, "user");
        UserService.Authenticated result = users.register(body.string("username"), body.string("email"), body.string("password"));
        Responses.created(res, UserJson.of(result.user(), result.token()));
    }

    private void login(ServerRequest req, ServerResponse res) {
        JsonBody body = JsonBody.read(req, "user");
        UserService.Authenticated result = users.login(body.string("email"), body.string("password"));
        Responses.ok(res, UserJson.of(result.user(), result.token()));
    }

    private void current(ServerRequest req, ServerResponse res) {
        Caller caller = auth.required(req);
        Responses.ok(res, UserJson.of(users.current(caller.userId()), caller.token()));
    }

    private void update(ServerRequest req, ServerResponse res) {
        Caller caller = auth.required(req);
        JsonBody body = JsonBody.read(req, "user");
        UserService.Changes changes = new UserService.Changes(
                body.stringChange("username"), body.stringChange("email"), body.stringChange("password"),
                body.stringChange("bio"), body.stringChange("image"));
        User user = users.update(caller.userId(), caller.token(), changes);
        Responses.ok(res, UserJson.of(user, caller.token()));
    }
}
