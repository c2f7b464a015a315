package dev.tippen.visitor;

/**
 * A subscriber of the change stream. Called on the site's lane, once per committed change, in commit
 * order per site, only after the change is durable. Must not block.
 */
public interface ChangeListener {
    void onChange(SiteChange change);

    /**
     * Changes of the site may have been missed on this node (its link to the other nodes dropped):
     * what a subscriber shows of the site should be read afresh.
     */
    default void onGap(String siteId) {}
}
