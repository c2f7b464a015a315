package dev.tippen.site;

/** A website whose visitors Tippen tracks; every key belongs to exactly one site. */
public record Site(String siteId, String name, boolean singleKey, long createdAt) {}
