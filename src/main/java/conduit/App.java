package conduit;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import conduit.article.ArticleRoutes;
import conduit.article.ArticleViews;
import conduit.article.FavoriteStore;
import conduit.blob.ImageRoutes;
import conduit.blob.LocalBlobStore;
import conduit.blob.LocalFileRoutes;
import conduit.blob.UploadRoutes;
import conduit.blob.UploadService;
import conduit.article.ArticleService;
import conduit.article.ArticleStore;
import conduit.comment.CommentRoutes;
import conduit.comment.CommentService;
import conduit.comment.CommentViews;
import conduit.comment.CommentStore;
import conduit.common.Futures;
import conduit.crypto.PasswordHasher;
import conduit.db.Database;
import conduit.db.ReadConsistency;
import conduit.mail.FileMailSender;
import conduit.mail.MailRelay;
import conduit.mail.MailSender;
import conduit.mail.Outbox;
import conduit.mail.SesMailSender;
import conduit.mail.Templates;
import conduit.ops.AccessLog;
import conduit.ops.Drain;
import conduit.ops.ProcessMetrics;
import conduit.ops.TierMonitor;
import conduit.ratelimit.RateLimiter;
import io.helidon.metrics.api.Metrics;
import conduit.profile.ProfileRoutes;
import conduit.profile.ProfileService;
import conduit.profile.ProfileViews;
import conduit.profile.ProfileStore;
import conduit.cache.PublicViews;
import conduit.session.SessionStore;
import conduit.tag.TagRoutes;
import conduit.tag.TagService;
import conduit.tag.TagStore;
import conduit.user.AccountLinks;
import conduit.user.AccountRoutes;
import conduit.user.AccountTokens;
import conduit.user.AccountSessions;
import conduit.user.CurrentUserRoutes;
import conduit.user.Recovery;
import conduit.user.RecoveryRoutes;
import conduit.user.SessionRoutes;
import conduit.user.UserService;
import conduit.user.UserStore;
import conduit.viewer.ViewerBitsStore;
import conduit.viewer.ViewerOverlay;
import conduit.web.ApiDocs;
import conduit.web.Auth;
import conduit.web.BodyBudget;
import conduit.web.EdgeFilter;
import conduit.web.ErrorHandling;
import conduit.web.Forwarded;
import conduit.web.Idempotency;
import conduit.web.ObservePaths;
import conduit.web.ApiRoutes;
import conduit.web.StaticSite;
import conduit.web.TransportErrors;
import io.helidon.common.configurable.Resource;
import io.helidon.common.pki.Keys;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The running application: infrastructure chosen by {@link Settings}, the features wired on top,
 * and the web server. Read top to bottom, it is the whole start-up.
 */
public final class App implements AutoCloseable {
    /** The listener that serves health and metrics, never the public port. */
    public static final String OBSERVE_SOCKET = "observe";
    private static final String WRITER = "database-writer";
    private static final String READER = "database-reader";
    private static final String REDIS = "redis";
    private static final long TIER_PROBE_INTERVAL_MILLIS = 1000;
    private static final long TIER_PROBE_DEADLINE_MILLIS = 2000;
    /** A monitor that has not finished a round for this long means the instance is wedged. */
    private static final long WEDGED_AFTER_MILLIS = 10_000;
    /** How often the outbox is looked at: mail leaves within about a second of its commit. */
    private static final long MAIL_ROUND_MILLIS = 1000;

    private final Settings settings;
    private final Infrastructure infra;
    private final Drain drain;
    private final TierMonitor tiers;
    private final AccessLog accessLog;
    private final HttpRouting.Builder routing;
    private final Outbox outbox;
    /** Reset requests are looked up off the request path, on its own pool. */
    private final Recovery recovery;
    private final Backfills backfills;
    private volatile boolean started;
    private volatile MailRelay relay;

    private App(Settings settings, Infrastructure infra, Drain drain, TierMonitor tiers, AccessLog accessLog,
                HttpRouting.Builder routing, Outbox outbox, Recovery recovery, Backfills backfills) {
        this.outbox = outbox;
        this.recovery = recovery;
        this.settings = settings;
        this.infra = infra;
        this.drain = drain;
        this.tiers = tiers;
        this.accessLog = accessLog;
        this.routing = routing;
        this.backfills = backfills;
    }

