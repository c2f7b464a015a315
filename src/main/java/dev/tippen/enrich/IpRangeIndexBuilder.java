package dev.tippen.enrich;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects inclusive address ranges, in any order, and flattens them into an {@link IpRangeIndex}.
 *
 * <p>Overlaps are settled so that the most specific answer wins: where one range lies inside another,
 * the inner one answers for its addresses and the outer one again after it ends; where two ranges cross,
 * the one that starts later answers from its start to its end; between identical ranges the one added
 * first wins (files are added in the order the operator listed them). Equal values are shared, so a
 * dataset that names one organisation 5,000 times holds its name once.
 */
public final class IpRangeIndexBuilder<T> {
    private final Map<T, Integer> ids = new HashMap<>();
    private final List<T> values = new ArrayList<>();
    private final Ranges v4 = new Ranges(false);
    private final Ranges v6 = new Ranges(true);

    /** Adds {@code start..end} inclusive; both bounds must be of one family and in order. */
    public void add(byte[] start, byte[] end, T value) {
        if (start.length != end.length) throw new IllegalArgumentException("range mixes IPv4 and IPv6");
        boolean six = start.length == 16 && !IpAddresses.isV4Mapped(start);
        long sHi = six ? IpAddresses.high(start) : 0;
        long sLo = six ? IpAddresses.low(start, 8) : IpAddresses.low(start, start.length - 4);
        long eHi = six ? IpAddresses.high(end) : 0;
        long eLo = six ? IpAddresses.low(end, 8) : IpAddresses.low(end, end.length - 4);
        if (IpRangeIndex.Side.compare(sHi, sLo, eHi, eLo) > 0) throw new IllegalArgumentException("range starts after it ends");
        Integer id = ids.computeIfAbsent(value, v -> {
            values.add(v);
            return values.size() - 1;
        });
        (six ? v6 : v4).add(sHi, sLo, eHi, eLo, id);
    }

    public int ranges() {
        return v4.n + v6.n;
    }

    @SuppressWarnings("unchecked")
    public IpRangeIndex<T> build() {
        return new IpRangeIndex<>(v4.flatten(), v6.flatten(), (T[]) values.toArray());
    }

    /** One family's ranges, in growable primitive arrays: half a million rows must not become objects. */
    private static final class Ranges {
        private final boolean six;
        long[] sHi = new long[1024], sLo = new long[1024], eHi = new long[1024], eLo = new long[1024];
        int[] val = new int[1024];
        int n;

        // Output segments.
        long[] oHi = new long[0], oLo = new long[0];
        int[] oVal = new int[0];
        int m;

        Ranges(boolean six) {
            this.six = six;
        }

        void add(long a, long b, long c, long d, int v) {
            if (n == val.length) {
                int cap = n * 2;
                sHi = Arrays.copyOf(sHi, cap);
                sLo = Arrays.copyOf(sLo, cap);
                eHi = Arrays.copyOf(eHi, cap);
                eLo = Arrays.copyOf(eLo, cap);
                val = Arrays.copyOf(val, cap);
            }
            sHi[n] = a;
            sLo[n] = b;
            eHi[n] = c;
            eLo[n] = d;
            val[n] = v;
            n++;
        }

        IpRangeIndex.Side flatten() {
            if (n == 0) return IpRangeIndex.Side.EMPTY;
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) order[i] = i;
            // Start ascending; at one start the wider range first, so the narrower sits on top of it;
            // identical ranges latest first, so the first one added ends on top and wins.
            Arrays.sort(order, (x, y) -> {
                int c = IpRangeIndex.Side.compare(sHi[x], sLo[x], sHi[y], sLo[y]);
                if (c != 0) return c;
                c = IpRangeIndex.Side.compare(eHi[y], eLo[y], eHi[x], eLo[x]);
                return c != 0 ? c : Integer.compare(y, x);
            });
            oHi = new long[n + 16];
            oLo = new long[n + 16];
            oVal = new int[n + 16];
            int[] stack = new int[16];
            int top = 0;
            for (int i : order) {
                // Close every open range that ends before this one starts.
                while (top > 0 && IpRangeIndex.Side.compare(eHi[stack[top - 1]], eLo[stack[top - 1]], sHi[i], sLo[i]) < 0) {
                    top = close(stack, top);
                }
                if (top == stack.length) stack = Arrays.copyOf(stack, top * 2);
                stack[top++] = i;
                emit(sHi[i], sLo[i], val[i]);
            }
            while (top > 0) top = close(stack, top);
            long[] lo = Arrays.copyOf(oLo, m);
            long[] hi = six ? Arrays.copyOf(oHi, m) : null;
            int[] v = Arrays.copyOf(oVal, m);
            oHi = oLo = null;
            oVal = null;
            return new IpRangeIndex.Side(hi, lo, v);
        }

        /** Pops the top range and hands its remaining addresses to whatever is still open beneath it. */
        private int close(int[] stack, int top) {
            int t = stack[--top];
            // Ranges beneath that end within t are already over.
            while (top > 0 && IpRangeIndex.Side.compare(eHi[stack[top - 1]], eLo[stack[top - 1]], eHi[t], eLo[t]) <= 0) top--;
            if (eHi[t] == -1L && eLo[t] == -1L) return top; // the last address there is
            long nextLo = eLo[t] + 1;
            long nextHi = nextLo == 0 ? eHi[t] + 1 : eHi[t];
            emit(nextHi, nextLo, top == 0 ? -1 : val[stack[top - 1]]);
            return top;
        }

        private void emit(long hi, long lo, int v) {
            if (m > 0 && oHi[m - 1] == hi && oLo[m - 1] == lo) {
                oVal[m - 1] = v; // a range starting right where the last one ended takes the spot
                if (m > 1 && oVal[m - 2] == v) m--;
                return;
            }
            if (m > 0 && oVal[m - 1] == v) return;
            if (m == oVal.length) {
                int cap = m * 2;
                oHi = Arrays.copyOf(oHi, cap);
                oLo = Arrays.copyOf(oLo, cap);
                oVal = Arrays.copyOf(oVal, cap);
            }
            oHi[m] = hi;
            oLo[m] = lo;
            oVal[m] = v;
            m++;
        }
    }
}
