package dev.tippen.config;

import io.netty.util.NetUtil;
import java.net.InetAddress;

/** An IPv4 or IPv6 network such as {@code 10.0.0.0/8} or {@code ::1/128}; a bare address means one host. */
public record Cidr(byte[] network, int prefixLength, String text) {

    public static Cidr parse(String text) {
        String t = text.trim();
        int slash = t.indexOf('/');
        String addr = slash < 0 ? t : t.substring(0, slash);
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(addr);
        if (bytes == null) {
            throw new IllegalArgumentException("'" + text + "' is not an IP network (e.g. 10.0.0.0/8, ::1/128)");
        }
        int max = bytes.length * 8;
        int prefix = max;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(t.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > max) {
                throw new IllegalArgumentException("'" + text + "': prefix length must be 0.." + max);
            }
        }
        return new Cidr(mask(bytes, prefix), prefix, t);
    }

    public boolean contains(InetAddress address) {
        return address != null && contains(address.getAddress());
    }

    public boolean contains(byte[] address) {
        byte[] a = normalise(address, network.length);
        if (a == null) return false;
        byte[] masked = mask(a, prefixLength);
        return java.util.Arrays.equals(masked, network);
    }

    /** Lets an IPv4 network match an IPv4-mapped IPv6 address (::ffff:a.b.c.d), which dual-stack sockets report. */
    private static byte[] normalise(byte[] a, int wanted) {
        if (a.length == wanted) return a;
        if (wanted == 4 && a.length == 16) {
            for (int i = 0; i < 10; i++) if (a[i] != 0) return null;
            if (a[10] != (byte) 0xff || a[11] != (byte) 0xff) return null;
            return java.util.Arrays.copyOfRange(a, 12, 16);
        }
        return null;
    }

    private static byte[] mask(byte[] bytes, int prefix) {
        byte[] out = bytes.clone();
        for (int i = 0; i < out.length; i++) {
            int bitsHere = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] &= (byte) (0xff << (8 - bitsHere));
        }
        return out;
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefixLength == prefixLength && java.util.Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(network) * 31 + prefixLength;
    }
}
