package conduit.common;

import java.util.List;
import java.util.Map;

/**
 * A request that cannot be carried out, for a reason the caller can act on. Services throw it
 * without knowing about HTTP; the web layer maps {@link Kind} to a status code and
 * {@link #errors()} to the RealWorld error body {@code {"errors":{"field":["message"]}}}.
 */
public final class Failure extends RuntimeException {

    /** What went wrong, in the caller's terms. */
    public enum Kind {
        MALFORMED, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, TIMEOUT, CONFLICT, TOO_LARGE, UNSUPPORTED_MEDIA_TYPE, INVALID,
        RATE_LIMITED, UNAVAILABLE
    }

    private final Kind kind;
    private final Map<String, List<String>> errors;
    private final long retryAfterSeconds;

    public Failure(Kind kind, String field, String message) {
        this(kind, field, message, 0, null);
    }

    private Failure(Kind kind, String field, String message, long retryAfterSeconds, Throwable cause) {
        // No stack trace of its own: these are expected outcomes on hot paths, not bugs. An
        // infrastructure failure keeps its cause, which the edge logs once.
        super(field + " " + message, cause, false, false);
        this.kind = kind;
        this.errors = Map.of(field, List.of(message));
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static Failure invalid(String field, String message) {
        return new Failure(Kind.INVALID, field, message);
    }

    public static Failure blank(String field) {
        return invalid(field, "can't be blank");
    }

    public static Failure tooLong(String field, int max) {
        return invalid(field, "is too long (maximum is " + max + " characters)");
    }

    public static Failure notFound(String entity) {
        return new Failure(Kind.NOT_FOUND, entity, "not found");
    }

    public static Failure forbidden(String entity) {
        return new Failure(Kind.FORBIDDEN, entity, "forbidden");
    }

    public static Failure taken(String field) {
        return new Failure(Kind.CONFLICT, field, "has already been taken");
    }

    public static Failure missingToken() {
        return new Failure(Kind.UNAUTHORIZED, "token", "is missing");
    }

    public static Failure invalidToken() {
        return new Failure(Kind.UNAUTHORIZED, "token", "is invalid or expired");
    }

    public static Failure badCredentials() {
        return new Failure(Kind.UNAUTHORIZED, "credentials", "invalid");
    }

    /** 503 + Retry-After: a tier this request needs failed; {@code cause} says how (kept for the log). */
    public static Failure unavailable(String what, Throwable cause) {
        return new Failure(Kind.UNAVAILABLE, what, "is temporarily unavailable", 1, cause);
    }

    /** 503 + Retry-After: the server is at a capacity limit that will pass. */
    public static Failure busy(String field, String message) {
        return new Failure(Kind.UNAVAILABLE, field, message, 1, null);
    }

    /** 409 + Retry-After: a conflict that passes by itself (the same request is still running). */
    public static Failure conflictRetry(String field, String message) {
        return new Failure(Kind.CONFLICT, field, message, 1, null);
    }

    /** 429 + Retry-After: a rate limit or quota, named by {@code field} (login, signup, writes, uploads). */
    public static Failure rateLimited(String field, long retryAfterSeconds) {
        return new Failure(Kind.RATE_LIMITED, field, "too many attempts, retry in " + retryAfterSeconds + " s",
                retryAfterSeconds, null);
    }

    /** Seconds the client should wait before retrying (429, 503), or 0. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public Kind kind() {
        return kind;
    }

    public Map<String, List<String>> errors() {
        return errors;
    }
}
