package dev.tippen.http;

import dev.tippen.config.Cidr;
import dev.tippen.config.TippenConfig;
import io.netty.util.NetUtil;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;

/**
 * Which address a request came from. The socket peer is the truth, unless the peer is a proxy we
 * were told to trust; only then does one header count, the one the proxy was configured to set:
 * X-Forwarded-For by default, read from the right (where our own proxies appended) to the first
 * address that is not one of them; or a header that names the client alone, such as Cloudflare's
 * CF-Connecting-IP, when the operator says so. Any other header a client sends is ignored, so no
 * client behind the proxy picks its own address.
 */
public final class ClientAddress {
    private final List<Cidr> trusted;
    private final String header;
    private final boolean forwardedFor;
    private final int ipv6LimitPrefix;

    public ClientAddress(List<Cidr> trusted) {
        this(trusted, TippenConfig.X_FORWARDED_FOR, 64);
    }

    public ClientAddress(List<Cidr> trusted, String header, int ipv6LimitPrefix) {
        this.trusted = List.copyOf(trusted);
        this.header = header;
        this.forwardedFor = header.equalsIgnoreCase(TippenConfig.X_FORWARDED_FOR);
        this.ipv6LimitPrefix = ipv6LimitPrefix;
    }

    public String of(HttpServerRequest request) {
        String peer = request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
        if (peer == null) return "unknown";
        if (trusted.isEmpty() || !isTrusted(peer)) return peer;
        String value = request.getHeader(header);
        if (value == null) return peer;
        if (!forwardedFor) {
            String client = literal(value);
            return client != null ? client : peer;
        }
        String[] hops = value.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = literal(hops[i]);
            if (hop == null) break;
            if (!isTrusted(hop)) return hop;
        }
        return peer;
    }

    /** True when the request came over TLS, or from a trusted proxy that says the client used https. */
    public boolean https(HttpServerRequest request) {
        if (request.isSSL()) return true;
        String peer = request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
        if (peer == null || trusted.isEmpty() || !isTrusted(peer)) return false;
        String proto = request.getHeader("X-Forwarded-Proto");
        return proto != null && proto.trim().equalsIgnoreCase("https");
    }

    /**
     * The subject per-address limits count against: an IPv4 address as it is, an IPv6 address by its
     * network (a /64 by default), since one household or server holds a whole /64 and could otherwise
     * take a fresh limit for every address in it.
     */
    public String limitKey(String ip) {
        byte[] b = NetUtil.createByteArrayFromIpAddressString(ip);
        if (b == null || b.length != 16 || ipv6LimitPrefix >= 128) return ip;
        for (int bit = ipv6LimitPrefix; bit < 128; bit++) b[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        return NetUtil.bytesToIpAddress(b) + "/" + ipv6LimitPrefix;
    }

    /** The scheme the client used: https over TLS or when a trusted proxy says so, else http. */
    public String scheme(HttpServerRequest request) {
        return https(request) ? "https" : "http";
    }

    /** Whether a peer address is one of the trusted proxies (whose connections carry many clients). */
    public boolean trustedProxy(String ip) {
        return !trusted.isEmpty() && isTrusted(ip);
    }

    private boolean isTrusted(String ip) {
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(ip);
        if (bytes == null) return false;
        for (Cidr c : trusted) if (c.contains(bytes)) return true;
        return false;
    }

    /** An IP literal, or null: a header value is never resolved as a host name. */
    private static String literal(String value) {
        if (value == null) return null;
        String v = value.trim();
        if (v.startsWith("[") && v.endsWith("]")) v = v.substring(1, v.length() - 1);
        return NetUtil.isValidIpV4Address(v) || NetUtil.isValidIpV6Address(v) ? v : null;
    }
}
