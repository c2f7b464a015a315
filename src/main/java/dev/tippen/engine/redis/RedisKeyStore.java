package dev.tippen.engine.redis;

import dev.tippen.site.ApiKey;
import dev.tippen.site.ApiKeys;
import dev.tippen.site.ConsoleSession;
import dev.tippen.site.KeyRole;
import dev.tippen.site.KeyStore;
import dev.tippen.site.Site;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Sites and key hashes in Redis, so a key made through any node (or by {@code keys --redis}) works on
 * all of them: {@code tippen:sites} and {@code tippen:keys} are hashes of JSON rows, and
 * {@code tippen:keys:version} moves with every change so each node's registry reloads. Blocking, like
 * the SQLite store: call it from workers and the command line, never from an event loop.
 */
public final class RedisKeyStore implements KeyStore {
    private static final String SITES = SiteKeys.PREFIX + "sites";
    private static final String KEYS = SiteKeys.PREFIX + "keys";
    private static final String VERSION = SiteKeys.PREFIX + "keys:version";
    private static final String SESSIONS = SiteKeys.PREFIX + "sessions";

    private final RedisLink link;
    private final Vertx ownVertx;
    private final Script revoke = Script.load("revoke");

    public RedisKeyStore(RedisLink link) {
        this(link, null);
    }

    private RedisKeyStore(RedisLink link, Vertx ownVertx) {
        this.link = link;
        this.ownVertx = ownVertx;
    }

    /** For the command line: its own connection, closed with the store. */
    public static RedisKeyStore open(String url) {
        Vertx vertx = Vertx.vertx();
        try {
            return new RedisKeyStore(RedisLink.connect(vertx, url), vertx);
        } catch (RuntimeException e) {
            vertx.close();
            throw e;
        }
    }

    @Override
    public CreatedSite createSite(String name, boolean singleKey) {
        long now = System.currentTimeMillis();
        Site site = new Site(ApiKeys.newSiteId(), name, singleKey, now);
        String publicKey = ApiKeys.newKey(singleKey ? KeyRole.BOTH : KeyRole.PUBLIC);
        String secretKey = singleKey ? publicKey : ApiKeys.newKey(KeyRole.SECRET);
        List<Request> tx = new ArrayList<>();
        tx.add(Request.cmd(Command.MULTI));
        tx.add(Request.cmd(Command.HSET).arg(SITES).arg(site.siteId()).arg(row(site)));
        tx.add(putKey(site.siteId(), publicKey, singleKey ? KeyRole.BOTH : KeyRole.PUBLIC, now));
        if (!singleKey) tx.add(putKey(site.siteId(), secretKey, KeyRole.SECRET, now));
        tx.add(Request.cmd(Command.INCR).arg(VERSION));
        tx.add(Request.cmd(Command.EXEC));
        await(link.batch(tx));
        return new CreatedSite(site, publicKey, secretKey);
    }

    @Override
    public boolean ensureSite(Site site, String key, KeyRole role) {
        Response added = await(link.send(Request.cmd(Command.HSETNX).arg(SITES).arg(site.siteId()).arg(row(site))));
        if (added.toInteger() == 0) return false;
        await(link.batch(List.of(putKey(site.siteId(), key, role, site.createdAt()), Request.cmd(Command.INCR).arg(VERSION))));
        return true;
    }

    @Override
    public List<Site> sites() {
        List<Site> out = new ArrayList<>();
        for (String row : values(SITES)) out.add(siteOf(row));
        out.sort(Comparator.comparingLong(Site::createdAt));
        return out;
    }

    @Override
    public List<ApiKey> keys() {
        List<ApiKey> out = new ArrayList<>();
        for (String row : values(KEYS)) {
            JsonObject j = new JsonObject(row);
            out.add(new ApiKey(j.getString("hash"), j.getString("siteId"), KeyRole.fromWire(j.getString("role")),
                    j.getString("hint"), j.getLong("createdAt", 0L), j.getLong("revokedAt")));
        }
        out.sort(Comparator.comparingLong(ApiKey::createdAt));
        return out;
    }

    @Override
    public Optional<Site> site(String siteId) {
        Response row = await(link.send(Request.cmd(Command.HGET).arg(SITES).arg(siteId)));
        return row == null ? Optional.empty() : Optional.of(siteOf(row.toString()));
    }

