package conduit;

import java.time.Duration;

import conduit.article.ArticleRoutes;
import conduit.article.ArticleService;
import conduit.article.ArticleStore;
import conduit.comment.CommentRoutes;
import conduit.comment.CommentService;
import conduit.comment.CommentStore;
import conduit.crypto.PasswordHasher;
import conduit.db.DataTier;
import conduit.db.Database;
import conduit.db.ReadConsistency;
import conduit.profile.ProfileRoutes;
import conduit.profile.ProfileService;
import conduit.profile.ProfileStore;
import conduit.cache.QueryCache;
import conduit.redis.CacheTier;
import conduit.session.SessionStore;
import conduit.tag.TagRoutes;
import conduit.tag.TagService;
import conduit.tag.TagStore;
import conduit.user.UserRoutes;
import conduit.user.UserService;
import conduit.user.UserStore;
import conduit.web.ApiDocs;
import conduit.web.Auth;
import conduit.web.ErrorHandling;
import conduit.web.JsonBody;
import conduit.web.TransportErrors;
import io.helidon.health.HealthCheckType;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;

/**
 * The running application: infrastructure chosen by {@link Settings}, the features wired on top,
 * and the web server. Read top to bottom, it is the whole start-up.
 */
public final class App implements AutoCloseable {
    private final DataTier data;
    private final CacheTier cacheTier;
    private final HttpRouting.Builder routing;

    private App(DataTier data, CacheTier cacheTier, HttpRouting.Builder routing) {
        this.data = data;
        this.cacheTier = cacheTier;
        this.routing = routing;
    }

    /** Builds the infrastructure and the features; nothing listens yet. */
    public static App wire(Settings settings) {
        DataTier data = DataTier.start(settings.db());
        CacheTier cacheTier = null;
        try {
            Database db = data.database();
            cacheTier = CacheTier.start(settings.redis(), settings.sessions(), settings.cacheTtl(), settings.logins(),
                    db::readFreshSince);
            SessionStore sessions = cacheTier.sessions();
            QueryCache cache = cacheTier.cache();
            Auth auth = new Auth(sessions, new ReadConsistency(settings.db().readYourWrites().toMillis()));
            PasswordHasher passwords = new PasswordHasher(Math.max(2, Runtime.getRuntime().availableProcessors()));

            UserService users = new UserService(new UserStore(db), sessions, passwords, cache);
            ProfileService profiles = new ProfileService(new ProfileStore(db));
            ArticleService articles = new ArticleService(new ArticleStore(db), cache);
            CommentService comments = new CommentService(new CommentStore(db), articles);
            TagService tags = new TagService(new TagStore(db), cache);

            HttpRouting.Builder routing = HttpRouting.builder();
            // Per-request state lives on the request's thread: clear it when the request ends.
            routing.addFilter((chain, req, res) -> {
                try {
                    chain.proceed();
                } finally {
                    ReadConsistency.clear();
                }
            });
            ErrorHandling.register(routing);
            routing.register(new UserRoutes(users, auth, cacheTier.logins(), settings.sessions().absolute()),
                    new ProfileRoutes(profiles, auth),
                    new ArticleRoutes(articles, auth),
                    new CommentRoutes(comments, auth),
                    new TagRoutes(tags),
                    new ApiDocs());
            ErrorHandling.registerNotFound(routing);
            return new App(data, cacheTier, routing);
        } catch (RuntimeException e) {
            if (cacheTier != null) {
                cacheTier.close();
            }
            data.close();
            throw e;
        }
    }

    /** Puts the routes, limits and observability endpoints on a server being built. */
    public void configure(WebServerConfig.Builder server) {
        server.maxPayloadSize(JsonBody.MAX_BYTES + 64 * 1024)
                .directHandlers(TransportErrors.handlers())
                .shutdownGracePeriod(Duration.ofSeconds(5))
                .addFeature(ObserveFeature.builder()
                        .addObserver(HealthObserver.builder()
                                .details(true)
                                .addCheck(data::writerHealth, HealthCheckType.READINESS, "database-writer")
                                .addCheck(data::readerHealth, HealthCheckType.READINESS, "database-reader")
                                .addCheck(cacheTier::health, HealthCheckType.READINESS, "redis")
                                .build())
                        .addObserver(MetricsObserver.create())
                        .build())
                .routing(routing);
    }

    /** Wires the app and starts listening where the settings say. */
    public static Running start(Settings settings) {
        App app = wire(settings);
        try {
            WebServerConfig.Builder builder = WebServer.builder().host(settings.host()).port(settings.port());
            app.configure(builder);
            return new Running(app, builder.build().start());
        } catch (RuntimeException e) {
            app.close();
            throw e;
        }
    }

    /** A started app and its server. */
    public record Running(App app, WebServer server) implements AutoCloseable {
        public int port() {
            return server.port();
        }

        @Override
        public void close() {
            server.stop();
            app.close();
        }
    }

    /** Closes pools last: the server must have stopped taking requests before. */
    @Override
    public void close() {
        cacheTier.close();
        data.close();
    }
}
