package dev.tippen.app;

import dev.tippen.cluster.RedisKeyStore;
import dev.tippen.cluster.RedisLink;
import dev.tippen.cluster.SharedSites;
import dev.tippen.config.Durations;
import dev.tippen.config.TippenConfig;
import dev.tippen.dashboard.DashboardSocket;
import dev.tippen.enrich.Attribution;
import dev.tippen.enrich.EnrichSettings;
import dev.tippen.enrich.Enricher;
import dev.tippen.enrich.IpDataReloader;
import dev.tippen.enrich.OfflineEnricher;
import dev.tippen.enrich.RemoteProviders;
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
import dev.tippen.site.KeyStore;
import dev.tippen.site.Site;
import dev.tippen.site.SiteLanes;
import dev.tippen.store.VisitorStore;
import dev.tippen.store.sqlite.SqliteDatabase;
import dev.tippen.store.sqlite.SqliteKeyStore;
import dev.tippen.store.sqlite.SqliteVisitorStore;
import dev.tippen.track.TrackHandler;
import dev.tippen.visitor.SiteSettings;
import dev.tippen.visitor.LocalSites;
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
 * The whole system on one screen: configuration -> storage (SQLite, or Redis shared by several nodes)
 * -> keys -> site lanes -> fan-out -> sites -> routes -> servers. Nothing else constructs these parts.
 */
public final class App implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(App.class);
    public static final String DEMO_KEY = "demo_api_key";
    public static final String DEMO_SITE = "demo";

    private final Vertx vertx;
    private final Storage storage;
    private final Sites sites;
    private final Hub hub;
    private final HttpServers servers;

    private App(Vertx vertx, Storage storage, Sites sites, Hub hub, HttpServers servers) {
        this.vertx = vertx;
        this.storage = storage;
        this.sites = sites;
        this.hub = hub;
        this.servers = servers;
    }

    /**
     * Where state lives: SQLite in the data dir (keys and visitors), or Redis shared with other nodes
     * (then {@code visitors} is null: the shared sites keep visitors in Redis themselves).
     */
    private record Storage(KeyStore keys, VisitorStore visitors, RedisLink redis) {
        static Storage open(TippenConfig config, Vertx vertx, TippenMetrics metrics) {
            if (config.redis() != null) {
                RedisLink link = RedisLink.connect(vertx, config.redis());
                return new Storage(new RedisKeyStore(link), null, link);
            }
            SqliteDatabase db = SqliteDatabase.open(config.dataDir());
            TippenConfig.Limits limits = config.limits();
            return new Storage(new SqliteKeyStore(db),
                    new SqliteVisitorStore(db, limits.storeQueueCapacity(), limits.storeMaxBatch(), metrics), null);
        }

        boolean ready() {
            return redis != null ? redis.healthy() : visitors.healthy();
        }

        String describe(TippenConfig config) {
            return redis != null ? "redis " + RedisLink.redacted(redis.url()) : "sqlite " + config.dataDir();
        }

        void close() {
            if (visitors != null) visitors.close();
            keys.close();
            if (redis != null) redis.close();
        }
    }

    /** Starts everything and returns once the port is open, or throws with a message fit for a person. */
    public static App start(TippenConfig config) {
        TippenMetrics metrics = new TippenMetrics();
        OfflineEnricher offline = OfflineEnricher.load(config.enrich().ipData(), config.enrich().userAgentCacheSize());
        if (offline.sources().isEmpty()) {
            log.info("event=no_ip_data note=\"visitors get no company or place from their address; ./tippen fetch-ip-data fetches free data\"");
        }
        int loops = VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
        Storage storage = null;
        try {
            storage = Storage.open(config, vertx, metrics);
            if (config.demo()) {
                storage.keys().ensureSite(new Site(DEMO_SITE, "Demo site", true, System.currentTimeMillis()), DEMO_KEY, KeyRole.BOTH);
                log.warn("event=demo_enabled key={} note=\"the demo key is public and opens the dashboard; never use --demo in production\"", DEMO_KEY);
            }
            return wire(config, metrics, storage, offline, vertx, loops);
        } catch (RuntimeException e) {
            // A port in use, say: stop what already runs, so its timers do not outlive the failed start.
            awaitQuietly(vertx.close());
            if (storage != null) storage.close();
            throw e;
        }
    }

    private static App wire(TippenConfig config, TippenMetrics metrics, Storage storage, OfflineEnricher offline,
                            Vertx vertx, int loops) {
        TippenConfig.Limits limits = config.limits();
        KeyRegistry keys = new KeyRegistry(storage.keys());
        SiteLanes lanes = await(SiteLanes.start(vertx, loops));
        Hub hub = new Hub(lanes);
        EnrichSettings es = config.enrich();
        new IpDataReloader(vertx, es.ipData(), offline, metrics).start(es.reloadCheck(), es.ipData().any());
        // Two threads parse new User-Agents off the event loops; at most 256 wait, the rest get the rough answer.
        Enricher enricher = new Enricher(offline, RemoteProviders.create(vertx, es, metrics), es.anonymizeIp(),
                vertx.createSharedWorkerExecutor("tippen-user-agents", 2), 256, metrics);
        SiteSettings settings = new SiteSettings(config.visitorTtl(), config.sweepInterval(), config.inviteTtl(),
                limits.maxVisitorsPerSite(), config.enrich().showBots());
        Sites sites;
        if (storage.redis() != null) {
            sites = SharedSites.start(vertx, storage.redis(), lanes, hub, enricher, metrics, settings, Clock.systemUTC());
        } else {
            LocalSites local = new LocalSites(vertx, lanes, storage.visitors(), new LocalBroker(lanes, hub), enricher, hub,
                    metrics, settings, Clock.systemUTC());
            await(local.restore(storage.visitors().restore()));
            sites = local;
        }

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
        OpsRoutes ops = new OpsRoutes(storage::ready, metrics, () -> Attribution.html(enricher.sources()));
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
        log.info("event=started host={} port={} storage=\"{}\" visitor_ttl={} sweep={} sites_restored={} ip_data={} provider={}",
                config.host(), servers.port(), storage.describe(config), Durations.format(config.visitorTtl()),
                Durations.format(config.sweepInterval()), sites.activeSites(), enricher.sources().size(),
                es.provider() == null ? "none" : es.provider());
        return new App(vertx, storage, sites, hub, servers);
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
        if (sites instanceof SharedSites shared) shared.stop();
        storage.close();
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
