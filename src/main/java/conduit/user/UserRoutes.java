package conduit.user;

import java.time.Duration;
import java.util.Map;

import conduit.ratelimit.LoginLimiter;
import conduit.web.Auth;
import conduit.web.Forwarded;
import conduit.web.BrowserSession;
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
    private final LoginLimiter limiter;
    private final Duration sessionLifetime;

    public UserRoutes(UserService users, Auth auth, LoginLimiter limiter, Duration sessionLifetime) {
        this.users = users;
        this.auth = auth;
        this.limiter = limiter;
        this.sessionLifetime = sessionLifetime;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/api/users/login", this::login)
                .post("/api/users", this::register)
                .post("/api/users/logout", this::logout)
                .get("/api/user", this::current)
                .put("/api/user", this::update);
    }

    private void register(ServerRequest req, ServerResponse res) {
        JsonBody body = JsonBody.read(req, "user");
        UserService.Authenticated result = users.register(body.string("username"), body.string("email"), body.string("password"));
        res.status(io.helidon.http.Status.CREATED_201);
        signedIn(req, res, result);
    }

    private void login(ServerRequest req, ServerResponse res) {
        JsonBody body = JsonBody.read(req, "user");
        String email = body.string("email");
        String password = body.string("password");
        if (email != null && !email.isBlank() && password != null && !password.isEmpty()) {
            limiter.check(email, Forwarded.clientAddress(req));
        }
        UserService.Authenticated result = users.login(email, password);
        signedIn(req, res, result);
    }

    /** API clients get the token in the body; the browser UI gets it in an HttpOnly cookie only. */
    private void signedIn(ServerRequest req, ServerResponse res, UserService.Authenticated result) {
        String token = result.token();
        if (BrowserSession.wanted(req)) {
            BrowserSession.start(req, res, token, sessionLifetime);
            token = null;
        }
        Responses.send(res, res.status(), UserJson.of(result.user(), token));
    }

    private void logout(ServerRequest req, ServerResponse res) {
        Caller caller = auth.required(req);
        users.logout(caller.token());
        BrowserSession.end(req, res);
        Responses.noContent(res);
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
        User user = users.update(caller.userId(), caller.token(), changes);
        Responses.ok(res, UserJson.of(user, caller.visibleToken()));
    }
}
