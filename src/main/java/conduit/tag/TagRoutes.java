package conduit.tag;

import java.util.Map;

import conduit.cache.PublicViews;
import conduit.web.Json;
import conduit.web.Responses;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;

/** {@code GET /api/tags}: the same for everyone, so always through the public cache. */
public final class TagRoutes implements HttpService {
    private final TagService tags;
    private final PublicViews views;

    public TagRoutes(TagService tags, PublicViews views) {
        this.tags = tags;
        this.views = views;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", (req, res) -> Responses.okJson(res, views.tags(() -> Json.write(Map.of("tags", tags.all())))));
    }
}
