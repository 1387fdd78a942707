package conduit.user;

import java.util.Map;

/**
 * The RealWorld user object; {@code token} is null for browser sessions (it lives in an HttpOnly
 * cookie). {@code verified} is this API's addition (RealWorld clients ignore unknown fields).
 */
record UserJson(String email, String token, String username, String bio, String image, boolean verified) {
    static Map<String, UserJson> of(User user, String token) {
        return Map.of("user", new UserJson(user.email(), token, user.username(), user.bio(), user.image(),
                user.emailVerified()));
    }
}
