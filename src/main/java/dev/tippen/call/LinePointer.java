package dev.tippen.call;

/** What an agent's line points at: the site, the visitor and the call, enough to ask the visitor's record whether it is still on. */
record LinePointer(String siteId, String visitorId, String callId) {
    static String of(String siteId, String visitorId, String callId) {
        return siteId + "\n" + visitorId + "\n" + callId;
    }

    static LinePointer parse(String s) {
        String[] f = s.split("\n", -1);
        return f.length == 3 ? new LinePointer(f[0], f[1], f[2]) : null;
    }
}
