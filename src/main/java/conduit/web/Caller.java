package conduit.web;

/** The signed-in user behind a request, and the token they presented. */
public record Caller(long userId, String token) {
}
