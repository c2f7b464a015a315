package dev.tippen.webhook;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;

/**
 * Where a webhook may be sent. The URL must be https (http only when allowed), and every address
 * its host resolves to must be public: not loopback, private, link-local (the cloud metadata
 * services live there), shared, multicast or reserved. As the HTTP client's resolver it is asked
 * again on every connection, so a name that later resolves elsewhere (DNS rebinding) is still refused.
 */
final class TargetGuard implements DnsResolver {
    static final int MAX_URL = 2_048;

    /** A target refused, with the reason an operator can act on. */
    static final class Refused extends UnknownHostException {
        Refused(String message) {
            super(message);
        }
    }

    private final boolean allowHttp;
    private final boolean allowPrivate;

    TargetGuard(boolean allowHttp, boolean allowPrivate) {
        this.allowHttp = allowHttp;
        this.allowPrivate = allowPrivate;
    }

    /** The URL, parsed, if its form is acceptable; the reason otherwise. Resolves nothing. */
    URI parse(String url) throws Refused {
        if (url == null || url.isBlank()) throw new Refused("'url' is required");
        if (url.length() > MAX_URL) throw new Refused("'url' is longer than " + MAX_URL + " characters");
        URI u;
        try {
            u = new URI(url.trim());
        } catch (java.net.URISyntaxException e) {
            throw new Refused("'url' is not a URL: " + e.getReason());
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("http") && !allowHttp) throw new Refused("'url' must be https (http needs --webhooks-allow-http)");
        if (!scheme.equals("https") && !scheme.equals("http")) throw new Refused("'url' must be an https URL");
        if (u.getHost() == null || u.getHost().isEmpty()) throw new Refused("'url' has no host");
        if (u.getRawUserInfo() != null) throw new Refused("'url' must not carry a user or password; put a token in the path instead");
        if (u.getRawFragment() != null) throw new Refused("'url' must not have a #fragment");
        return u;
    }

    /** Resolves the URL's host now and refuses it unless every address is allowed. Blocks: never on an event loop. */
    void check(URI u) throws Refused {
        try {
            resolve(u.getHost());
        } catch (Refused r) {
            throw r;
        } catch (UnknownHostException e) {
            throw new Refused("the host '" + u.getHost() + "' does not resolve");
        }
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] all = InetAddress.getAllByName(h);
        if (!allowPrivate) {
            for (InetAddress a : all) {
                String why = forbidden(a);
                if (why != null) {
                    throw new Refused("the host '" + host + "' resolves to " + a.getHostAddress() + ", a " + why
                            + " address (allowed only with --webhooks-allow-private)");
                }
            }
        }
        return all;
    }

    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
        return SystemDefaultDnsResolver.INSTANCE.resolveCanonicalHostname(host);
    }

    /** Why an address may not be a webhook's target, or null when it is a public one. */
    static String forbidden(InetAddress a) {
        if (a.isAnyLocalAddress()) return "wildcard";
        if (a.isLoopbackAddress()) return "loopback";
        if (a.isLinkLocalAddress()) return "link-local (metadata)";
        if (a.isSiteLocalAddress()) return "private";
        if (a.isMulticastAddress()) return "multicast";
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) return forbiddenV4(b);
        if (a instanceof Inet6Address) {
            int first = b[0] & 0xff;
            if ((first & 0xfe) == 0xfc) return "private (unique local)";
            if (first == 0xfe && (b[1] & 0xc0) == 0xc0) return "private (site-local)";
            // Local-use NAT64 (64:ff9b:1::/48) may carry the IPv4 address anywhere in it: refused whole.
            if (first == 0 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && b[4] == 0 && b[5] == 1) {
                return "local NAT64 (reaches an IPv4 address)";
            }
            // IPv4 carried in IPv6: mapped (::ffff:a.b.c.d), compatible (::a.b.c.d), NAT64 (64:ff9b::/96).
            boolean zero10 = true;
            for (int i = 0; i < 10; i++) zero10 &= b[i] == 0;
            boolean mapped = zero10 && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
            boolean compatible = zero10 && b[10] == 0 && b[11] == 0;
            boolean nat64 = (b[0] & 0xff) == 0 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b;
            if (mapped || compatible || nat64) {
                String v4 = forbiddenV4(new byte[] {b[12], b[13], b[14], b[15]});
                return v4 == null && compatible ? "reserved" : v4;
            }
            if (first == 0x20 && (b[1] & 0xff) == 0x01 && b[2] == 0x0d && (b[3] & 0xff) == 0xb8) return "documentation";
            // Transition addresses reach an IPv4 host named inside them, which the checks above never see:
            // 6to4 (2002::/16), Teredo (2001::/32), IPv4-translated (::ffff:0:0/96).
            if (first == 0x20 && (b[1] & 0xff) == 0x02) return "6to4 (tunnels to an IPv4 address)";
            if (first == 0x20 && (b[1] & 0xff) == 0x01 && b[2] == 0 && b[3] == 0) return "Teredo (tunnels to an IPv4 address)";
            boolean zero8 = true;
            for (int i = 0; i < 8; i++) zero8 &= b[i] == 0;
            if (zero8 && (b[8] & 0xff) == 0xff && (b[9] & 0xff) == 0xff && b[10] == 0 && b[11] == 0) {
                return "IPv4-translated (reaches an IPv4 address)";
            }
            return null;
        }
        return "unknown";
    }

    private static String forbiddenV4(byte[] b) {
        int o0 = b[0] & 0xff;
        int o1 = b[1] & 0xff;
        int o2 = b[2] & 0xff;
        if (o0 == 0) return "reserved";
        if (o0 == 10 || (o0 == 172 && (o1 & 0xf0) == 16) || (o0 == 192 && o1 == 168)) return "private";
        if (o0 == 127) return "loopback";
        if (o0 == 169 && o1 == 254) return "link-local (metadata)";
        if (o0 == 100 && (o1 & 0xc0) == 64) return "shared (carrier-grade NAT)";
        if (o0 == 192 && o1 == 0 && o2 == 0) return "reserved";
        if (o0 == 198 && (o1 & 0xfe) == 18) return "benchmarking";
        if (o0 >= 224) return o0 < 240 ? "multicast" : "reserved";
        return null;
    }
}