    private static Site siteOf(String row) {
        JsonObject j = new JsonObject(row);
        return new Site(j.getString("siteId"), j.getString("name"), j.getBoolean("singleKey", false), j.getLong("createdAt", 0L));
    }

    @Override
    public int revoke(String siteIdOrKey) {
        String now = Long.toString(System.currentTimeMillis());
        int revoked = await(link.eval(revoke, List.of(KEYS, VERSION), List.of(siteIdOrKey, "", "", now, "", ""))).toInteger();
        if (revoked == 0) {
            revoked = await(link.eval(revoke, List.of(KEYS, VERSION), List.of("", ApiKeys.hash(siteIdOrKey), "", now, "", ""))).toInteger();
        }
        if (revoked > 0) endSessionsOfRevokedKeys();
        return revoked;
    }

    @Override
    public boolean deleteSite(String siteId) {
        if (site(siteId).isEmpty()) return false;
        List<Request> tx = new ArrayList<>();
        tx.add(Request.cmd(Command.MULTI));
        for (ApiKey k : keys()) if (k.siteId().equals(siteId)) tx.add(Request.cmd(Command.HDEL).arg(KEYS).arg(k.hash()));
        for (dev.tippen.site.ConsoleSession s : sessions()) if (s.siteId().equals(siteId)) tx.add(Request.cmd(Command.HDEL).arg(SESSIONS).arg(s.hash()));
        tx.add(Request.cmd(Command.HDEL).arg(SITES).arg(siteId));
        tx.add(Request.cmd(Command.INCR).arg(VERSION));
        tx.add(Request.cmd(Command.EXEC));
        await(link.batch(tx));
        return true;
    }

    @Override
    public String rotateSecret(String siteId) {
        Site site = site(siteId).orElseThrow(() -> new IllegalArgumentException("no site " + siteId));
        if (site.singleKey()) {
            throw new IllegalArgumentException("site " + siteId + " uses one key for both roles; create a new site instead");
        }
        String secret = ApiKeys.newKey(KeyRole.SECRET);
        long now = System.currentTimeMillis();
        // Revoking the old secret and adding the new one is one script: never a site without a secret.
        await(link.eval(revoke, List.of(KEYS, VERSION), List.of(siteId, "", KeyRole.SECRET.wire(), Long.toString(now),
                ApiKeys.hash(secret), keyRow(siteId, secret, KeyRole.SECRET, now))));
        endSessionsOfRevokedKeys();
        return secret;
    }

    @Override
    public boolean importSite(Site site, List<ApiKey> keys) {
        Response added = await(link.send(Request.cmd(Command.HSETNX).arg(SITES).arg(site.siteId()).arg(row(site))));
        if (added.toInteger() == 0) return false;
        List<Request> tx = new ArrayList<>();
        tx.add(Request.cmd(Command.MULTI));
        for (ApiKey k : keys) {
            JsonObject row = new JsonObject().put("hash", k.hash()).put("siteId", site.siteId()).put("role", k.role().wire())
                    .put("hint", k.hint()).put("createdAt", k.createdAt());
            if (k.revokedAt() != null) row.put("revokedAt", k.revokedAt());
            tx.add(Request.cmd(Command.HSETNX).arg(KEYS).arg(k.hash()).arg(row.encode()));
        }
        tx.add(Request.cmd(Command.INCR).arg(VERSION));
        tx.add(Request.cmd(Command.EXEC));
        await(link.batch(tx));
        return true;
    }

    /**
     * Sessions are rows of the hash {@code tippen:sessions}; expired ones are removed when the next
     * is opened, and ignored until then.
     */
    @Override
    public boolean openSession(ConsoleSession session) {
        List<ConsoleSession> open = new ArrayList<>();
        List<ConsoleSession> ofSite = new ArrayList<>();
        List<Request> drop = new ArrayList<>();
        long now = System.currentTimeMillis();
        java.util.Set<String> revoked = revokedKeyHashes();
        for (ConsoleSession s : allSessions()) {
            if (s.expired(now) || revoked.contains(s.keyHash())) {
                drop.add(Request.cmd(Command.HDEL).arg(SESSIONS).arg(s.hash()));
            } else {
                open.add(s);
                if (s.siteId().equals(session.siteId())) ofSite.add(s);
            }
        }
        // Past the site's share, its oldest sessions end to make room.
        ofSite.sort(java.util.Comparator.comparingLong(ConsoleSession::createdAt));
        for (int i = 0; i <= ofSite.size() - ConsoleSession.MAX_PER_SITE; i++) {
            drop.add(Request.cmd(Command.HDEL).arg(SESSIONS).arg(ofSite.get(i).hash()));
            open.remove(ofSite.get(i));
        }
        if (!drop.isEmpty()) {
            drop.add(Request.cmd(Command.INCR).arg(VERSION));
            await(link.batch(drop));
        }
        if (open.size() >= ConsoleSession.MAX_OPEN) return false;
        String row = new JsonObject().put("hash", session.hash()).put("siteId", session.siteId()).put("keyHash", session.keyHash())
                .put("createdAt", session.createdAt()).put("expiresAt", session.expiresAt()).encode();
        await(link.batch(List.of(Request.cmd(Command.HSET).arg(SESSIONS).arg(session.hash()).arg(row),
                Request.cmd(Command.INCR).arg(VERSION))));
        return true;
    }

