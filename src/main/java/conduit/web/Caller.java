package conduit.web;

/**
 * The signed-in user behind a request, the token they presented, whether it came in the
 * browser's session cookie (then it must never be echoed back in a response body), and when the
 * session signed in (epoch ms: recent enough, it may change the password without re-entering it).
 */
public record Caller(long userId, String token, boolean viaCookie, long signedInAt) {
    /** The token to show in a RealWorld user object: none for cookie sessions. */
    public String visibleToken() {
        return viaCookie ? null : token;
    }
}
