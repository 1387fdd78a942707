package conduit.profile;

import java.util.Map;

import conduit.cache.PublicViews;
import conduit.viewer.PublicPage;
import conduit.viewer.ViewerOverlay;
import conduit.web.Json;

/**
 * The JSON a reader gets for a profile: the public view from the cache, with the viewer's
 * {@code following} laid over it ({@link ViewerOverlay}).
 */
public final class ProfileViews {
    private final ProfileService profiles;
    private final PublicViews views;
    private final ViewerOverlay overlay;

    public ProfileViews(ProfileService profiles, PublicViews views, ViewerOverlay overlay) {
        this.profiles = profiles;
        this.views = views;
        this.overlay = overlay;
    }

    /** {@code {"profile":{...}}} as the viewer (0: anonymous) sees it; a 404 when there is no such user. */
    public byte[] get(String username, long viewerId) {
        String checked = ProfileService.checkedUsername(username); // no cache look-up for a name that cannot exist
        return overlay.as(viewerId, PublicPage.of(views.profile(checked, () -> {
            ProfileStore.Found found = profiles.find(checked, 0);
            long[] user = {found.userId()};
            return PublicPage.store(Json.write(Map.of("profile", found.profile())), user, user, false);
        })));
    }
}