    /** Builds the infrastructure and the features; nothing listens yet. */
    public static App wire(Settings settings) {
        // Start-up work that needs none of the tiers runs beside their start (a database opened
        // and migrated, Redis and KMS reached): 0.1-0.15 s of a 1.5 s start on two cores
        // (docs/BENCHMARKS.md, "Fourteenth pass"). Both are joined below; a failure in either
        // is thrown there.
        CompletableFuture<StaticSite> site = inBackground("load-static-site", () -> new StaticSite(uploadOrigins(settings.aws())));
        CompletableFuture<MeterRegistry> registry = inBackground("load-metrics",
                () -> Metrics.globalRegistry().unwrap(MeterRegistry.class));
        Infrastructure infra = Infrastructure.start(settings);
        try {
            Database db = infra.data().database();
            SessionStore sessions = infra.cacheTier().sessions();
            // The query cache's rules; it hears of every write the services announce.
            PublicViews views = new PublicViews(infra.cacheTier().cache());
            Auth auth = new Auth(sessions, new ReadConsistency(settings.db().readYourWrites().toMillis()));
            PasswordHasher passwords = new PasswordHasher(Math.max(2, Runtime.getRuntime().availableProcessors()));

            // Mail is written to the outbox in the same transaction as the change that causes it.
            Outbox outbox = new Outbox(db, infra.keys().outboxCipher());
            UserStore userStore = new UserStore(db, infra.keys().emails());
            RateLimiter limiter = infra.cacheTier().limiter();
            AccountTokens accountTokens = new AccountTokens(db);
            AccountLinks links = new AccountLinks(accountTokens, outbox);
            UserService users = new UserService(userStore, links, sessions, passwords, views, limiter, settings.accounts());
            Recovery recovery = new Recovery(userStore, accountTokens, links, sessions, passwords, limiter, settings.accounts());
            ProfileService profiles = new ProfileService(new ProfileStore(db), views);
            TagStore tagStore = new TagStore(db);
            ArticleService articles = new ArticleService(new ArticleStore(db, tagStore), tagStore, new FavoriteStore(db), views);
            CommentService comments = new CommentService(new CommentStore(db), articles, views);
            ViewerOverlay overlay = new ViewerOverlay(views, new ViewerBitsStore(db));
            TagService tags = new TagService(tagStore);
            UploadService uploads = new UploadService(infra.blobs(), settings.aws().publicBaseUrl());

            ProcessMetrics.bindTo(Futures.join(registry));
            Drain drain = new Drain(settings.edge().drain());
            Forwarded forwarded = new Forwarded(settings.edge().trustedProxies(), settings.edge().clientAddressHeader());
            AccessLog accessLog = new AccessLog();
            HttpRouting.Builder routing = HttpRouting.builder()
                    .addFilter(new EdgeFilter(settings.edge().corsOrigins(), drain, forwarded))
                    .addFilter(accessLog)
                    .addFilter(BodyBudget.forHeap(Runtime.getRuntime().maxMemory(), settings.edge().bodyReadTimeout()));
            ErrorHandling.register(routing);
            Idempotency idempotency = new Idempotency(infra.cacheTier().idempotency(infra.keys().requestKeys()));
            // Every API prefix through ApiRoutes: HEAD mirrors GET, other methods 405 + Allow.
            routing.register("/api/users", ApiRoutes.of(new AccountRoutes(users, auth, settings.sessions().absolute(),
                            idempotency), new RecoveryRoutes(recovery)))
                    .register("/api/user", ApiRoutes.of(new CurrentUserRoutes(users, recovery, auth),
                            new SessionRoutes(new AccountSessions(sessions, infra.keys().sessionIds()), users, auth)))
                    .register("/api/profiles", ApiRoutes.of(new ProfileRoutes(profiles, new ProfileViews(profiles, views, overlay), auth)))
                    .register("/api/articles", ApiRoutes.of(
                            new ArticleRoutes(articles, new ArticleViews(articles, views, overlay), auth, idempotency, limiter),
                            new CommentRoutes(comments, new CommentViews(comments, views, overlay), auth, idempotency, limiter)))
                    .register("/api/tags", ApiRoutes.of(new TagRoutes(tags, views)))
                    .register("/api/uploads", ApiRoutes.of(new UploadRoutes(uploads, auth, idempotency, limiter)))
                    .register("/api/images", ApiRoutes.of(new ImageRoutes(uploads)))
                    .register(ApiDocs.PATH, ApiRoutes.of(new ApiDocs()));
            if (infra.blobs() instanceof LocalBlobStore local) {
                routing.register(LocalBlobStore.ROUTE, new LocalFileRoutes(local, UploadService.MAX_BYTES));
            }
            routing.register(Futures.join(site));
            ErrorHandling.registerNotFound(routing);
            TierMonitor tiers = new TierMonitor(TIER_PROBE_INTERVAL_MILLIS, TIER_PROBE_DEADLINE_MILLIS)
                    .watch(WRITER, infra.data()::writerStatus, infra.data().writerBreaker())
                    .watch(READER, infra.data()::readerStatus);
            if (infra.data().readerBreaker() != null) {
                tiers.show(READER, infra.data().readerBreaker());
            }
            if (infra.cacheTier().breaker() != null) {
                tiers.watch(REDIS, infra.cacheTier()::status, infra.cacheTier().breaker());
            } else {
                tiers.watch(REDIS, infra.cacheTier()::status);
            }
            tiers.start();
            return new App(settings, infra, drain, tiers, accessLog, routing, outbox, recovery, Backfills.of(infra));
        } catch (RuntimeException e) {
            infra.close();
            throw e;
        }
    }

