package dev.tippen.call;

import dev.tippen.call.CallTickets.Party;
import dev.tippen.site.SiteLanes;
import dev.tippen.socket.Connection;
import dev.tippen.visitor.CallProgress;
import dev.tippen.visitor.InviteRecord;
import dev.tippen.visitor.Sites;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's side of the calls whose sockets it holds: each call's room knows its parties here,
 * passes what one says to the other through {@link Signals} (so the other may be on any node), and
 * turns what they report into the call's record (connected, ended) through the sites. A party whose
 * page goes and does not come back within {@link #RETURN_MILLIS} has lost the call. Everything about
 * a room runs on its site's lane.
 */
public final class CallRelay {
    private static final Logger log = LoggerFactory.getLogger(CallRelay.class);
    /** How long a party's page may be gone (a reload, a network change) before the call counts as lost. */
    static final long RETURN_MILLIS = 10_000;

    private static final class Room {
        final CallTickets.Ticket ticket;
        final Map<Party, Connection> here = new EnumMap<>(Party.class);
        final Map<Party, Long> lostTimers = new EnumMap<>(Party.class);
        /** Whether each party was last heard present, from whichever node. */
        final Map<Party, Boolean> present = new EnumMap<>(Party.class);
        Consumer<String> handler;
        Future<Void> subscribed;
        boolean ended;
        String agent;

        Room(CallTickets.Ticket ticket) {
            this.ticket = ticket;
        }

        boolean idle() {
            return here.isEmpty() && lostTimers.isEmpty();
        }
    }

    private final Vertx vertx;
    private final SiteLanes lanes;
    private final Signals signals;
    private final Sites sites;
    private final AgentLines lines;
    private final Map<String, Room> rooms = new ConcurrentHashMap<>();

    public CallRelay(Vertx vertx, SiteLanes lanes, Signals signals, Sites sites, AgentLines lines) {
        this.vertx = vertx;
        this.lanes = lanes;
        this.signals = signals;
        this.sites = sites;
        this.lines = lines;
    }

    /** On the site's lane: a party's socket opened; completes once it is in the room and announced. */
    Future<Void> joined(Connection c, CallTickets.Ticket t, String configMessage) {
        Room room = rooms.computeIfAbsent(t.callId(), id -> new Room(t));
        Party party = t.party();
        if (party == Party.AGENT) room.agent = t.holder();
        Connection before = room.here.put(party, c);
        // A second page of the same party (a reload, another tab) takes the call over.
        if (before != null && before != c) before.close((short) 4000, "the call continues on another page");
        Long timer = room.lostTimers.remove(party);
        if (timer != null) vertx.cancelTimer(timer);
        room.present.put(party, true);
        if (room.subscribed == null) {
            room.handler = message -> lanes.execute(t.siteId(), () -> heard(room, message));
            room.subscribed = signals.subscribe(t.callId(), room.handler);
        }
        return room.subscribed.onComplete(ar -> lanes.execute(t.siteId(), () -> {
            if (ar.failed()) {
                // Without the seam the parties cannot hear each other: say so rather than wait in silence.
                log.warn("event=call_signals_unavailable call={} error=\"{}\"", t.callId(), ar.cause().toString());
                room.subscribed = null;
                c.close((short) 1011, "calls cannot be signalled right now; try again");
                return;
            }
            c.send(configMessage);
            signals.publish(t.callId(), CallMessages.presence(party, true, true));
        }));
    }

    /** On the site's lane: what a party's page sent. */
    void said(Connection c, CallTickets.Ticket t, JsonObject message) {
        Room room = rooms.get(t.callId());
        if (room == null || room.here.get(t.party()) != c || room.ended) return;
        String type = message.getString("type");
        switch (type) {
            case "SIGNAL" -> {
                Object data = message.getValue("data");
                if (data instanceof JsonObject d) signals.publish(t.callId(), CallMessages.relayed(t.party(), d));
                else c.send(dev.tippen.socket.SocketMessages.error("SIGNAL needs an object 'data'"));
            }
            case "STATE" -> {
                String state = String.valueOf(message.getValue("state"));
                if (state.equals("connected")) {
                    sites.callConnected(t.siteId(), t.visitorId(), t.callId())
                            .onSuccess(v -> signals.publish(t.callId(), CallMessages.connected()))
                            .onFailure(err -> log.warn("event=call_connect_failed call={} error=\"{}\"", t.callId(), err.toString()));
                } else if (state.equals("lost")) {
                    end(room, CallProgress.LOST);
                } else {
                    c.send(dev.tippen.socket.SocketMessages.error("STATE is 'connected' or 'lost'"));
                }
            }
            case "HANG_UP" -> end(room, t.party() == Party.AGENT ? CallProgress.AGENT_HUNG_UP : CallProgress.VISITOR_HUNG_UP);
            default -> c.send(dev.tippen.socket.SocketMessages.error("unknown message type '" + type + "'"));
        }
    }

    /** On the site's lane: a party's socket closed. Unless it comes back, the call is lost. */
    void left(Connection c, CallTickets.Ticket t) {
        Room room = rooms.get(t.callId());
        if (room == null || room.here.get(t.party()) != c) return;
        room.here.remove(t.party());
        if (room.ended) {
            forget(room);
            return;
        }
        room.present.put(t.party(), false);
        signals.publish(t.callId(), CallMessages.presence(t.party(), false, false));
        long timer = vertx.setTimer(RETURN_MILLIS, id -> lanes.execute(t.siteId(), () -> {
            if (!id.equals(room.lostTimers.get(t.party()))) return; // cancelled, or a newer absence's timer
            room.lostTimers.remove(t.party());
            if (Boolean.TRUE.equals(room.present.get(t.party()))) forget(room);
            else end(room, CallProgress.LOST);
        }));
        room.lostTimers.put(t.party(), timer);
    }

    /** On the site's lane: a message from the call's nodes (this one included). */
    private void heard(Room room, String message) {
        JsonObject m;
        try {
            m = new JsonObject(message);
        } catch (DecodeException e) {
            return;
        }
        String kind = m.getString("kind", "");
        Party from = "agent".equals(m.getString("from")) ? Party.AGENT : Party.VISITOR;
        switch (kind) {
            case "presence" -> {
                boolean present = m.getBoolean("present", false);
                room.present.put(from, present);
                Connection listener = room.here.get(from.other());
                if (listener == null) return;
                listener.send(CallMessages.peer(present));
                // A party that just arrived learns that this one is here too.
                if (present && m.getBoolean("hello", false)) {
                    signals.publish(room.ticket.callId(), CallMessages.presence(from.other(), true, false));
                }
                if (present) {
                    Long timer = room.lostTimers.remove(from);
                    if (timer != null) vertx.cancelTimer(timer);
                }
            }
            case "signal" -> {
                Connection to = room.here.get(from.other());
                JsonObject data = m.getJsonObject("data");
                if (to != null && data != null) to.send(CallMessages.signal(data));
            }
            case "connected" -> room.here.values().forEach(c -> c.send(CallMessages.state("connected")));
            case "ended" -> {
                room.ended = true;
                String reason = m.getString("reason");
                for (Connection c : room.here.values()) {
                    c.send(CallMessages.ended(reason));
                    c.close((short) 1000, "call ended");
                }
                room.lostTimers.values().forEach(vertx::cancelTimer);
                room.lostTimers.clear();
                forget(room);
            }
            default -> { }
        }
    }

    /**
     * On the site's lane: the call ended in the visitor's record, whatever ended it (the visit ended,
     * a node's relay, a sweep): its parties here hear it now rather than when their own pages notice.
     */
    void endedElsewhere(String callId, String reason) {
        Room room = rooms.get(callId);
        if (room != null && !room.ended) heard(room, CallMessages.over(reason));
    }

    /** Records the end and tells both parties, wherever they are. */
    private void end(Room room, String reason) {
        if (room.ended) return;
        room.ended = true;
        CallTickets.Ticket t = room.ticket;
        sites.callEnded(t.siteId(), t.visitorId(), t.callId(), reason).onComplete(ar -> {
            InviteRecord call = ar.succeeded() ? ar.result() : null;
            String why = call != null && call.call() != null && call.call().endReason() != null ? call.call().endReason() : reason;
            if (ar.failed()) log.warn("event=call_end_failed call={} error=\"{}\"", t.callId(), ar.cause().toString());
            log.info("event=call_ended site={} call={} reason={}", t.siteId(), t.callId(), why);
            if (room.agent != null) lines.free(room.agent, LinePointer.of(t.siteId(), t.visitorId(), t.callId()));
            signals.publish(t.callId(), CallMessages.over(why));
        });
    }

    private void forget(Room room) {
        if (!room.idle()) return;
        if (rooms.remove(room.ticket.callId(), room) && room.handler != null) signals.unsubscribe(room.ticket.callId(), room.handler);
    }

    /** Calls with a socket here, for /metrics. */
    public int rooms() {
        return rooms.size();
    }
}
