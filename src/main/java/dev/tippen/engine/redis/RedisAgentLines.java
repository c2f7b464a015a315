package dev.tippen.engine.redis;

import dev.tippen.call.AgentLines;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.util.List;
import java.util.function.Function;

/** Agents' lines in Redis, one string key each ({@code tippen:line:<agent>}), so a person has one call across every node. */
final class RedisAgentLines implements AgentLines {
    private static final Script TAKE = Script.load("line_take");
    private static final Script FREE = Script.load("line_free");

    private final RedisLink link;

    RedisAgentLines(RedisLink link) {
        this.link = link;
    }

    private static String key(String agent) {
        return SiteKeys.PREFIX + "line:" + agent;
    }

    @Override
    public Future<Boolean> take(String agent, String call, Function<String, Future<Boolean>> busy) {
        String key = key(agent);
        return link.send(Request.cmd(Command.SET).arg(key).arg(call).arg("NX")).compose(set -> {
            if (set != null) return Future.succeededFuture(true);
            return link.send(Request.cmd(Command.GET).arg(key)).compose(held -> {
                if (held == null) return take(agent, call, busy);
                String pointer = held.toString();
                if (pointer.equals(call)) return Future.succeededFuture(true);
                return busy.apply(pointer).compose(on -> on ? Future.succeededFuture(false)
                        : link.eval(TAKE, List.of(key), List.of(pointer, call)).map(r -> r != null && r.toInteger() == 1));
            });
        });
    }

    @Override
    public void free(String agent, String call) {
        link.eval(FREE, List.of(key(agent)), List.of(call));
    }
}
