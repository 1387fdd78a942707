package conduit.user;

/**
 * A stored account. The password hash never leaves the user package. {@code emailVerified}: the
 * address was proven by a link mailed to it (false again after it changes).
 */
public record User(long id, String username, String email, String passwordHash, String bio, String image,
                   boolean emailVerified) {
}
