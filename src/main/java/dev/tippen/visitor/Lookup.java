package dev.tippen.visitor;

import dev.tippen.enrich.Enrichment;

/**
 * Who a visitor is, from the event's address and browser: in memory only (a few microseconds), so the
 * rules stay free of I/O. Asked only for a new visitor and for one that moved to another address.
 */
@FunctionalInterface
public interface Lookup {
    Enrichment lookup(VisitorEvent e);
}
