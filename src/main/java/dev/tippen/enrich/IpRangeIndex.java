package dev.tippen.enrich;

import java.util.Arrays;

/**
 * Address ranges flattened into sorted, non-overlapping segments: a lookup is one binary search over
 * primitive arrays, with no allocation. IPv4 and IPv6 are kept apart; IPv4 keys fit in the low half,
 * so the IPv4 side needs no high words at all.
 *
 * <p>Segment {@code i} starts at {@code start[i]} and runs to the next segment's start; a value index of
 * {@code -1} marks a gap, where no range said anything.
 */
public final class IpRangeIndex<T> {
    private final Side v4;
    private final Side v6;
    private final T[] values;

    IpRangeIndex(Side v4, Side v6, T[] values) {
        this.v4 = v4;
        this.v6 = v6;
        this.values = values;
    }

    /** The value for a 4- or 16-byte address, or null. An IPv4-mapped IPv6 address is read as IPv4. */
    public T find(byte[] address) {
        if (address.length == 4) return at(v4.find(0, IpAddresses.low(address, 0)));
        if (IpAddresses.isV4Mapped(address)) return at(v4.find(0, IpAddresses.low(address, 12)));
        return at(v6.find(IpAddresses.high(address), IpAddresses.low(address, 8)));
    }

    private T at(int valueIndex) {
        return valueIndex < 0 ? null : values[valueIndex];
    }

    /** One address family's segments; {@code hi} is null where every key's high word is zero. */
    record Side(long[] hi, long[] lo, int[] value) {
        static final Side EMPTY = new Side(null, new long[0], new int[0]);

        int find(long keyHi, long keyLo) {
            int low = 0;
            int high = lo.length - 1;
            int found = -1;
            while (low <= high) {
                int mid = (low + high) >>> 1;
                if (compare(hi == null ? 0 : hi[mid], lo[mid], keyHi, keyLo) <= 0) {
                    found = mid;
                    low = mid + 1;
                } else {
                    high = mid - 1;
                }
            }
            return found < 0 ? -1 : value[found];
        }

        static int compare(long aHi, long aLo, long bHi, long bLo) {
            int c = Long.compareUnsigned(aHi, bHi);
            return c != 0 ? c : Long.compareUnsigned(aLo, bLo);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Side s && Arrays.equals(hi, s.hi) && Arrays.equals(lo, s.lo) && Arrays.equals(value, s.value);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(lo);
        }

        @Override
        public String toString() {
            return "Side[" + lo.length + " segments]";
        }
    }
}
