package conduit.user;

import java.time.Duration;

import conduit.idempotency.IdempotencyRecords;
import conduit.web.Auth;
import conduit.web.BrowserSession;
import conduit.web.Caller;
import conduit.web.Forwarded;
import conduit.web.Idempotency;
import conduit.web.Json;
import conduit.web.JsonBody;
import conduit.web.Responses;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Mounted at {@code /api/users}: sign-up ({@code POST /}), {@code /login} and {@code /logout}.
 * Anyone may call the first two, so their bodies are held to a small limit.
 */
public final class AccountRoutes implements HttpService {
    private final UserService users;
    private final Auth auth;
    private final Duration sessionLifetime;
    private final Idempotency idempotency;

    public AccountRoutes(UserService users, Auth auth, Duration sessionLifetime, Idempotency idempotency) {
        this.users = users;
        this.auth = auth;
        this.sessionLifetime = sessionLifetime;
        this.idempotency = idempotency;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/login", this::login)
                .post("/", this::register)
                .post("/logout", this::logout);
    }

    private void register(ServerRequest req, ServerResponse res) {
        JsonBody body = JsonBody.read(req, "user", JsonBody.ANONYMOUS_MAX_BYTES);
        String username = body.string("username");
        String email = body.string("email");
        String password = body.string("password");
        // A replayed browser sign-up answers as the first did but sets no cookie again: the
        // page then asks the user to sign in (the account exists once, which is the point).
        // The account's unique username and email keep a lost-answer retry from a second row.
        idempotency.create(req, res, "anonymous", body.raw(), requestKey -> new IdempotencyRecords.Reply(201,
                Json.write(signedIn(req, res, users.register(username, email, password, Forwarded.client(req))))));
    }

    private void login(ServerRequest req, ServerResponse res) {
        JsonBody body = JsonBody.read(req, "user", JsonBody.ANONYMOUS_MAX_BYTES);
        Responses.send(res, Status.OK_200, signedIn(req, res,
                users.login(body.string("email"), body.string("password"), Forwarded.client(req))));
    }

    /** API clients get the token in the body; the browser UI gets it in an HttpOnly cookie only. */
    private Object signedIn(ServerRequest req, ServerResponse res, UserService.Authenticated result) {
        String token = result.token();
        if (BrowserSession.wanted(req)) {
            BrowserSession.start(req, res, token, sessionLifetime);
            token = null;
        }
        return UserJson.of(result.user(), token);
    }

    private void logout(ServerRequest req, ServerResponse res) {
        Caller caller = auth.required(req);
        users.logout(caller.userId(), caller.token());
        BrowserSession.end(req, res);
        Responses.noContent(res);
    }
}
