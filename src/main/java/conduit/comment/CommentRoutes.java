package conduit.comment;

import java.util.List;
import java.util.Map;

import conduit.common.Clock;
import conduit.common.Page;
import conduit.profile.Profile;
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
 * Mounted at {@code /api/articles} (beside the articles' own routes): {@code /{slug}/comments}.
 * Not at {@code /api/articles/{slug}/comments}: Helidon 4.5 reports a wrong route template for
 * a mount point with a path parameter, and the template names the route in logs and metrics.
 * Adding and deleting count against the author's write limit ({@code WRITE_LIMIT_PER_USER}).
 */
public final class CommentRoutes implements HttpService {

    /** The RealWorld comment object. */
    record CommentJson(long id, String createdAt, String updatedAt, String body, Profile author) {
        static CommentJson of(Comment c) {
            return new CommentJson(c.id(), Clock.format(c.createdAt()), Clock.format(c.updatedAt()), c.body(), c.author());
        }
    }

    private final CommentService comments;
    private final CommentViews views;
    private final Auth auth;
    private final Idempotency idempotency;
    private final RateLimiter limiter;

    public CommentRoutes(CommentService comments, CommentViews views, Auth auth, Idempotency idempotency, RateLimiter limiter) {
        this.comments = comments;
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
        rules.get("/{slug}/comments", this::list)
                .post("/{slug}/comments", this::add)
                .delete("/{slug}/comments/{id}", this::delete);
    }

    private void list(ServerRequest req, ServerResponse res) {
        Page page = Params.page(req, Page.MAX_LIMIT);
        Responses.okJson(res, views.list(Params.path(req, "slug"), auth.viewerId(req), page));
    }

    private void add(ServerRequest req, ServerResponse res) {
        long me = writer(req);
        JsonBody body = JsonBody.read(req, "comment");
        String slug = Params.path(req, "slug");
        String text = body.string("body");
        // The slug is part of the route, not the body: it goes into the key's scope.
        idempotency.create(req, res, "user:" + me + ":comments:" + slug, body.raw(),
                requestKey -> Idempotency.created(Map.of("comment", CommentJson.of(comments.add(me, slug, text, requestKey)))));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        long me = writer(req);
        comments.delete(me, Params.path(req, "slug"), Params.path(req, "id"));
        Responses.noContent(res);
    }
}
