package dev.tippen.access;

import dev.tippen.team.Role;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The role every route needs, in one table: the only place access is decided. The router asks it
 * for each request ({@link Access#handle}); the sockets, which skip the router, ask it by name.
 * A test walks every mounted route against every role, and fails on a route missing here.
 */
public final class RouteTable {
    /**
     * {@code OPEN}: anyone (pages, sign-in, health); {@code PUBLIC_KEY}: the tracker's public key, checked by
     * its handler before the body is read; otherwise a person with at least that role on the site, or
     * the site's secret key (an admin); {@code OPERATOR}: a person who runs this instance, on no site.
     */
    public enum Need { OPEN, PUBLIC_KEY, VIEWER, AGENT, ADMIN, OWNER, OPERATOR;

        public Role role() {
            return switch (this) {
                case VIEWER -> Role.VIEWER;
                case AGENT -> Role.AGENT;
                case ADMIN -> Role.ADMIN;
                case OWNER -> Role.OWNER;
                default -> null;
            };
        }
    }

    /** {@code keyInBody}: the original's clients may send the key as {@code apiKey} in a JSON body. */
    public record Rule(Need need, boolean keyInBody) {}

    public static final Map<String, Rule> RULES = rules();

    private static Map<String, Rule> rules() {
        Map<String, Rule> r = new LinkedHashMap<>();
        // The tracker and the visitor's browser: a public key.
        put(r, Need.PUBLIC_KEY, "POST /track/visitor", "GET /ws/visitor");
        // Reading: the live list, history, reports, the team.
        put(r, Need.VIEWER, "GET /api/calls");
        put(r, Need.AGENT, "POST /api/calls/:callId/feedback", "POST /api/calls/:callId/ticket");
        put(r, Need.VIEWER, "GET /ws/dashboard", "GET /api/visits", "GET /api/visitors/:visitorId", "GET /api/reports/:dimension",
                "GET /api/team", "GET /api/tokens", "POST /api/tokens", "DELETE /api/tokens/:tokenId");
        // Acting on visitors.
        r.put("POST /api/send-video-invite", new Rule(Need.AGENT, true));
        // Running the site.
        put(r, Need.ADMIN, "DELETE /api/visitors/:visitorId",
                "GET /api/webhooks", "POST /api/webhooks", "GET /api/webhooks/:id", "PATCH /api/webhooks/:id", "DELETE /api/webhooks/:id",
                "POST /api/webhooks/:id/test", "POST /api/webhooks/:id/rotate-secret", "GET /api/webhooks/:id/deliveries",
                "POST /api/webhooks/:id/deliveries/:deliveryId/replay",
                "GET /api/audit", "POST /api/team/invitations", "DELETE /api/team/invitations/:invitationId",
                "PATCH /api/team/members/:userId", "DELETE /api/team/members/:userId", "POST /api/team/members/:userId/reset-link");
        // The instance's operator: every site.
        put(r, Need.OPERATOR, "GET /api/operator/sites", "POST /api/operator/sites", "POST /api/operator/sites/:siteId/suspension", "DELETE /api/operator/sites/:siteId",
                "GET /api/operator/users", "POST /api/operator/users/:userId/suspension");
        // Anyone: pages, scripts, signing in, joining, health and metrics (which has its own token).
        // A call's page and socket: the socket checks its ticket (and an agent's own session) itself.
        put(r, Need.OPEN, "GET /call/:callId", "GET /call/static/*", "GET /ws/call");
        put(r, Need.OPEN, "GET /console", "GET /console/", "GET /console/static/*", "GET /console/lib/*", "GET /console/session",
                "POST /console/session", "DELETE /console/session", "GET /console/join", "POST /console/join", "POST /console/claim",
                "POST /console/totp/setup", "POST /console/totp/confirm", "DELETE /console/totp",
                "GET /tippen-tracker.js", "GET /openapi.json", "GET /healthz", "HEAD /healthz", "GET /readyz", "HEAD /readyz",
                "GET /metrics", "HEAD /metrics", "GET /", "GET /demo", "GET /demo/demo.css", "GET /demo/pricing",
                "GET /demo/contact");
        return Map.copyOf(r);
    }

    private static void put(Map<String, Rule> r, Need need, String... routes) {
        for (String route : routes) r.put(route, new Rule(need, false));
    }

    /** The rule for a request, matching {@code :name} segments and a trailing {@code *}; null when no route matches. */
    public static Rule find(String method, String path) {
        Rule exact = RULES.get(method + " " + path);
        if (exact != null) return exact;
        Rule best = null;
        int bestLiteral = -1;
        for (Map.Entry<String, Rule> e : RULES.entrySet()) {
            String key = e.getKey();
            int space = key.indexOf(' ');
            if (!key.regionMatches(0, method, 0, method.length()) || space != method.length()) continue;
            int literal = matches(key.substring(space + 1), path);
            if (literal > bestLiteral) {
                bestLiteral = literal;
                best = e.getValue();
            }
        }
        return best;
    }

    /** How many literal segments the pattern matched with, so /a/b beats /a/:x; -1 when it does not match. */
    static int matches(String pattern, String path) {
        if (pattern.endsWith("*")) {
            String prefix = pattern.substring(0, pattern.length() - 1);
            return path.startsWith(prefix) ? 0 : -1;
        }
        String[] p = pattern.split("/", -1);
        String[] a = path.split("/", -1);
        if (p.length != a.length) return -1;
        int literal = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i].startsWith(":")) {
                if (a[i].isEmpty()) return -1;
            } else if (p[i].equals(a[i])) {
                literal++;
            } else {
                return -1;
            }
        }
        return literal;
    }
}
