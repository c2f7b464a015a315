package dev.tippen.enrich;

import io.netty.util.NetUtil;
import java.math.BigInteger;

/** IP literals as bytes and as the two 64-bit words the range index compares. Never resolves a name. */
public final class IpAddresses {
    private IpAddresses() {}

    /** The address's 4 or 16 bytes, or null when the text is not an IP literal. */
    public static byte[] parse(String text) {
        if (text == null) return null;
        String t = text.trim();
        if (t.startsWith("[") && t.endsWith("]")) t = t.substring(1, t.length() - 1);
        return NetUtil.createByteArrayFromIpAddressString(t);
    }

    /**
     * The network an address is shown as when addresses are anonymised: the /24 for IPv4, the /48 for
     * IPv6. Text that is not an IP literal is returned unchanged.
     */
    public static String anonymize(String ip) {
        byte[] b = parse(ip);
        if (b == null) return ip;
        if (b.length == 16 && isV4Mapped(b)) b = java.util.Arrays.copyOfRange(b, 12, 16);
        int keep = b.length == 4 ? 3 : 6;
        for (int i = keep; i < b.length; i++) b[i] = 0;
        return NetUtil.bytesToIpAddress(b);
    }

    /**
     * Whether an address can belong to someone on the internet: not private, loopback, link-local,
     * carrier-grade NAT, documentation, benchmarking, unique-local, multicast or unspecified. No
     * database or provider is asked about the others: their answers would be someone else's.
     */
    public static boolean isPublic(String ip) {
        byte[] a = parse(ip);
        if (a == null) return false;
        if (isV4Mapped(a)) a = java.util.Arrays.copyOfRange(a, 12, 16);
        if (a.length == 4) {
            int b0 = a[0] & 0xff;
            int b1 = a[1] & 0xff;
            int b2 = a[2] & 0xff;
            return !(b0 == 0 || b0 == 10 || b0 == 127 || b0 >= 224
                    || (b0 == 100 && b1 >= 64 && b1 <= 127)
                    || (b0 == 169 && b1 == 254)
                    || (b0 == 172 && b1 >= 16 && b1 <= 31)
                    || (b0 == 192 && b1 == 168)
                    || (b0 == 192 && b1 == 0 && (b2 == 0 || b2 == 2))
                    || (b0 == 198 && (b1 == 18 || b1 == 19))
                    || (b0 == 198 && b1 == 51 && b2 == 100)
                    || (b0 == 203 && b1 == 0 && b2 == 113));
        }
        int b0 = a[0] & 0xff;
        int b1 = a[1] & 0xff;
        int b2 = a[2] & 0xff;
        int b3 = a[3] & 0xff;
        boolean documentation = b0 == 0x20 && b1 == 0x01 && b2 == 0x0d && b3 == 0xb8;
        return !((b0 & 0xfe) == 0xfc || b0 == 0xff || (b0 == 0xfe && (b1 & 0xc0) == 0x80) || low(a, 0) == 0 || documentation);
    }

    static boolean isV4Mapped(byte[] a) {
        if (a.length != 16) return false;
        for (int i = 0; i < 10; i++) if (a[i] != 0) return false;
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }

    /** Bytes {@code from..} up to 8 of them, big-endian, as an unsigned long (4 bytes for IPv4). */
    static long low(byte[] a, int from) {
        long v = 0;
        for (int i = from; i < a.length && i < from + 8; i++) v = (v << 8) | (a[i] & 0xff);
        return v;
    }

    static long high(byte[] a) {
        return low(a, 0);
    }

    /** A range bound as written in a CSV: an IP literal, or a decimal number as in the "-num" files. */
    static byte[] bound(String text, boolean v6Hint) {
        byte[] b = parse(text);
        if (b != null) return b;
        String t = text.trim();
        if (t.isEmpty() || !t.chars().allMatch(Character::isDigit)) return null;
        BigInteger n = new BigInteger(t);
        int size = v6Hint || n.bitLength() > 32 ? 16 : 4;
        if (n.bitLength() > size * 8) return null;
        byte[] raw = n.toByteArray();
        byte[] out = new byte[size];
        int copy = Math.min(raw.length, size);
        System.arraycopy(raw, raw.length - copy, out, size - copy, copy);
        return out;
    }
}
