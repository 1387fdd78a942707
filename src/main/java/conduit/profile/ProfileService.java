package conduit.profile;

import conduit.common.Failure;
import conduit.common.WriteEvents;

/** Profiles and following. */
public final class ProfileService {
    private final ProfileStore store;
    private final WriteEvents events;

    public ProfileService(ProfileStore store, WriteEvents events) {
        this.store = store;
        this.events = events;
    }

    public Profile get(String username, long viewerId) {
        return find(username, viewerId).profile();
    }

    public Profile follow(long followerId, String username) {
        ProfileStore.Found target = find(username, followerId);
        if (target.userId() == followerId) {
            throw Failure.invalid("profile", "cannot follow yourself");
        }
        store.follow(followerId, target.userId());
        events.followChanged(followerId, target.userId());
        return withFollowing(target.profile(), true);
    }

    public Profile unfollow(long followerId, String username) {
        ProfileStore.Found target = find(username, followerId);
        store.unfollow(followerId, target.userId());
        events.followChanged(followerId, target.userId());
        return withFollowing(target.profile(), false);
    }

    /** The profile as the viewer (0: anonymous) sees it, and the id behind it; 404 when there is none. */
    public ProfileStore.Found find(String username, long viewerId) {
        return store.byUsername(checkedUsername(username), viewerId).orElseThrow(() -> Failure.notFound("profile"));
    }

    /** The username when it could name a user; a 404 for the profile when it cannot (checked before any look-up). */
    public static String checkedUsername(String username) {
        if (username == null || username.length() > 64) {
            throw Failure.notFound("profile");
        }
        return username;
    }

    private static Profile withFollowing(Profile p, boolean following) {
        return new Profile(p.username(), p.bio(), p.image(), following);
    }
}
