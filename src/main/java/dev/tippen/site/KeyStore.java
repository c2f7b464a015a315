package dev.tippen.site;

import java.util.List;
import java.util.Optional;

/**
 * Where sites and keys live. Both the server and the {@code keys} command use it, possibly at the same
 * time from two processes; {@link #version()} changes with every write so a running server can notice.
 */
public interface KeyStore extends AutoCloseable {

    /** A created site with its keys in clear text: the only moment they are ever visible. */
    record CreatedSite(Site site, String publicKey, String secretKey) {}

    CreatedSite createSite(String name, boolean singleKey);

    /** Makes sure a site exists with exactly this key (used for the demo site); returns false if it existed. */
    boolean ensureSite(Site site, String key, KeyRole role);

    List<Site> sites();

    List<ApiKey> keys();

    Optional<Site> site(String siteId);

    /** Revokes every key of a site, or one key given in clear text; returns how many keys were revoked. */
    int revoke(String siteIdOrKey);

    /** Removes a site, its keys and its console sessions, for good. False when there was no such site. */
    boolean deleteSite(String siteId);

    /** Revokes the site's secret key(s) and issues a new one, returned in clear text. */
    String rotateSecret(String siteId);

    /**
     * Adds a site and its keys exactly as another store holds them (hashes, roles, revocations), for
     * moving between stores: {@code keys export} and {@code keys import}. Returns false, changing
     * nothing, when the site is there already.
     */
    boolean importSite(Site site, List<ApiKey> keys);

    /**
     * Stores a console session (and forgets expired ones); false, storing nothing, when
     * {@link ConsoleSession#MAX_OPEN} are open already.
     */
    boolean openSession(ConsoleSession session);

    /** Ends a session (signed out); nothing happens when it is unknown. */
    void endSession(String hash);

    /** The open (unexpired) sessions. */
    List<ConsoleSession> sessions();

    long version();

    /**
     * A random secret this installation signs visitor tokens with (see {@code VisitorTokens}): made
     * the first time it is asked for, then the same for every node and every restart.
     */
    String tokenSecret();

    @Override
    void close();
}
