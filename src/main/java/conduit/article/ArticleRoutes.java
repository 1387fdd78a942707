package conduit.article;

import conduit.common.Change;
import conduit.common.Page;
import conduit.web.Auth;
import conduit.web.JsonBody;
import conduit.web.Params;
import conduit.web.Responses;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** {@code /api/articles}, the feed, single articles and favourites. */
public final class ArticleRoutes implements HttpService {
    private final ArticleService articles;
    private final Auth auth;

    public ArticleRoutes(ArticleService articles, Auth auth) {
        this.articles = articles;
        this.auth = auth;
    }

    @Override
    public void routing(HttpRules rules) {
        // The feed before {slug}: "feed" is not an article.
        rules.get("/api/articles/feed", this::feed)
                .get("/api/articles", this::list)
                .post("/api/articles", this::create)
                .get("/api/articles/{slug}", this::get)
                .put("/api/articles/{slug}", this::update)
                .delete("/api/articles/{slug}", this::delete)
                .post("/api/articles/{slug}/favorite", this::favorite)
                .delete("/api/articles/{slug}/favorite", this::unfavorite);
    }

    private void list(ServerRequest req, ServerResponse res) {
        ArticleFilter filter = new ArticleFilter(Params.query(req, "author"), Params.query(req, "tag"),
                Params.query(req, "favorited"), false);
        Page page = Params.page(req, Page.DEFAULT_LIMIT);
        long viewer = auth.viewerId(req);
        if (ArticleService.cachesList(filter, viewer, page)) {
            Responses.okJson(res, articles.publicListJson(page));
        } else {
            Responses.ok(res, ArticleJson.Listing.of(articles.list(filter, viewer, page)));
        }
    }

    private void feed(ServerRequest req, ServerResponse res) {
        long me = auth.required(req).userId();
        Page page = Params.page(req, Page.DEFAULT_LIMIT);
        Responses.ok(res, ArticleJson.Listing.of(articles.list(ArticleFilter.FEED, me, page)));
    }

    private void create(ServerRequest req, ServerResponse res) {
        long me = auth.required(req).userId();
        JsonBody body = JsonBody.read(req, "article");
        ArticleService.Draft draft = new ArticleService.Draft(body.string("title"), body.string("description"),
                body.string("body"), body.strings("tagList", ArticleService.MAX_TAGS));
        Responses.created(res, ArticleJson.single(articles.create(me, draft)));
    }

    private void get(ServerRequest req, ServerResponse res) {
        String slug = Params.path(req, "slug");
        long viewer = auth.viewerId(req);
        if (viewer == 0) {
            Responses.okJson(res, articles.publicJson(slug));
        } else {
            Responses.ok(res, ArticleJson.single(articles.get(slug, viewer)));
        }
    }

    private void update(ServerRequest req, ServerResponse res) {
        long me = auth.required(req).userId();
        JsonBody body = JsonBody.read(req, "article");
        ArticleService.Edit edit = new ArticleService.Edit(body.stringChange("title"), body.stringChange("description"),
                body.stringChange("body"),
                body.has("tagList") ? Change.to(body.strings("tagList", ArticleService.MAX_TAGS)) : Change.absent());
        Responses.ok(res, ArticleJson.single(articles.update(me, Params.path(req, "slug"), edit)));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        long me = auth.required(req).userId();
        articles.delete(me, Params.path(req, "slug"));
        Responses.noContent(res);
    }

    private void favorite(ServerRequest req, ServerResponse res) {
        long me = auth.required(req).userId();
        Responses.ok(res, ArticleJson.single(articles.favorite(me, Params.path(req, "slug"))));
    }

    private void unfavorite(ServerRequest req, ServerResponse res) {
        long me = auth.required(req).userId();
        Responses.ok(res, ArticleJson.single(articles.unfavorite(me, Params.path(req, "slug"))));
    }
}
