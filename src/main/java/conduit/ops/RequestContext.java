package conduit.ops;

/**
 * Who and what the request this thread serves is about, for log lines: its id, the client's
 * address and, once authenticated, the user id. Helidon serves each request on its own virtual
 * thread, so a thread-local is exactly request-scoped; the edge filter sets and clears it, and
 * {@link JsonLogFormatter} adds these fields to every line written meanwhile (access lines and
 * audit events included), so a security event always says who, from where and in which request.
 */
public final class RequestContext {
    private static final class State {
        private final String requestId;
        private final String clientAddress;
        private long userId;

        private State(String requestId, String clientAddress) {
            this.requestId = requestId;
            this.clientAddress = clientAddress;
        }
    }

    private static final ThreadLocal<State> STATE = new ThreadLocal<>();

    private RequestContext() {
    }

    public static void set(String requestId, String clientAddress) {
        STATE.set(new State(requestId, clientAddress));
    }

    /** The signed-in user the request acts for (after authentication). */
    public static void user(long userId) {
        State state = STATE.get();
        if (state != null) {
            state.userId = userId;
        }
    }

    public static String requestId() {
        State state = STATE.get();
        return state == null ? null : state.requestId;
    }

    public static String clientAddress() {
        State state = STATE.get();
        return state == null ? null : state.clientAddress;
    }

    /** The authenticated user's id, or 0 when none (yet). */
    public static long userId() {
        State state = STATE.get();
        return state == null ? 0 : state.userId;
    }

    public static void clear() {
        STATE.remove();
    }
}
