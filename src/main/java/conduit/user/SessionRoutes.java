package conduit.user;

import java.util.List;
import java.util.Map;

import conduit.common.Clock;
import conduit.web.Auth;
import conduit.web.BrowserSession;
import conduit.web.Caller;
import conduit.web.Params;
import conduit.web.Responses;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Mounted at {@code /api/user}: the signed-in user's sessions. {@code GET /sessions} lists them,
 * {@code DELETE /sessions/{id}} ends one (the current one too: that is a logout),
 * {@code DELETE /sessions} ends all but the current one.
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
    private final Auth auth;

    public SessionRoutes(AccountSessions sessions, Auth auth) {
        this.sessions = sessions;
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
        if (sessions.revoke(caller.userId(), caller.token(), Params.path(req, "id")) && caller.viaCookie()) {
            BrowserSession.end(req, res);
        }
        Responses.noContent(res);
    }

    private void revokeOthers(ServerRequest req, ServerResponse res) {
        Caller caller = auth.required(req);
        sessions.revokeOthers(caller.userId(), caller.token());
        Responses.noContent(res);
    }
}
