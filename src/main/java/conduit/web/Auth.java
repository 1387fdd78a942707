package conduit.web;

import java.util.Optional;
import java.util.Set;

import conduit.common.Failure;
import conduit.db.ReadConsistency;
import conduit.ops.Audit;
import conduit.ops.RequestContext;
import conduit.session.Session;
import conduit.session.SessionStore;
import conduit.session.Tokens;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;

/**
 * Who is calling: reads {@code Authorization: Token <token>} (RealWorld; {@code Bearer} is
 * accepted too), or else the browser's session cookie, and resolves it through the session store.
 * A cookie-authenticated request that changes state must carry the CSRF token.
 */
public final class Auth {
    /** Methods that change nothing, so need no CSRF token. */
    private static final Set<Method> SAFE = Set.of(Method.GET, Method.HEAD, Method.OPTIONS);
    private static final System.Logger LOG = System.getLogger(Auth.class.getName());
    private final SessionStore sessions;
    private final ReadConsistency consistency;

    public Auth(SessionStore sessions, ReadConsistency consistency) {
        this.sessions = sessions;
        this.consistency = consistency;
    }

    /** The caller, or 401 when there is no valid session. */
    public Caller required(ServerRequest request) {
        Optional<String> header = headerToken(request);
        boolean viaCookie = header.isEmpty();
        String token = header.or(() -> BrowserSession.token(request)).orElseThrow(Failure::missingToken);
        if (viaCookie && !SAFE.contains(request.prologue().method()) && !BrowserSession.csrfValid(request, token)) {
            Audit.denied("csrf.refused", 0);
            throw new Failure(Failure.Kind.FORBIDDEN, "csrf", "is missing or invalid");
        }
        boolean writing = !SAFE.contains(request.prologue().method());
        // A write is marked on the session as it is found, before the write happens: by the time
        // the client sees the answer, every instance already knows to read this session's data
        // from the writer.
        Session session = lookup(token, writing).orElse(null);
        if (session == null) {
            Audit.denied("session.invalid", 0, "via", viaCookie ? "cookie" : "header");
            throw Failure.invalidToken();
        }
        RequestContext.user(session.userId());
        if (writing) {
            consistency.writing();
        }
        return new Caller(session.userId(), token, viaCookie, session.createdAtMillis());
    }

    /**
     * The caller when a valid session is presented, else anonymous. Public reads must keep
     * working when the session store is down, so a store failure here also means anonymous.
     */
    public Optional<Caller> optional(ServerRequest request) {
        Optional<String> header = headerToken(request);
        Optional<String> token = header.or(() -> BrowserSession.token(request));
        if (token.isEmpty()) {
            return Optional.empty();
        }
        try {
            Optional<Caller> caller = lookup(token.get(), false)
                    .map(s -> new Caller(s.userId(), token.get(), header.isEmpty(), s.createdAtMillis()));
            caller.ifPresent(c -> RequestContext.user(c.userId()));
            return caller;
        } catch (Failure f) {
            if (f.kind() == Failure.Kind.UNAVAILABLE) {
                // Logged here since it goes no further: the request carries on as anonymous.
                if (!conduit.ops.TierBreaker.refused(f)) {
                    LOG.log(System.Logger.Level.WARNING, f.getMessage() + ": serving a public read as anonymous", f.getCause());
                }
                return Optional.empty();
            }
            throw f;
        }
    }

    /** 0 for anonymous: no user has id 0, so "is followed by 0" is always false. */
    public long viewerId(ServerRequest request) {
        return optional(request).map(Caller::userId).orElse(0L);
    }

    private Optional<Session> lookup(String token, boolean writing) {
        if (!Tokens.wellFormed(token)) {
            return Optional.empty();
        }
        long now = System.currentTimeMillis();
        Optional<Session> session = writing ? sessions.findWriting(token, now) : sessions.find(token);
        session.ifPresent(s -> consistency.sessionSeen(s.lastWriteAt(), now));
        return session;
    }

    static Optional<String> headerToken(ServerRequest request) {
        Optional<String> header = request.headers().first(HeaderNames.AUTHORIZATION);
        if (header.isEmpty()) {
            return Optional.empty();
        }
        String value = header.get().trim();
        int space = value.indexOf(' ');
        if (space < 0) {
            return Optional.empty();
        }
        String scheme = value.substring(0, space);
        if (!scheme.equalsIgnoreCase("Token") && !scheme.equalsIgnoreCase("Bearer")) {
            return Optional.empty();
        }
        String token = value.substring(space + 1).trim();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }
}
