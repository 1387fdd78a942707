package conduit.ops;

/**
 * The id of the request this thread is serving, for log lines. Helidon serves each request on
 * its own virtual thread, so a thread-local is exactly request-scoped; the edge filter sets and
 * clears it.
 */
public final class RequestContext {
    private static final ThreadLocal<String> REQUEST_ID = new ThreadLocal<>();

    private RequestContext() {
    }

    public static void set(String requestId) {
        REQUEST_ID.set(requestId);
    }

    public static String requestId() {
        return REQUEST_ID.get();
    }

    public static void clear() {
        REQUEST_ID.remove();
    }
}
