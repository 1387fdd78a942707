package conduit.profile;

import java.util.Map;

import conduit.web.Auth;
import conduit.web.Params;
import conduit.web.Responses;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** Mounted at {@code /api/profiles}: {@code /{username}} and its {@code /follow}. */
public final class ProfileRoutes implements HttpService {
    private final ProfileService profiles;
    private final ProfileViews views;
    private final Auth auth;

    public ProfileRoutes(ProfileService profiles, ProfileViews views, Auth auth) {
        this.profiles = profiles;
        this.views = views;
        this.auth = auth;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/{username}", this::get)
                .post("/{username}/follow", this::follow)
                .delete("/{username}/follow", this::unfollow);
    }

    private void get(ServerRequest req, ServerResponse res) {
        Responses.okJson(res, views.get(Params.path(req, "username"), auth.viewerId(req)));
    }

    private void follow(ServerRequest req, ServerResponse res) {
        long me = auth.required(req).userId();
        reply(res, profiles.follow(me, Params.path(req, "username")));
    }

    private void unfollow(ServerRequest req, ServerResponse res) {
        long me = auth.required(req).userId();
        reply(res, profiles.unfollow(me, Params.path(req, "username")));
    }

    private static void reply(ServerResponse res, Profile profile) {
        Responses.ok(res, Map.of("profile", profile));
    }
}
