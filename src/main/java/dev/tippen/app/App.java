package dev.tippen.app;

import dev.tippen.config.Durations;
import dev.tippen.config.TippenConfig;
import dev.tippen.dashboard.DashboardSocket;
import dev.tippen.enrich.Attribution;
import dev.tippen.enrich.EnrichSettings;
import dev.tippen.enrich.Enricher;
import dev.tippen.enrich.IpDataReloader;
import dev.tippen.enrich.OfflineEnricher;
import dev.tippen.enrich.RemoteProviders;
import dev.tippen.fanout.Broker;
import dev.tippen.fanout.Hub;
import dev.tippen.fanout.LocalBroker;
import dev.tippen.http.ClientAddress;
import dev.tippen.http.Cors;
import dev.tippen.http.Credentials;
import dev.tippen.http.Errors;
import dev.tippen.http.HttpServers;
import dev.tippen.http.OpsRoutes;
import dev.tippen.http.RateLimits;
import dev.tippen.http.SocketUpgrade;
import dev.tippen.invite.InviteHandler;
import dev.tippen.invite.VisitorSocket;
import dev.tippen.metrics.TippenMetrics;
import dev.tippen.site.KeyRegistry;
import dev.tippen.site.KeyRole;
import dev.tippen.site.Site;
import dev.tippen.site.SiteLanes;
import dev.tippen.store.VisitorStore;
import dev.tippen.store.sqlite.SqliteDatabase;
import dev.tippen.store.sqlite.SqliteKeyStore;
import dev.tippen.store.sqlite.SqliteVisitorStore;
import dev.tippen.track.TrackHandler;
import dev.tippen.visitor.SiteSettings;
import dev.tippen.visitor.Sites;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole system on one screen: configuration -> storage -> keys -> site lanes -> fan-out ->
 * coordinators -> routes -> servers. Nothing else constructs these parts.
 */
