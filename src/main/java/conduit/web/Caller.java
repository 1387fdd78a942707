package conduit.web;

/**
 * The signed-in user behind a request, the token they presented, and whether it came in the
 * browser's session cookie (then it must never be echoed back in a response body).
 */
public record Caller(long userId, String token, boolean viaCookie) {
    /** The token to show in a RealWorld user object: none for cookie sessions. */
    public String visibleToken() {
        return viaCookie ? null : token;
    }
}
