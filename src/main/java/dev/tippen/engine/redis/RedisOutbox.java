package dev.tippen.engine.redis;

import dev.tippen.engine.NoticeCodec;
import dev.tippen.stream.Outbox;
import dev.tippen.visitor.Change;
import dev.tippen.visitor.Notice;
import dev.tippen.visitor.SiteRules;
import dev.tippen.visitor.Visitor;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbox with several nodes: one Redis stream per site ({@code tippen:{site}:outbox}), written
 * by the same script that applies each change. Stream ids are the positions. One node at a time
 * consumes, the holder of {@code tippen:history:lease}; if it dies, another takes over within
 * three lease periods and goes on from the positions the history stored.
 *
 * <p>Each stream is capped (approximately) at {@link VisitorWrites#OUTBOX_LIMIT} entries by the
 * script that appends to it, so a history that is down for long loses the oldest entries of a busy
 * site rather than Redis's memory.
 */
final class RedisOutbox implements Outbox {
    static final String LEASE = SiteKeys.PREFIX + "history:lease";
    private static final String SITES = SiteKeys.PREFIX + "sites";
    private static final long LEASE_MILLIS = 6_000;
    private static final long SITES_REFRESH_MILLIS = 2_000;

    private final RedisLink link;
    private final VisitorWrites writes;
    private final SiteRules rules;
    private final String nodeId;
    private final Script lease = Script.load("lease");
    private static final long GAP_CHECK_MILLIS = 10_000;
    private static final Logger log = LoggerFactory.getLogger(RedisOutbox.class);
    private final Map<String, Long> gapCheckedAt = new java.util.HashMap<>();
    private final Map<String, String> gapReported = new java.util.HashMap<>();
    private long gaps;
    private List<String> sites = List.of();
    private long sitesReadAt;
    private long leaseCheckedAt;
    private boolean leader;

    RedisOutbox(RedisLink link, VisitorWrites writes, SiteRules rules, String nodeId) {
        this.link = link;
        this.writes = writes;
        this.rules = rules;
        this.nodeId = nodeId;
    }

    @Override
    public void start() {
        writes.record(true);
    }

    @Override
    public synchronized boolean leader() {
        long now = System.currentTimeMillis();
        if (now - leaseCheckedAt >= LEASE_MILLIS / 3) {
            leaseCheckedAt = now;
            try {
                leader = await(link.eval(lease, List.of(LEASE), List.of(nodeId, Long.toString(LEASE_MILLIS)))).toInteger() == 1;
            } catch (RuntimeException e) {
                leader = false;
            }
        }
        return leader;
    }

    @Override
    public synchronized List<Entry> read(Map<String, String> after, int max) {
        int asked = max;
        max = Math.min(max, REDIS_MAX);
        List<Entry> out = new ArrayList<>();
        for (String siteId : sites()) {
            if (out.size() >= max) break;
            SiteKeys keys = new SiteKeys(siteId);
            String from = after.get(siteId);
            if (from != null) checkGap(siteId, keys, from);
            Response r = await(link.send(Request.cmd(Command.XRANGE).arg(keys.key("outbox"))
                    .arg(from == null ? "-" : "(" + from).arg("+").arg("COUNT").arg(max - out.size())));
            if (r == null) continue;
            for (int i = 0; i < r.size(); i++) out.add(entry(siteId, r.get(i)));
        }
        filled = out.size() >= max && max < asked;
        return out;
    }

    /** An entry is [id, [field, value, ...]] with the fields k (C: a change's notices, X: a sweep's removed rows) and n. */
    private Entry entry(String siteId, Response item) {
        String id = item.get(0).toString();
        Response fields = item.get(1);
        String kind = null;
        String body = null;
        for (int f = 0; f + 1 < fields.size(); f += 2) {
            String name = fields.get(f).toString();
            if (name.equals("k")) kind = fields.get(f + 1).toString();
            else if (name.equals("n")) body = fields.get(f + 1).toString();
        }
        long at = Long.parseLong(id.substring(0, id.indexOf('-')));
        List<Notice.Recorded> notices = new ArrayList<>(2);
        if (body != null && "C".equals(kind)) {
            for (Notice n : NoticeCodec.read(body)) if (n instanceof Notice.Recorded rec) notices.add(rec);
        } else if (body != null && "X".equals(kind)) {
            List<Visitor> removed = new ArrayList<>();
            for (String row : body.split("\n")) {
                Visitor v = row.isEmpty() ? null : VisitorWrites.visitorOf(row);
                if (v != null) removed.add(v);
            }
            notices.addAll(Change.recordedOf(rules.expiry(removed, List.of(), at)));
        }
        return new Entry(siteId, id, siteId, at, notices);
    }

    /**
     * The most entries one read returns: a stream cannot say an entry's size before it is read, and an
     * entry may hold a sweep's removals (so not {@link #BATCH_BYTES}, but a count).
     */
    private static final int REDIS_MAX = 1_000;
    /** The last read stopped at {@link #REDIS_MAX} entries, short of what was asked: more wait. */
    private volatile boolean filled;

    @Override
    public boolean filled() {
        return filled;
    }

    @Override
    public void done(Map<String, String> upTo) {
        List<Request> trims = new ArrayList<>();
        for (Map.Entry<String, String> e : upTo.entrySet()) {
            trims.add(Request.cmd(Command.XTRIM).arg(new SiteKeys(e.getKey()).key("outbox")).arg("MINID").arg(e.getValue()));
        }
        if (!trims.isEmpty()) await(link.batch(trims));
    }

    /** How many times the reader found entries trimmed (by the stream's cap) before it read them. */
    @Override
    public synchronized long dropped() {
        return gaps;
    }

    /**
     * The stream's cap trims entries nobody read when the history stays down long: Redis then reports
     * a deleted entry newer than the reader's position (this reader's own trims never pass it).
     */
    private void checkGap(String siteId, SiteKeys keys, String from) {
        long now = System.currentTimeMillis();
        Long at = gapCheckedAt.get(siteId);
        if (at != null && now - at < GAP_CHECK_MILLIS) return;
        gapCheckedAt.put(siteId, now);
        Response info;
        try {
            info = await(link.send(Request.cmd(Command.XINFO).arg("STREAM").arg(keys.key("outbox"))));
        } catch (RuntimeException e) {
            return; // no stream yet
        }
        String deleted = field(info, "max-deleted-entry-id");
        if (deleted == null || compare(deleted, from) <= 0 || deleted.equals(gapReported.get(siteId))) return;
        gapReported.put(siteId, deleted);
        gaps++;
        log.error("event=outbox_gap site={} after={} trimmed_through={} note=\"the history was down long enough for the site's "
                + "outbox to reach its cap; changes in between are not in the history\"", siteId, from, deleted);
    }

    /** A field of XINFO STREAM: a map in RESP3, a flat [name, value, ...] list in RESP2. */
    private static String field(Response info, String name) {
        if (info == null) return null;
        if (info.type() == io.vertx.redis.client.ResponseType.MULTI && !info.getKeys().isEmpty()) {
            Response v = info.get(name);
            return v == null ? null : v.toString();
        }
        for (int i = 0; i + 1 < info.size(); i += 2) if (name.equals(info.get(i).toString())) return info.get(i + 1).toString();
        return null;
    }

    static int compare(String a, String b) {
        int da = a.indexOf('-');
        int db = b.indexOf('-');
        long ma = Long.parseLong(da < 0 ? a : a.substring(0, da));
        long mb = Long.parseLong(db < 0 ? b : b.substring(0, db));
        if (ma != mb) return Long.compare(ma, mb);
        return Long.compare(da < 0 ? 0 : Long.parseLong(a.substring(da + 1)), db < 0 ? 0 : Long.parseLong(b.substring(db + 1)));
    }

    private List<String> sites() {
        long now = System.currentTimeMillis();
        if (now - sitesReadAt >= SITES_REFRESH_MILLIS) {
            Response r = await(link.send(Request.cmd(Command.HKEYS).arg(SITES)));
            List<String> ids = new ArrayList<>();
            if (r != null) for (int i = 0; i < r.size(); i++) ids.add(r.get(i).toString());
            sites = ids;
            sitesReadAt = now;
        }
        return sites;
    }

    private static <T> T await(Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("outbox: " + RedisLink.rootMessage(e), e);
        }
    }
}