public final class App implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(App.class);
    public static final String DEMO_KEY = "demo_api_key";
    public static final String DEMO_SITE = "demo";

    private final TippenConfig config;
    private final Vertx vertx;
    private final SqliteKeyStore keyStore;
    private final VisitorStore store;
    private final Hub hub;
    private final HttpServers servers;
    private final TippenMetrics metrics;

    private App(TippenConfig config, Vertx vertx, SqliteKeyStore keyStore, VisitorStore store, Hub hub,
                HttpServers servers, TippenMetrics metrics) {
        this.config = config;
        this.vertx = vertx;
        this.keyStore = keyStore;
        this.store = store;
        this.hub = hub;
        this.servers = servers;
        this.metrics = metrics;
    }

    /** Starts everything and returns once the port is open, or throws with a message fit for a person. */
    public static App start(TippenConfig config) {
        TippenMetrics metrics = new TippenMetrics();
        SqliteDatabase db = SqliteDatabase.open(config.dataDir());
        SqliteKeyStore keyStore = new SqliteKeyStore(db);
        if (config.demo()) {
            keyStore.ensureSite(new Site(DEMO_SITE, "Demo site", true, System.currentTimeMillis()), DEMO_KEY, KeyRole.BOTH);
            log.warn("event=demo_enabled key={} note=\"the demo key is public and opens the dashboard; never use --demo in production\"", DEMO_KEY);
        }
        KeyRegistry keys = new KeyRegistry(keyStore);
        OfflineEnricher offline;
        try {
            offline = OfflineEnricher.load(config.enrich().ipData(), config.enrich().userAgentCacheSize());
        } catch (RuntimeException e) {
            keyStore.close();
            throw e;
        }
        if (offline.sources().isEmpty()) {
            log.info("event=no_ip_data note=\"visitors get no company or place from their address; ./tippen fetch-ip-data fetches free data\"");
        }
        TippenConfig.Limits limits = config.limits();
        VisitorStore store = new SqliteVisitorStore(db, limits.storeQueueCapacity(), limits.storeMaxBatch(), metrics);

        int loops = VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
        try {
            return wire(config, metrics, keyStore, keys, store, offline, vertx, loops);
        } catch (RuntimeException e) {
            // A port in use, say: stop what already runs, so its timers do not outlive the failed start.
            awaitQuietly(vertx.close());
            store.close();
            keyStore.close();
            throw e;
        }
    }

    private static App wire(TippenConfig config, TippenMetrics metrics, SqliteKeyStore keyStore, KeyRegistry keys,
                            VisitorStore store, OfflineEnricher offline, Vertx vertx, int loops) {
        TippenConfig.Limits limits = config.limits();
        SiteLanes lanes = await(SiteLanes.start(vertx, loops));
        Hub hub = new Hub(lanes);
        Broker broker = new LocalBroker(lanes, hub);
        EnrichSettings es = config.enrich();
        new IpDataReloader(vertx, es.ipData(), offline, metrics).start(es.reloadCheck(), es.ipData().any());
        // Two threads parse new User-Agents off the event loops; at most 256 wait, the rest get the rough answer.
        Enricher enricher = new Enricher(offline, RemoteProviders.create(vertx, es, metrics), es.anonymizeIp(),
                vertx.createSharedWorkerExecutor("tippen-user-agents", 2), 256, metrics);
        Sites sites = new Sites(vertx, lanes, store, broker, enricher, hub, metrics,
                new SiteSettings(config.visitorTtl(), config.sweepInterval(), config.inviteTtl(), limits.maxVisitorsPerSite(),
                        config.enrich().showBots()),
                Clock.systemUTC());
        await(sites.restore(store.restore()));

        keys.onRevoked(hashes -> hub.closeKeys(hashes, "API key revoked"));
        vertx.setPeriodic(1000, id -> vertx.executeBlocking(keys::reloadIfChanged, false));
        vertx.setPeriodic(1000, id -> metrics.sample());
        long ping = config.pingInterval().toMillis();
        vertx.setPeriodic(1000, id -> hub.forEachConnection(c -> c.pingOnTurn(System.currentTimeMillis(), ping)));

        Cors cors = new Cors(config.allowedOrigins());
        Errors errors = new Errors(cors);
        Credentials credentials = new Credentials(keys);
        ClientAddress clientAddress = new ClientAddress(config.trustedProxies());
        RateLimits rateLimits = new RateLimits(config.rates(), metrics);
        SocketUpgrade upgrade = new SocketUpgrade(metrics, limits.socketWriteQueueBytes(), rateLimits, clientAddress);
        TrackHandler track = new TrackHandler(credentials, clientAddress, sites, rateLimits, enricher);
        DashboardSocket dashboard = new DashboardSocket(credentials, cors, upgrade, sites, metrics);
        VisitorSocket visitor = new VisitorSocket(credentials, upgrade, sites, metrics);
        InviteHandler invite = new InviteHandler(credentials, sites, rateLimits);
        OpsRoutes ops = new OpsRoutes(store, metrics, () -> Attribution.html(enricher.sources()));
        BodyHandler body = BodyHandler.create(false).setBodyLimit(limits.maxBodyBytes());

        Router router = Router.router(vertx);
        router.route().handler(ops::countRequests).handler(cors::handle).failureHandler(errors::handle);
        router.post("/track/visitor").handler(track::admit); // limits and key, before the body is read
        router.post("/track/visitor").handler(body).handler(track::handle);
        router.get("/ws/dashboard").handler(dashboard::handle);
        router.get("/ws/visitor").handler(visitor::handle);
        router.post("/api/send-video-invite").handler(body).handler(invite::handle);
        router.get("/tippen-tracker.js").handler(ops::trackerScript);
        router.get("/healthz").handler(ops::health);
        router.get("/readyz").handler(ops::ready);
        router.get("/metrics").handler(ops::metrics);
        router.get("/").handler(ops::index);
        for (int status : new int[] {400, 404, 405, 413, 415, 500}) router.errorHandler(status, errors::handle);

        HttpServers servers = await(HttpServers.start(vertx, router, config, loops));
        App app = new App(config, vertx, keyStore, store, hub, servers, metrics);
        log.info("event=started host={} port={} data_dir={} visitor_ttl={} sweep={} sites_restored={} ip_data={} provider={}",
                config.host(), servers.port(), config.dataDir(), Durations.format(config.visitorTtl()),
                Durations.format(config.sweepInterval()), sites.activeSites(), enricher.sources().size(),
                es.provider() == null ? "none" : es.provider());
        return app;
    }

    public int port() {
        return servers.port();
    }

    /** Graceful stop: no new connections, sockets told 1001, every queued write stored, then shut down. */
    @Override
    public void close() {
        log.info("event=stopping");
        hub.forEachConnection(c -> c.close((short) 1001, "server shutting down"));
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        awaitQuietly(servers.close());
        store.close();
        keyStore.close();
        awaitQuietly(vertx.close());
        log.info("event=stopped");
    }

    static <T> T await(Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) throw re;
            throw new IllegalStateException(cause.getMessage(), cause);
        } catch (Exception e) {
            throw new IllegalStateException("start-up did not finish: " + e, e);
        }
    }

    private static void awaitQuietly(Future<?> f) {
        try {
            f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("event=stop_step_failed error=\"{}\"", e.toString());
        }
    }
}
