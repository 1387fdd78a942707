package conduit.ops;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The security audit trail: one structured log line per security-relevant action (sign-up, login
 * and its failure, re-authentication, password and email changes, session revocations, refused
 * requests, uploads), on the logger {@code conduit.audit}. Each line carries the event, its
 * details, and from the request's context the request id, the client's address and the user id
 * ({@link JsonLogFormatter}). Callers pass identifiers only: never a password, token or email.
 */
public final class Audit {
    /** An audit line: what happened, about which user (0: the request's own, if any), and plain details. */
    public record Event(String name, long userId, Map<String, Object> details) {
    }

    private static final Logger LOG = System.getLogger("conduit.audit");

    private Audit() {
    }

    /** Something allowed happened (a sign-in, a change, a revocation). */
    public static void info(String event, long userId, Object... details) {
        LOG.log(Level.INFO, "{0}", new Event(event, userId, map(details)));
    }

    /** Something was refused (a failed sign-in, a rate limit, a denied access). */
    public static void denied(String event, long userId, Object... details) {
        LOG.log(Level.WARNING, "{0}", new Event(event, userId, map(details)));
    }

    private static Map<String, Object> map(Object... pairs) {
        if (pairs.length % 2 != 0) {
            throw new IllegalArgumentException("details come in name, value pairs");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.put((String) pairs[i], pairs[i + 1]);
        }
        return out;
    }
}
