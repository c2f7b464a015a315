package dev.tippen.app;

import dev.tippen.config.ConfigRules;
import dev.tippen.config.ServeOptions;
import dev.tippen.console.JoinLinks;
import dev.tippen.site.KeyStore;
import dev.tippen.team.Invitation;
import dev.tippen.team.Role;
import dev.tippen.team.Team;
import dev.tippen.team.TeamDatabase;
import dev.tippen.team.TeamRegistry;
import dev.tippen.team.TeamStore;
import dev.tippen.team.User;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tippen users ...}: the first owner of a site, and help for a locked-out teammate, from the
 * machine the server runs on. Links are printed, never mailed: no SMTP is needed.
 */
@Command(name = "users", mixinStandardHelpOptions = true, description = "Add people to sites, list them, and make password-reset links.",
        subcommands = {UsersCommand.Add.class, UsersCommand.ListUsers.class, UsersCommand.Reset.class, UsersCommand.Suspend.class})
final class UsersCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Where the team lives, as the server's own options say: team.db in the data dir, or the PostgreSQL of --history with --redis. */
    static class TeamOptions extends KeysCommand.StoreOptions {
        @Option(names = "--history", defaultValue = "sqlite", description = "The server's --history (its PostgreSQL keeps the team when nodes share --redis).")
        String history;

        @Option(names = "--public-url", defaultValue = "", description = "Where people reach the server, for the link (default http://localhost:PORT).")
        String publicUrl;

        @Option(names = "--port", defaultValue = ServeOptions.DEFAULT_PORT, description = "The server's port, for the link when --public-url is not set.")
        int port;

        TeamDatabase openTeam() {
            if (ConfigRules.redisUrl(redis) == null) return TeamDatabase.sqlite(dataDir);
            if (history.startsWith("postgres://") || history.startsWith("postgresql://")) return TeamDatabase.postgres(history);
            throw new IllegalStateException("with --redis, the team is kept in the PostgreSQL of --history postgres://...");
        }

        String base() {
            return publicUrl.isBlank() ? "http://localhost:" + port : publicUrl.trim();
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Print a single-use link (valid 24 h) with which a person joins a site with a role: how a site gets its first owner.")
    static final class Add implements Callable<Integer> {
        @CommandLine.Mixin TeamOptions options;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Option(names = "--email", required = true, description = "The person's e-mail address.")
        String email;

        @Option(names = "--site", description = "The site's id (see 'tippen keys list').")
        String site;

        @Option(names = "--operator", description = "Make the instance's operator instead: every site on a Sites page (no --site, no --role).")
        boolean operator;

        @Option(names = "--role", defaultValue = "owner", description = "viewer, agent, admin or owner (default ${DEFAULT-VALUE}).")
        String role;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Role r = Role.parse(role);
            if (operator == (site != null)) {
                err.println("tippen: give --site SITE (with --role), or --operator");
                return 2;
            }
            if (r == null) {
                err.println("tippen: --role must be one of viewer, agent, admin, owner");
                return 2;
            }
            String clean = TeamRegistry.normalEmail(email);
            if (!clean.matches("[^@\\s<>\"]+@[^@\\s<>\"]+\\.[^@\\s<>\".]+") || clean.length() > Team.MAX_EMAIL) {
                err.println("tippen: --email must be an e-mail address");
                return 2;
            }
            if (operator) {
                try (TeamDatabase db = options.openTeam()) {
                    Team.Link link = Team.makeLink(new TeamStore(db), Invitation.Kind.OPERATOR, null, clean, null, "cli", Team.SETUP_LINK_LIFETIME);
                    out.println("Send this link to " + clean + " (operator of this server); it works once, until "
                            + Instant.ofEpochMilli(link.expiresAt()) + ":");
                    out.println(JoinLinks.url(options.base(), link.token()));
                }
                out.flush();
                return 0;
            }
            try (KeyStore keys = options.openExisting()) {
                if (keys.site(site).isEmpty()) {
                    err.println("tippen: no site '" + site + "'; 'tippen keys list' shows them");
                    return 2;
                }
            }
            try (TeamDatabase db = options.openTeam()) {
                Team.Link link = Team.makeLink(new TeamStore(db), Invitation.Kind.JOIN, site, clean, r, "cli", Team.SETUP_LINK_LIFETIME);
                out.println("Send this link to " + clean + " (" + r.wire() + " of " + site + "); it works once, until "
                        + Instant.ofEpochMilli(link.expiresAt()) + ":");
                out.println(JoinLinks.url(options.base(), link.token()));
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List people and their roles.")
    static final class ListUsers implements Callable<Integer> {
        @CommandLine.Mixin TeamOptions options;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (TeamDatabase db = options.openTeam()) {
                TeamStore.Contents c = new TeamStore(db).load(System.currentTimeMillis());
                for (User u : c.users()) {
                    StringBuilder roles = new StringBuilder();
                    c.members().stream().filter(m -> m.userId().equals(u.userId()))
                            .forEach(m -> roles.append(roles.length() == 0 ? "" : ", ").append(m.siteId()).append('=').append(m.role().wire()));
                    out.println(u.userId() + "  " + u.email() + "  " + (u.suspended() ? "suspended" : "active") + "  " + roles);
                }
                if (c.users().isEmpty()) out.println("no one yet; 'tippen users add --email E --site SITE' makes a site's first owner");
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "suspend", mixinStandardHelpOptions = true,
            description = "Suspend an account: its sessions, tokens and sockets end on every node within a second; --resume lifts it.")
    static final class Suspend implements Callable<Integer> {
        @CommandLine.Mixin TeamOptions options;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Option(names = "--email", required = true, description = "The person's e-mail address.")
        String email;

        @Option(names = "--resume", description = "Lift the suspension instead.")
        boolean resume;

        @Override
        public Integer call() {
            try (TeamDatabase db = options.openTeam()) {
                TeamStore store = new TeamStore(db);
                String clean = TeamRegistry.normalEmail(email);
                TeamStore.Contents c = store.load(System.currentTimeMillis());
                User u = c.users().stream().filter(x -> x.email().equals(clean)).findFirst().orElse(null);
                if (u == null) {
                    spec.commandLine().getErr().println("tippen: no account for " + clean);
                    return 2;
                }
                store.setSuspended(u.userId(), !resume);
                for (var m : c.members()) {
                    if (m.userId().equals(u.userId())) {
                        dev.tippen.team.Audit.recordNow(store, m.siteId(), dev.tippen.team.Audit.Actor.CLI,
                                resume ? "teammate.resumed" : "teammate.suspended", u.userId(), null);
                    }
                }
                spec.commandLine().getOut().println((resume ? "resumed " : "suspended ") + clean);
            }
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "reset-link", mixinStandardHelpOptions = true, description = "Print a single-use link (valid 24 h) to set a new password.")
    static final class Reset implements Callable<Integer> {
        @CommandLine.Mixin TeamOptions options;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Option(names = "--email", required = true, description = "The person's e-mail address.")
        String email;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (TeamDatabase db = options.openTeam()) {
                TeamStore store = new TeamStore(db);
                String clean = TeamRegistry.normalEmail(email);
                if (store.load(System.currentTimeMillis()).users().stream().noneMatch(u -> u.email().equals(clean))) {
                    spec.commandLine().getErr().println("tippen: no account for " + clean);
                    return 2;
                }
                Team.Link link = Team.makeLink(store, Invitation.Kind.RESET, null, clean, null, "cli", Duration.ofHours(24));
                out.println(JoinLinks.url(options.base(), link.token()));
            }
            out.flush();
            return 0;
        }
    }
}
