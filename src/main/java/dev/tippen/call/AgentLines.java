package dev.tippen.call;

import io.vertx.core.Future;
import java.util.function.Function;

/**
 * One call at a time per agent, on every node: each agent's line points at the call it is on. The
 * pointer is only a hint: a call it names that is over (ended, declined, lapsed, on a node that died)
 * frees the line, which {@code busy} is asked to tell, so nothing here needs to expire or be cleaned.
 */
public interface AgentLines {
    /**
     * Takes the agent's line for {@code call}; completes true if it did, false if the agent is on
     * another call that {@code busy} says is still on.
     */
    Future<Boolean> take(String agent, String call, Function<String, Future<Boolean>> busy);

    /** Frees the agent's line if it still points at {@code call}. */
    void free(String agent, String call);
}
