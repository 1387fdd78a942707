package conduit.article;

import conduit.common.Change;
import conduit.common.Page;
import conduit.ratelimit.RateLimiter;
import conduit.web.Auth;
import conduit.web.Idempotency;
import conduit.web.JsonBody;
import conduit.web.Params;
import conduit.web.Responses;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Mounted at {@code /api/articles}: lists, the feed, single articles and favourites. Every write
 * counts against the author's write limit ({@code WRITE_LIMIT_PER_USER}).
 */
public final class ArticleRoutes implements HttpService {
    private final ArticleService articles;
    private final ArticleViews views;
    private final Auth auth;
    private final Idempotency idempotency;
    private final RateLimiter limiter;

    public ArticleRoutes(ArticleService articles, ArticleViews views, Auth auth, Idempotency idempotency, RateLimiter limiter) {
        this.articles = articles;
        this.views = views;
        this.auth = auth;
        this.idempotency = idempotency;
        this.limiter = limiter;
    }

    /** The signed-in writer, after their write limit allows one more. */
    private long writer(ServerRequest req) {
        long me = auth.required(req).userId();
        limiter.write(me);
        return me;
    }

    @Override
    public void routing(HttpRules rules) {
        // The feed before {slug}: "feed" is not an article.
        rules.get("/feed", this::feed)
                .get("/", this::list)
                .post("/", this::create)
                .get("/{slug}", this::get)
                .put("/{slug}", this::update)
                .delete("/{slug}", this::delete)
                .post("/{slug}/favorite", this::favorite)
                .delete("/{slug}/favorite", this::unfavorite);
    }

    private void list(ServerRequest req, ServerResponse res) {
        ArticleFilter filter = new ArticleFilter(Params.query(req, "author"), Params.query(req, "tag"),
                Params.query(req, "favorited"), false);
        Responses.okJson(res, views.list(filter, auth.viewerId(req), Params.page(req, Page.DEFAULT_LIMIT)));
    }

    private void feed(ServerRequest req, ServerResponse res) {
        long me = auth.required(req).userId();
        Responses.okJson(res, views.feed(me, Params.page(req, Page.DEFAULT_LIMIT)));
    }

    private void create(ServerRequest req, ServerResponse res) {
        long me = writer(req);
        JsonBody body = JsonBody.read(req, "article");
        ArticleService.Draft draft = new ArticleService.Draft(body.string("title"), body.string("description"),
                body.string("body"), body.strings("tagList", ArticleService.MAX_TAGS));
        idempotency.create(req, res, "user:" + me, body.raw(),
                requestKey -> Idempotency.created(ArticleJson.single(articles.create(me, draft, requestKey))));
    }

    private void get(ServerRequest req, ServerResponse res) {
        Responses.okJson(res, views.article(Params.path(req, "slug"), auth.viewerId(req)));
    }

    private void update(ServerRequest req, ServerResponse res) {
        long me = writer(req);
        JsonBody body = JsonBody.read(req, "article");
        ArticleService.Edit edit = new ArticleService.Edit(body.stringChange("title"), body.stringChange("description"),
                body.stringChange("body"),
                body.has("tagList") ? Change.to(body.strings("tagList", ArticleService.MAX_TAGS)) : Change.absent());
        Responses.ok(res, ArticleJson.single(articles.update(me, Params.path(req, "slug"), edit)));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        long me = writer(req);
        articles.delete(me, Params.path(req, "slug"));
        Responses.noContent(res);
    }

    private void favorite(ServerRequest req, ServerResponse res) {
        long me = writer(req);
        Responses.ok(res, ArticleJson.single(articles.favorite(me, Params.path(req, "slug"))));
    }

    private void unfavorite(ServerRequest req, ServerResponse res) {
        long me = writer(req);
        Responses.ok(res, ArticleJson.single(articles.unfavorite(me, Params.path(req, "slug"))));
    }
}
