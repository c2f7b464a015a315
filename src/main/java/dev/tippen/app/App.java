package dev.tippen.app;

import dev.tippen.config.Durations;
import dev.tippen.config.TippenConfig;
import dev.tippen.access.Access;
import dev.tippen.call.CallFeed;
import dev.tippen.call.CallInvites;
import dev.tippen.call.CallPage;
import dev.tippen.call.CallRelay;
import dev.tippen.call.CallSocket;
import dev.tippen.call.CallTickets;
import dev.tippen.call.IceServers;
import dev.tippen.call.TicketRoute;
import dev.tippen.console.AccountRoutes;
import dev.tippen.console.AuditRoutes;
import dev.tippen.console.ConsoleRoutes;
import dev.tippen.console.JoinLinks;
import dev.tippen.console.OperatorRoutes;
import dev.tippen.console.TeamRoutes;
import dev.tippen.console.TokenRoutes;
import dev.tippen.console.DemoSite;
import dev.tippen.dashboard.DashboardFeed;
import dev.tippen.dashboard.DashboardSocket;
import dev.tippen.engine.Backend;
import dev.tippen.engine.embedded.Embedded;
import dev.tippen.engine.redis.Redis;
import dev.tippen.enrich.Attribution;
import dev.tippen.enrich.EnrichSettings;
import dev.tippen.enrich.Enricher;
import dev.tippen.enrich.IpDataReloader;
import dev.tippen.enrich.OfflineEnricher;
import dev.tippen.enrich.RemoteProviders;
import dev.tippen.history.History;
import dev.tippen.history.HistoryDatabase;
import dev.tippen.history.HistoryRoutes;
import dev.tippen.http.ClientAddress;
import dev.tippen.http.ConnectionGuard;
import dev.tippen.http.Cors;
import dev.tippen.http.Credentials;
import dev.tippen.http.Errors;
import dev.tippen.http.Front;
import dev.tippen.http.HttpServers;
import dev.tippen.http.OpsRoutes;
import dev.tippen.http.RateLimits;
import dev.tippen.invite.InviteHandler;
import dev.tippen.invite.VisitorFeed;
import dev.tippen.invite.VisitorSocket;
import dev.tippen.mail.Mailer;
import dev.tippen.metrics.TippenMetrics;
import dev.tippen.site.ApiKeys;
import dev.tippen.site.KeyRegistry;
import dev.tippen.site.KeyRole;
import dev.tippen.site.Site;
import dev.tippen.site.SiteLanes;
import dev.tippen.site.VisitorTokens;
import dev.tippen.socket.Hub;
import dev.tippen.socket.Joins;
import dev.tippen.socket.PingWheel;
import dev.tippen.socket.SocketUpgrade;
import dev.tippen.stream.ChangeStream;
import dev.tippen.team.Audit;
import dev.tippen.team.Team;
import dev.tippen.team.TeamDatabase;
import dev.tippen.team.TeamRegistry;
import dev.tippen.team.TeamStore;
import dev.tippen.track.TrackHandler;
import dev.tippen.visitor.SiteRules;
import dev.tippen.visitor.SiteSettings;
import dev.tippen.visitor.Sites;
import dev.tippen.visitor.VisitorEvent;
import dev.tippen.webhook.WebhookRoutes;
import dev.tippen.webhook.Webhooks;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole system on one screen: configuration -> rules -> engine (embedded, or Redis shared by
 * several nodes) -> change stream and its subscribers -> routes -> servers. Nothing else constructs
 * these parts; the one place that knows which engine runs is {@link #backend}.
 */
public final class App implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(App.class);
    public static final String DEMO_KEY = "demo_api_key";
    public static final String DEMO_SITE = "demo";
    public static final String DEMO_EMAIL = "demo@example.com";
    public static final String DEMO_PASSWORD = "demo-password";

    private final Vertx vertx;
    private final Backend backend;
    private final History history;
    private final Webhooks webhooks;
    private final Hub hub;
    private final HttpServers servers;
    private final Joins joins;
    private final List<String> routes;
    private final TeamDatabase teamDb;
    private final Audit audit;

    private App(Vertx vertx, Backend backend, History history, Webhooks webhooks, Hub hub, Joins joins, HttpServers servers,
                List<String> routes, TeamDatabase teamDb, Audit audit) {
        this.teamDb = teamDb;
        this.audit = audit;
        this.joins = joins;
        this.routes = routes;
        this.vertx = vertx;
        this.backend = backend;
        this.history = history;
        this.webhooks = webhooks;
        this.hub = hub;
        this.servers = servers;
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
        Backend backend = null;
        try {
            SiteLanes lanes = await(SiteLanes.start(vertx, loops));
            Hub hub = new Hub(lanes);
            ChangeStream stream = new ChangeStream();
            SiteRules rules = new SiteRules(settings(config));
            backend = backend(config, vertx, lanes, hub, stream, rules, metrics);
            if (config.demo()) {
                backend.keys().ensureSite(new Site(DEMO_SITE, "Demo site", true, System.currentTimeMillis()), DEMO_KEY, KeyRole.BOTH);
                log.warn("event=demo_enabled key={} note=\"the demo key is public and opens the dashboard; never use --demo in production\"", DEMO_KEY);
            }
            return wire(config, metrics, backend, offline, vertx, lanes, hub, stream, rules, loops);
        } catch (RuntimeException e) {
            // A port in use, say: stop what already runs, so its timers do not outlive the failed start.
            awaitQuietly(vertx.close());
            if (backend != null) backend.close();
            throw e;
        }
    }

    /** One node or several: the only difference between them. */
    private static Backend backend(TippenConfig config, Vertx vertx, SiteLanes lanes, Hub hub, ChangeStream stream,
                                   SiteRules rules, TippenMetrics metrics) {
        if (config.redis() != null) return Redis.open(config.redis(), vertx, lanes, hub, stream, rules, metrics, Clock.systemUTC());
        TippenConfig.Limits l = config.limits();
        boolean historyReads = !config.history().store().equals(TippenConfig.HistoryOptions.OFF);
        return await(Embedded.open(config.dataDir(), new Embedded.Sizes(l.storeQueueCapacity(), l.storeMaxBatch(), l.visitorBytes(), l.visitorBytesPerSite(),
                l.maxVisitors(), l.storeLockWaitMillis(),
                l.minFreeDiskBytes(), l.siteWriteBytesPerSecond()),
                historyReads, vertx, lanes, hub, stream, rules, metrics, Clock.systemUTC()));
    }

    private static SiteSettings settings(TippenConfig config) {
        return new SiteSettings(config.visitorTtl(), config.sweepInterval(), config.inviteTtl(),
                config.limits().siteVisitorCap(config.redis() != null), config.enrich().showBots(), config.exitGrace(), config.visitGap());
    }

    private static App wire(TippenConfig config, TippenMetrics metrics, Backend backend, OfflineEnricher offline, Vertx vertx,
                            SiteLanes lanes, Hub hub, ChangeStream stream, SiteRules rules, int loops) {
        TippenConfig.Limits limits = config.limits();
        KeyRegistry keys = new KeyRegistry(backend.keys());
        if (!config.demo() && keys.known(DEMO_SITE)) {
            keys.disable(DEMO_SITE, "the demo key works only while the server runs with --demo");
            log.warn("event=demo_site_disabled key={} note=\"the demo site from an earlier --demo run stays off until --demo is given again\"", DEMO_KEY);
        }
        if (config.metricsToken() == null && !isLoopback(config.host())) {
            log.warn("event=metrics_open host={} note=\"/metrics is open to anyone who reaches this port; set --metrics-token\"", config.host());
        }
        EnrichSettings es = config.enrich();
        new IpDataReloader(vertx, es.ipData(), offline, metrics).start(es.reloadCheck(), es.ipData().any());
        // Two threads parse new User-Agents off the event loops; at most 256 wait, the rest get the rough answer.
        Enricher enricher = new Enricher(offline, RemoteProviders.create(vertx, es, metrics), es.anonymizeIp(),
                vertx.createSharedWorkerExecutor("tippen-user-agents", 2), 256, metrics);
        Sites sites = new Sites(backend.engine(), rules, e -> lookup(enricher, e),
                () -> "inv_" + ApiKeys.randomToken(16), metrics);
        // A visitor whose last socket closed leaves after the exit grace, unless it comes back.
        Joins joins = new Joins(lanes, hub, backend.broker(), backend.presence(), (c, closedAt) -> sites.socketsClosed(c.siteId(), c.visitorId(), closedAt));
        HistoryDatabase historyDb = historyDatabase(config);
        // Webhooks are made of what the history learns, in its own transactions: no history, no webhooks.
        Webhooks webhooks = historyDb == null ? null
                : Webhooks.start(vertx, historyDb, backend.outbox()::leader, config.redis() == null, config.webhooks(), config.publicUrl(),
                        metrics);
        History history = historyDb == null ? null
                : History.start(vertx, historyDb, backend.outbox(), config.history().retention(), limits.maxHistoryBytesPerSite(),
                        List.of(webhooks.notifier()), metrics,
                        Clock.systemUTC());

        // The change stream's subscribers: each attaches in one line.
        DashboardFeed dashboards = new DashboardFeed(hub, joins, sites, vertx, lanes);
        stream.subscribe(dashboards).subscribe(new VisitorFeed(hub));

        // People: accounts, roles per site and sessions, in SQL beside the site's other durable state.
        TeamDatabase teamDb = teamDatabase(config);
        TeamRegistry teamRegistry = teamDb == null ? null
                : new TeamRegistry(new TeamStore(teamDb), config.sessions().idle(), config.sessions().lifetime());
        Audit audit = teamRegistry == null ? Audit.off() : new Audit(teamRegistry.store());
        Mailer mailer = config.mail().on() ? new Mailer(config.mail().smtpUrl(), config.mail().from()) : null;
        Team team = teamRegistry == null ? null : new Team(vertx, teamRegistry, audit);
        if (team != null) {
            teamRegistry.onSessionsEnded(ids -> hub.closeSessions(ids, "the console session has ended"));
            // A suspended site is refused here as its keys would be, and its sockets close; lifting it lets them back.
            java.util.Set<String> suspendedHere = java.util.concurrent.ConcurrentHashMap.newKeySet();
            teamRegistry.onSuspensions(now -> {
                for (String siteId : now) {
                    if (suspendedHere.add(siteId)) {
                        keys.disable(siteId, "this site is suspended by the operator of this server");
                        hub.closeSite(siteId, "site suspended");
                    }
                }
                for (String siteId : java.util.Set.copyOf(suspendedHere)) {
                    if (!now.contains(siteId)) {
                        suspendedHere.remove(siteId);
                        keys.enable(siteId);
                    }
                }
            });
            // Every node polls the one version number: a removal on any node ends sessions here within a second.
            vertx.setPeriodic(500, id -> vertx.executeBlocking(teamRegistry::reloadIfChanged, false));
            vertx.setPeriodic(5000, id -> vertx.executeBlocking(() -> {
                teamRegistry.upkeep(System.currentTimeMillis());
                return null;
            }, false));
            if (config.demo()) {
                team.ensureDemoOwner(DEMO_SITE, DEMO_EMAIL, DEMO_PASSWORD);
                log.warn("event=demo_owner email={} password={} note=\"the demo owner signs in to the console while --demo is on\"",
                        DEMO_EMAIL, DEMO_PASSWORD);
            }
        }
        keys.onRevoked(hashes -> hub.closeKeys(hashes, "API key revoked"));
        keys.onSessionsEnded(ids -> hub.closeSessions(ids, "the console session has ended"));
        vertx.setPeriodic(1000, id -> keys.expireSessions(System.currentTimeMillis()));
        vertx.setPeriodic(1000, id -> vertx.executeBlocking(keys::reloadIfChanged, false));
        vertx.setPeriodic(1000, id -> metrics.sample());
        PingWheel wheel = new PingWheel(lanes, config.pingInterval().toMillis());
        vertx.setPeriodic(1000, id -> wheel.tick(System.currentTimeMillis()));

        Cors cors = new Cors(config.allowedOrigins());
        Errors errors = new Errors(cors);
        ClientAddress clientAddress = new ClientAddress(config.trustedProxies(), config.clientIpHeader(), config.ipv6LimitPrefix());
        Credentials credentials = new Credentials(keys, clientAddress);
        Access access = new Access(credentials, keys, teamRegistry);
        RateLimits rateLimits = new RateLimits(config.rates(), metrics);
        // The last descriptors are kept for what operators and the team use: health, metrics, console, API, dashboards.
        ConnectionGuard guard = new ConnectionGuard(vertx, clientAddress, metrics, config.rates().connectionsPerIp(),
                limits.headerTimeoutMillis(), ConnectionGuard.descriptorLimit(),
                java.util.Set.of("/healthz", "/readyz", "/metrics", "/console", "/api/", "/ws/dashboard", "/ws/call", "/openapi.json"));
        SocketUpgrade upgrade = new SocketUpgrade(metrics, limits.socketWriteQueueBytes(), limits.maxFrameBytes(), rateLimits,
                clientAddress, wheel, guard, limits.maxSockets(), limits.maxSocketsPerSite(), limits.controlFramesPerSecond(),
                config.rates().socketMessages());
        VisitorTokens tokens = new VisitorTokens(backend.keys().tokenSecret());
        TrackHandler track = new TrackHandler(credentials, clientAddress, sites, rateLimits, enricher, errors, metrics,
                limits.maxBodyBytes(), limits.headerTimeoutMillis(), tokens);
        DashboardSocket dashboard = new DashboardSocket(access,
                hash -> {
                    if (teamRegistry != null) teamRegistry.seen(hash, System.currentTimeMillis());
                }, cors, upgrade, joins, hub, lanes, sites, dashboards, metrics);
        // Calls in Tippen: tickets for their sockets, one line per agent, signals through the backend's seam.
        JoinLinks joinLinks = new JoinLinks(config.publicUrl(), clientAddress);
        CallTickets callTickets = new CallTickets(tokens);
        CallInvites callInvites = new CallInvites(sites, callTickets, backend.lines());
        CallRelay relay = new CallRelay(vertx, lanes, backend.signals(), sites, backend.lines());
        stream.subscribe(new CallFeed(relay));
        metrics.gauge("tippen_call_rooms", "Calls in Tippen with a party's socket on this node", relay::rooms);
        TippenConfig.CallOptions co = config.calls();
        CallSocket call = new CallSocket(access, credentials, cors, upgrade, lanes, hub, sites, callTickets,
                new IceServers(new IceServers.Settings(co.stun(), co.turnUrls(), co.turnSecret(), co.turnLifetime(), co.relayOnly())), relay);
        VisitorSocket visitor = new VisitorSocket(credentials, upgrade, joins, sites, tokens, hub, callInvites, lanes);
        InviteHandler invite = new InviteHandler(credentials, cors, sites, rateLimits, audit, callInvites, joinLinks::base);
        OpsRoutes ops = new OpsRoutes(backend.engine()::unready, metrics, () -> Attribution.html(enricher.sources()),
                config.metricsToken());
        HistoryRoutes historyRoutes = new HistoryRoutes(vertx, sites, history, Clock.systemUTC(), audit);
        WebhookRoutes webhookRoutes = new WebhookRoutes(webhooks, rateLimits, audit);
        ConsoleRoutes console = new ConsoleRoutes(vertx, backend.keys(), keys, credentials, access, team, joinLinks, clientAddress, rateLimits,
                config.callLinkTemplate(), config.demo() ? new ConsoleRoutes.Demo(team == null ? null : DEMO_EMAIL,
                        team == null ? null : DEMO_PASSWORD, DEMO_KEY) : null);
        BodyHandler body = BodyHandler.create(false).setBodyLimit(limits.maxBodyBytes());

        Router router = Router.router(vertx);
        router.route().handler(ops::countRequests).handler(cors::handle).failureHandler(errors::handle);
        // The original's clients may put the key in an invite's body: read (bounded) before the gate looks for it.
        router.post("/api/send-video-invite").handler(body);
        // The one gate: the role each route needs comes from RouteTable, nowhere else.
        router.route().handler(access::handle);
        // POST /track/visitor is answered before the router (see Front); this route makes other methods a 405.
        router.post(TrackHandler.PATH).handler(ctx -> track.handle(ctx.request()));
        router.post("/api/send-video-invite").handler(invite::handle);
        router.get("/tippen-tracker.js").handler(ops::trackerScript);
        historyRoutes.mount(router);
        new dev.tippen.history.CallRoutes(history, audit).mount(router);
        webhookRoutes.mount(router);
        router.get("/openapi.json").handler(ops::openApi);
        console.mount(router);
        new CallPage(config.allowedOrigins()).mount(router);
        new TicketRoute(callInvites).mount(router);
        if (team != null) {
            new TeamRoutes(team, joinLinks, mailer).mount(router);
            new AuditRoutes(teamRegistry.store()).mount(router);
            new AccountRoutes(team, credentials).mount(router);
            new TokenRoutes(teamRegistry, audit).mount(router);
            new OperatorRoutes(backend.keys(), teamRegistry, sites, history, audit).mount(router);
        }
        if (config.demo()) {
            new DemoSite().mount(router);
            ops.demo(DEMO_KEY);
        }
        // HEAD as well: load balancers and uptime checks often probe with it.
        router.route("/healthz").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(ops::health);
        router.route("/readyz").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(ops::ready);
        router.route("/metrics").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(ops::metrics);
        router.get("/").handler(ops::index);
        for (int status : new int[] {400, 404, 405, 413, 415, 500}) router.errorHandler(status, errors::handle);
        // Socket upgrades skip the router: an open socket keeps nothing of it alive.
        Front front = new Front(router, Map.of("/ws/dashboard", dashboard::handle, "/ws/visitor", visitor::handle, "/ws/call", call::handle),
                TrackHandler.PATH, track, errors, ops::countSocket, guard);

        HttpServers servers;
        try {
            servers = await(HttpServers.start(vertx, front, guard, config, lanes.all()));
        } catch (RuntimeException e) {
            if (history != null) history.close();
            if (webhooks != null) webhooks.close();
            audit.close();
            if (teamDb != null) teamDb.close();
            throw e;
        }
        log.info("event=started host={} port={} storage=\"{}\" visitor_ttl={} sweep={} sites_restored={} ip_data={} provider={} "
                        + "heap_mb={} visitor_memory_mb={} max_visitors={} max_sockets={}",
                config.host(), servers.port(), backend.engine().describe(), Durations.format(config.visitorTtl()),
                Durations.format(config.sweepInterval()), backend.engine().activeSites(), enricher.sources().size(),
                es.provider() == null ? "none" : es.provider(), Runtime.getRuntime().maxMemory() >> 20,
                config.limits().visitorBytes() >> 20, config.limits().maxVisitors() > 0 ? config.limits().maxVisitors() : "none",
                config.limits().maxSockets());
        return new App(vertx, backend, history, webhooks, hub, joins, servers, routes(router, front), teamDb, audit);
    }

    /** The history's database, where the server keeps one: SQLite in the data dir, or PostgreSQL (the only choice with several nodes). */
    private static HistoryDatabase historyDatabase(TippenConfig config) {
        TippenConfig.HistoryOptions h = config.history();
        if (h.store().equals(TippenConfig.HistoryOptions.OFF)) return null;
        if (h.postgres()) return HistoryDatabase.postgres(h.store());
        if (config.redis() != null) {
            log.warn("event=history_off note=\"several nodes keep history in PostgreSQL only: add --history postgres://...\"");
            return null;
        }
        return HistoryDatabase.sqlite(config.dataDir());
    }

    /**
     * Where people and their roles are kept: team.db in the data dir on one node; with several, the
     * PostgreSQL the history uses. Several nodes without it keep no team: consoles open with keys.
     */
    private static TeamDatabase teamDatabase(TippenConfig config) {
        if (config.redis() == null) return TeamDatabase.sqlite(config.dataDir());
        if (config.history().postgres()) return TeamDatabase.postgres(config.history().store());
        log.warn("event=team_off note=\"several nodes keep accounts in PostgreSQL only: add --history postgres://...; consoles open with keys\"");
        return null;
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
    }

    /** Who a visitor is, from memory only: the rules ask this for new visitors and for ones that moved. */
    private static dev.tippen.enrich.Enrichment lookup(Enricher enricher, VisitorEvent e) {
        return enricher.lookup(e.ip(), e.device(), e.browser().timezone(), e.page().url(), e.page().referrer());
    }

    /** What the server answers, as {@code METHOD /path} ({@code :name} for a path parameter): the API description's checklist. */
    public List<String> routes() {
        return routes;
    }

    private static List<String> routes(Router router, Front front) {
        List<String> out = new java.util.ArrayList<>();
        for (io.vertx.ext.web.Route r : router.getRoutes()) {
            if (r.getPath() == null) continue; // the handlers every request passes through
            String path = r.getPath() + (r.isExactPath() ? "" : "*");
            for (HttpMethod m : r.methods()) out.add(m.name() + " " + path);
        }
        for (String socket : front.socketPaths()) out.add("GET " + socket);
        // A path with two routes (the invite's body reader, then its handler) is one route to a client.
        return List.copyOf(new java.util.LinkedHashSet<>(out));
    }

    public int port() {
        return servers.port();
    }

    /** Graceful stop: no new connections, sockets told 1001, every queued write stored, then shut down. */
    @Override
    public void close() {
        log.info("event=stopping");
        // Every socket is told 1001; a peer that takes its close is gone when this completes, one
        // that does not read is not waited for beyond a second.
        joins.stopping();
        try {
            hub.closeAll((short) 1001, "server shutting down").toCompletionStage().toCompletableFuture().get(1, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.info("event=stopping_sockets_unanswered note=\"sockets that did not answer their close are dropped\"");
        }
        awaitQuietly(servers.close());
        if (history != null) history.close();
        if (webhooks != null) webhooks.close();
        audit.close();
        if (teamDb != null) teamDb.close();
        backend.close();
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