    private java.util.Set<String> revokedKeyHashes() {
        java.util.Set<String> out = new java.util.HashSet<>();
        for (ApiKey k : keys()) if (k.revoked()) out.add(k.hash());
        return out;
    }

    /** A revoked key's sessions are deleted, not only refused: they no longer count, nor wait to expire. */
    private void endSessionsOfRevokedKeys() {
        java.util.Set<String> revoked = revokedKeyHashes();
        List<Request> drop = new ArrayList<>();
        for (ConsoleSession s : allSessions()) {
            if (revoked.contains(s.keyHash())) drop.add(Request.cmd(Command.HDEL).arg(SESSIONS).arg(s.hash()));
        }
        if (drop.isEmpty()) return;
        drop.add(Request.cmd(Command.INCR).arg(VERSION));
        await(link.batch(drop));
    }

    @Override
    public void endSession(String hash) {
        await(link.batch(List.of(Request.cmd(Command.HDEL).arg(SESSIONS).arg(hash), Request.cmd(Command.INCR).arg(VERSION))));
    }

    @Override
    public List<ConsoleSession> sessions() {
        long now = System.currentTimeMillis();
        List<ConsoleSession> out = new ArrayList<>();
        for (ConsoleSession s : allSessions()) if (!s.expired(now)) out.add(s);
        return out;
    }

    private List<ConsoleSession> allSessions() {
        List<ConsoleSession> out = new ArrayList<>();
        for (String row : values(SESSIONS)) {
            JsonObject j = new JsonObject(row);
            out.add(new ConsoleSession(j.getString("hash"), j.getString("siteId"), j.getString("keyHash"), j.getLong("createdAt", 0L),
                    j.getLong("expiresAt", 0L)));
        }
        return out;
    }

    @Override
    public String tokenSecret() {
        String key = SiteKeys.PREFIX + "visitor-token-secret";
        await(link.send(Request.cmd(Command.SET).arg(key).arg(ApiKeys.randomToken(43)).arg("NX")));
        return await(link.send(Request.cmd(Command.GET).arg(key))).toString();
    }

    @Override
    public long version() {
        Response r = await(link.send(Request.cmd(Command.GET).arg(VERSION)));
        return r == null ? 0 : r.toLong();
    }

    private List<String> values(String hash) {
        Response r = await(link.send(Request.cmd(Command.HVALS).arg(hash)));
        List<String> out = new ArrayList<>();
        if (r != null) for (Response v : r) out.add(v.toString());
        return out;
    }

    private static Request putKey(String siteId, String key, KeyRole role, long now) {
        return Request.cmd(Command.HSET).arg(KEYS).arg(ApiKeys.hash(key)).arg(keyRow(siteId, key, role, now));
    }

    /** A key's row; "revokedAt" is added by revoke.lua, so it must be absent until then. */
    private static String keyRow(String siteId, String key, KeyRole role, long now) {
        return new JsonObject().put("hash", ApiKeys.hash(key)).put("siteId", siteId).put("role", role.wire())
                .put("hint", role == KeyRole.PUBLIC ? key : ApiKeys.hint(key)).put("createdAt", now).encode();
    }

    private static String row(Site site) {
        return new JsonObject().put("siteId", site.siteId()).put("name", site.name()).put("singleKey", site.singleKey())
                .put("createdAt", site.createdAt()).encode();
    }

    private static <T> T await(Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("key store: " + RedisLink.rootMessage(e), e);
        }
    }

    @Override
    public void close() {
        if (ownVertx != null) {
            link.close();
            ownVertx.close();
        }
    }
}
