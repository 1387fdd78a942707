package conduit.user;

import java.time.Duration;

import conduit.ratelimit.LoginLimiter;
import conduit.web.Auth;
import conduit.web.BrowserSession;
import conduit.web.Caller;
import conduit.web.Forwarded;
import conduit.web.JsonBody;
import conduit.web.Responses;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** Mounted at {@code /api/users}: sign-up ({@code POST /}), {@code /login} and {@code /logout}. */
public final class AccountRoutes implements HttpService {
    private final UserService users;
    private final Auth auth;
    private final LoginLimiter limiter;
    private final Duration sessionLifetime;

    public AccountRoutes(UserService users, Auth auth, LoginLimiter limiter, Duration sessionLifetime) {
        this.users = users;
        this.auth = auth;
        this.limiter = limiter;
        this.sessionLifetime = sessionLifetime;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/login", this::login)
                .post("/", this::register)
                .post("/logout", this::logout);
    }

    private void register(ServerRequest req, ServerResponse res) {
        JsonBody body = JsonBody.read(req, "user");
        UserService.Authenticated result = users.register(body.string("username"), body.string("email"), body.string("password"));
        signedIn(req, res, Status.CREATED_201, result);
    }

    private void login(ServerRequest req, ServerResponse res) {
        JsonBody body = JsonBody.read(req, "user");
        String email = body.string("email");
        String password = body.string("password");
        if (email != null && !email.isBlank() && password != null && !password.isEmpty()) {
            limiter.check(email, Forwarded.clientAddress(req));
        }
        signedIn(req, res, Status.OK_200, users.login(email, password));
    }

    /** API clients get the token in the body; the browser UI gets it in an HttpOnly cookie only. */
    private void signedIn(ServerRequest req, ServerResponse res, Status status, UserService.Authenticated result) {
        String token = result.token();
        if (BrowserSession.wanted(req)) {
            BrowserSession.start(req, res, token, sessionLifetime);
            token = null;
        }
        Responses.send(res, status, UserJson.of(result.user(), token));
    }

    private void logout(ServerRequest req, ServerResponse res) {
        Caller caller = auth.required(req);
        users.logout(caller.token());
        BrowserSession.end(req, res);
        Responses.noContent(res);
    }
}
