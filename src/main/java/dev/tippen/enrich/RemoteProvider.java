package dev.tippen.enrich;

import io.vertx.core.Future;

/**
 * A paid IP-to-company service, spoken to in its own documented wire format. {@link #lookup} fails
 * only for trouble (timeouts, 429, 5xx, answers it cannot read); "nothing known" is
 * {@link RemoteAnswer#NONE}.
 */
public interface RemoteProvider {
    String name();

    Future<RemoteAnswer> lookup(String ip);
}
