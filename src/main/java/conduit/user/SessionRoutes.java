package conduit.user;

import java.util.List;
import java.util.Map;

import conduit.common.Clock;
import conduit.web.Auth;
import conduit.web.BrowserSession;
import conduit.web.Caller;
import conduit.web.Forwarded;
import conduit.web.JsonBody;
import conduit.web.Params;
import conduit.web.Responses;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Mounted at {@code /api/user}: the signed-in user's sessions. {@code GET /sessions} lists them,
 * {@code DELETE /sessions/{id}} ends one (the current one too: that is a logout),
 * {@code DELETE /sessions} ends all but the current one. Ending another session needs the same
 * proof as a password change (ASVS 7.5.2): {@code {"user":{"currentPassword":"..."}}} in the body,
 * or a sign-in within {@code SUDO_MINUTES}; else a stolen token could sign the owner out.
 */
public final class SessionRoutes implements HttpService {
    /** A session in the API (times in ISO-8601 like the rest of the API; address and agent may be null). */
    record SessionJson(String id, String createdAt, String lastUsedAt, String clientAddress, String userAgent, boolean current) {
        static SessionJson of(AccountSessions.View v) {
            return new SessionJson(v.id(), Clock.format(v.createdAt()), Clock.format(v.lastUsedAt()), v.clientAddress(),
                    v.userAgent(), v.current());
        }
    }

    private final AccountSessions sessions;
    private final UserService users;
    private final Auth auth;

    public SessionRoutes(AccountSessions sessions, UserService users, Auth auth) {
        this.sessions = sessions;
        this.users = users;
        this.auth = auth;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/sessions", this::list)
                .delete("/sessions", this::revokeOthers)
                .delete("/sessions/{id}", this::revoke);
    }

    private void list(ServerRequest req, ServerResponse res) {
        Caller caller = auth.required(req);
        List<SessionJson> list = sessions.list(caller.userId(), caller.token()).stream().map(SessionJson::of).toList();
        Responses.ok(res, Map.of("sessions", list));
    }

    private void revoke(ServerRequest req, ServerResponse res) {
        Caller caller = auth.required(req);
        String id = Params.path(req, "id");
        if (!sessions.isCurrent(caller.token(), id)) {
            reauthenticate(req, caller);
        }
        if (sessions.revoke(caller.userId(), caller.token(), id) && caller.viaCookie()) {
            BrowserSession.end(req, res);
        }
        Responses.noContent(res);
    }

    private void revokeOthers(ServerRequest req, ServerResponse res) {
        Caller caller = auth.required(req);
        reauthenticate(req, caller);
        sessions.revokeOthers(caller.userId(), caller.token());
        Responses.noContent(res);
    }

    /** 403 unless the body carries the current password or the session signed in recently. */
    private void reauthenticate(ServerRequest req, Caller caller) {
        String currentPassword = req.content().hasEntity()
                ? JsonBody.read(req, "user", JsonBody.ANONYMOUS_MAX_BYTES).string("currentPassword") : null;
        users.reauthenticate(new UserService.Session(caller.userId(), caller.token(), caller.signedInAt()), currentPassword,
                Forwarded.client(req));
    }
}
