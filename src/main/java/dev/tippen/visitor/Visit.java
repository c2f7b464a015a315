package dev.tippen.visitor;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * The visit a live visitor is on: where it started, where it came from, the trail of its last pages,
 * and the page load shown now. {@code exitAt} is set when that page said it was being left; the exit
 * takes effect only if no page view follows within the site's exit grace (a click to the next page
 * sends the old page's exit and the new page's view, in either order).
 *
 * <p>The trail is bounded: at most {@link #MAX_PAGES} pages, each address and title shortened, and
 * at most {@link #MAX_TRAIL_CHARS} characters in all (the oldest pages go first), so a visitor's
 * size has a known ceiling whatever its pages are called.
 */
public record Visit(String visitId, long startedAt, String entryUrl, String entryReferrer, Utm utm,
                    List<PageVisit> trail, String pageLoadId, Long exitAt) {
    public static final int MAX_PAGES = 20;
    static final int TRAIL_URL_MAX = 256;
    static final int TRAIL_TITLE_MAX = 96;
    static final int MAX_TRAIL_CHARS = 2_560;
    /** The entry page and referrer are kept for their site and path; the campaign tags are read from the whole URL first. */
    static final int ENTRY_MAX = 512;

    public Visit {
        trail = trail == null ? List.of() : List.copyOf(trail);
    }

    static Visit start(String visitorId, Page page, String pageLoadId, long now) {
        String referrer = page.referrer() == null || page.referrer().isEmpty() ? null : page.referrer();
        return new Visit(id(visitorId, now), now, cut(page.url(), ENTRY_MAX), cut(referrer, ENTRY_MAX), Utm.of(page.url()),
                List.of(entry(page, now)), pageLoadId, null);
    }

    /** The next page of this visit: the current one is left now, the new one entered. */
    Visit moved(Page page, String newPageLoadId, long now) {
        List<PageVisit> next = new ArrayList<>(Math.min(trail.size() + 1, MAX_PAGES + 1));
        for (int i = 0; i < trail.size(); i++) {
            PageVisit p = trail.get(i);
            next.add(i == trail.size() - 1 ? p.left(now) : p);
        }
        next.add(entry(page, now));
        long chars = 0;
        for (PageVisit p : next) chars += p.chars();
        while (next.size() > MAX_PAGES || (chars > MAX_TRAIL_CHARS && next.size() > 1)) chars -= next.remove(0).chars();
        return new Visit(visitId, startedAt, entryUrl, entryReferrer, utm, next, newPageLoadId, null);
    }

    Visit exiting(long now) {
        return new Visit(visitId, startedAt, entryUrl, entryReferrer, utm, trail, pageLoadId, now);
    }

    Visit staying(String loadId) {
        return new Visit(visitId, startedAt, entryUrl, entryReferrer, utm, trail, loadId, null);
    }

    /** The page the visitor is on (the last of the trail). */
    public PageVisit current() {
        return trail.isEmpty() ? null : trail.get(trail.size() - 1);
    }

    private static PageVisit entry(Page page, long now) {
        return new PageVisit(cut(page.url(), TRAIL_URL_MAX), cut(page.title(), TRAIL_TITLE_MAX), now, PageVisit.HERE);
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    /**
     * The same visit gets the same id however often the change is decided (several nodes may decide
     * it again from a fresher state): a digest of the visitor and the start time.
     */
    static String id(String visitorId, long startedAt) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256")
                    .digest((visitorId + "|" + startedAt).getBytes(StandardCharsets.UTF_8));
            StringBuilder sb = new StringBuilder("vis_");
            for (int i = 0; i < 10; i++) sb.append(Character.forDigit((d[i] >> 4) & 0xf, 16)).append(Character.forDigit(d[i] & 0xf, 16));
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
