package dev.tippen.access;

import dev.tippen.site.Site;
import dev.tippen.team.Role;
import io.vertx.core.json.JsonObject;

/**
 * Who is asking, on which site, with what role: a person through their session, or a machine
 * through the site's secret key (which acts as an admin, as it always could). {@code keyHash} and
 * {@code sessionHash} name what ends the caller's sockets when revoked or ended.
 */
public record Caller(Site site, Role role, Actor actor, String keyHash, String sessionHash, boolean sameOrigin) {

    /** Who did something, as records and webhooks carry it: a person (id and name) or the site's API key. */
    public record Actor(String userId, String name) {
        public static final Actor KEY = new Actor(null, "API key");

        public boolean person() {
            return userId != null;
        }

        public JsonObject json() {
            return person() ? new JsonObject().put("type", "user").put("userId", userId).put("name", name)
                    : new JsonObject().put("type", "apiKey").put("name", name);
        }
    }

    public String siteId() {
        return site.siteId();
    }

    /** The caller as the audit log names it. */
    public dev.tippen.team.Audit.Actor auditActor() {
        return actor.person() ? dev.tippen.team.Audit.Actor.user(actor.userId(), actor.name()) : dev.tippen.team.Audit.Actor.API_KEY;
    }
}
