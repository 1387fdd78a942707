package conduit.user;

/** A stored account. The password hash never leaves the user package. */
public record User(long id, String username, String email, String passwordHash, String bio, String image) {
}
