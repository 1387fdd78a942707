package conduit.tag;

import conduit.web.Responses;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;

/** {@code GET /api/tags}. */
public final class TagRoutes implements HttpService {
    private final TagService tags;

    public TagRoutes(TagService tags) {
        this.tags = tags;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/api/tags", (req, res) -> Responses.okJson(res, tags.json()));
    }
}
