package conduit.profile;

/** A user as others see them: the RealWorld profile object. */
public record Profile(String username, String bio, String image, boolean following) {
}
