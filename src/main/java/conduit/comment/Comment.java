package conduit.comment;

import conduit.profile.Profile;

/** A comment as a given viewer sees it. */
public record Comment(long id, long authorId, String body, long createdAt, long updatedAt, Profile author) {
}
