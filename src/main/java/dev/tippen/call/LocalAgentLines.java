package dev.tippen.call;

import io.vertx.core.Future;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** Agents' lines on one node, in memory; at most one entry per person who has ever placed a call here. */
public final class LocalAgentLines implements AgentLines {
    private final ConcurrentHashMap<String, String> lines = new ConcurrentHashMap<>();

    @Override
    public Future<Boolean> take(String agent, String call, Function<String, Future<Boolean>> busy) {
        String held = lines.putIfAbsent(agent, call);
        if (held == null || held.equals(call)) return Future.succeededFuture(true);
        return busy.apply(held).map(on -> !on && lines.replace(agent, held, call));
    }

    @Override
    public void free(String agent, String call) {
        lines.remove(agent, call);
    }
}
