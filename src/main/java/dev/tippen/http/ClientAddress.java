package dev.tippen.http;

import dev.tippen.config.Cidr;
import io.netty.util.NetUtil;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;

/**
 * Which address a request came from. The socket peer is the truth, unless the peer is a proxy we
 * were told to trust; only then do CF-Connecting-IP and X-Forwarded-For count, and X-Forwarded-For is
 * read from the right, where our own proxies appended, to the first address that is not one of them.
 */
public final class ClientAddress {
    private final List<Cidr> trusted;

    public ClientAddress(List<Cidr> trusted) {
        this.trusted = List.copyOf(trusted);
    }

    public String of(HttpServerRequest request) {
        String peer = request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
        if (peer == null) return "unknown";
        if (trusted.isEmpty() || !isTrusted(peer)) return peer;
        String cf = literal(request.getHeader("CF-Connecting-IP"));
        if (cf != null) return cf;
        String xff = request.getHeader("X-Forwarded-For");
        if (xff != null) {
            String[] hops = xff.split(",");
            for (int i = hops.length - 1; i >= 0; i--) {
                String hop = literal(hops[i]);
                if (hop == null) break;
                if (!isTrusted(hop)) return hop;
            }
        }
        return peer;
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