    /** Runs the work on a thread of its own, started now. */
    private static <T> CompletableFuture<T> inBackground(String name, Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, task -> Thread.ofPlatform().name(name).daemon().start(task));
    }

    /**
     * Where the browser may send upload PUTs besides this origin (the UI's CSP connect-src): the
     * S3 endpoint when uploads go to S3. The bucket needs a CORS rule allowing PUT from the site.
     */
    private static List<String> uploadOrigins(Settings.Aws aws) {
        if (aws.s3Bucket() == null) {
            return List.of();
        }
        if (aws.s3Endpoint() != null) {
            URI e = aws.s3Endpoint();
            return List.of(e.getScheme() + "://" + e.getAuthority());
        }
        String region = System.getenv().getOrDefault("AWS_REGION", "us-east-1");
        return List.of("https://" + aws.s3Bucket() + ".s3." + region + ".amazonaws.com");
    }

    /** Puts the routes, limits and observability endpoints on a server being built. */
    public void configure(WebServerConfig.Builder server) {
        // The largest body is an image upload in embedded mode; JSON bodies have their own, lower limit.
        server.maxPayloadSize(UploadService.MAX_BYTES + 64 * 1024)
                .directHandlers(TransportErrors.handlers())
                // Responses go out in several writes: without TCP_NODELAY each one can wait ~40 ms
                // for the client's delayed ACK (measured by scripts/bench).
                .connectionOptions(options -> options.tcpNoDelay(true))
                // Our own SIGTERM handling drains first (see Main); Helidon's hook would stop at once.
                .shutdownHook(false)
                // Features are added here explicitly; none sneaks in from the classpath.
                .featuresDiscoverServices(false)
                .shutdownGracePeriod(settings.edge().grace())
                // Health and metrics on their own port, which the load balancer does not route
                // and the security group opens only inside the VPC; the public port answers 404.
                .putSocket(OBSERVE_SOCKET, socket -> socket.host(settings.host()).port(settings.observePort())
                        // A socket of its own does not inherit the default socket's options.
                        .connectionOptions(options -> options.tcpNoDelay(true))
                        .routing(observe -> {
                            observe.addFilter(new ObservePaths());
                            // Request metrics for health and scrapes too (their access lines are not logged).
                            observe.addFilter(accessLog);
                            ErrorHandling.register(observe);
                            ErrorHandling.registerNotFound(observe);
                        }))
                .addFeature(ObserveFeature.builder()
                        .sockets(List.of(OBSERVE_SOCKET))
                        // CORS is the edge filter's job, for the configured origins only; the
                        // observe feature's own default would allow any origin.
                        .cors(cors -> cors.enabled(false))
                        .addObserver(HealthObserver.builder()
                                .details(true)
                                // Readiness is this instance's own: started, not draining, not wedged.
                                .addCheck(this::instanceHealth, HealthCheckType.READINESS, "instance")
                                .addCheck(drain::health, HealthCheckType.READINESS, "drain")
                                // The shared tiers, as the monitor last saw them: shown, never failing.
                                .addCheck(() -> tiers.health(WRITER), HealthCheckType.READINESS, WRITER)
                                .addCheck(() -> tiers.health(READER), HealthCheckType.READINESS, READER)
                                .addCheck(() -> tiers.health(REDIS), HealthCheckType.READINESS, REDIS)
                                .build())
                        .addObserver(MetricsObserver.create())
                        .build())
                .routing(routing);
        Path keystore = settings.edge().tlsKeystore();
        if (keystore != null) {
            // For setups where the load balancer forwards HTTPS to the instance (end-to-end TLS).
            char[] password = settings.edge().tlsPassword() == null ? new char[0] : settings.edge().tlsPassword().toCharArray();
            String alias = keyAlias(keystore, password);
            Keys keys = Keys.builder().keystore(k -> k.keystore(Resource.create(keystore)).passphrase(password)
                    .keyAlias(alias).certChainAlias(alias)).build();
            server.tls(tls -> tls.privateKey(keys).privateKeyCertChain(keys));
        }
    }

    /** The alias of the (first) private key in a PKCS#12 key store: whatever name the tool that made it chose. */
    private static String keyAlias(Path keystore, char[] password) {
        try (var in = java.nio.file.Files.newInputStream(keystore)) {
            java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
            store.load(in, password);
            for (String alias : java.util.Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    return alias;
                }
            }
            throw new IllegalStateException("TLS_KEYSTORE " + keystore + " holds no private key");
        } catch (java.io.IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot read TLS_KEYSTORE " + keystore + ": " + e.getMessage(), e);
        }
    }

    /** What the previous release wrote without this one's columns is filled without holding up the start: a virtual thread, once. */
    private void backfillInBackground() {
        Thread.ofVirtual().name("backfill").start(backfills::run);
    }

    private HealthCheckResponse instanceHealth() {
        boolean alive = tiers.alive(WEDGED_AFTER_MILLIS);
        return HealthCheckResponse.builder().status(started && alive)
                .detail("started", started)
                .detail("monitorAlive", alive)
                .build();
    }

    /** SIGTERM: readiness off, keep serving through the drain period, stop, close pools last. */
    public void drainAndStop(WebServer server) {
        drain.shutdown(server::stop, this::close);
    }

    /** Wires the app and starts listening where the settings say. */
    public static Running start(Settings settings) {
        App app = wire(settings);
        try {
            WebServerConfig.Builder builder = WebServer.builder().host(settings.host()).port(settings.port());
            app.configure(builder);
            WebServer server = builder.build().start();
            app.started = server.isRunning();
            if (app.started) {
                app.startMail(server.port());
                app.backfillInBackground();
            }
            return new Running(app, server);
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

        /** Where health and metrics are served. */
        public int observePort() {
            return server.port(OBSERVE_SOCKET);
        }

        /** The graceful path, as on SIGTERM. */
        public void drainAndStop() {
            app.drainAndStop(server);
        }

        @Override
        public void close() {
            server.stop();
            app.close();
        }
    }

    /**
     * Starts sending the mail outbox, once the site's address is known (links in mail point at
     * {@code PUBLIC_BASE_URL}, else at this host and port).
     */
    private void startMail(int port) {
        Settings.Mail mail = settings.mail();
        MailSender sender = mail.ses() ? SesMailSender.create(mail.from(), mail.configurationSet(), mail.sesEndpoint())
                : new FileMailSender(settings.dataDir().resolve("mail"), mail.from());
        relay = new MailRelay(outbox, new Templates(settings.siteUrl(port)), sender).start(MAIL_ROUND_MILLIS);
    }

    /** Closes pools last: the server must have stopped taking requests before. */
    @Override
    public void close() {
        recovery.close();
        if (relay != null) {
            relay.close();
        }
        tiers.close();
        infra.close();
    }
}
