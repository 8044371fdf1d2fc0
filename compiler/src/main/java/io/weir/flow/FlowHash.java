package io.weir.flow;

import java.nio.ByteBuffer;

/**
 * Which task or worker a packet goes to ({@link FlowWorkers}, the Spark flows scan): a hash of the packet's
 * addresses, read by a small Java parse that follows the count program's link-layer rules ({@link FlowProgram}:
 * the same link types, at most two VLAN tags). It must send every packet of a flow to one worker, and only the addresses are sure to be the same on
 * every packet of a flow: non-first fragments carry no ports. So:
 * <ul>
 *   <li>5-tuple and host pair: the two addresses, symmetrically (A→B and B→A meet, bidirectional or not);</li>
 *   <li>src, dst: that address;</li>
 *   <li>port, proto, vlan: 0 (one worker: these keys are few, and a port is not on every fragment);</li>
 *   <li>a packet that is not IP, or whose addresses are not captured: 0 (the program counts it as not IP).</li>
 * </ul>
 */
public final class FlowHash {
    private FlowHash() {}

    /** Whether {@code by} spreads over several workers (else every packet goes to worker 0). */
    static boolean spreads(Aggregation by) {
        return by == Aggregation.FIVE_TUPLE || by == Aggregation.HOST_PAIR || by == Aggregation.SRC
                || by == Aggregation.DST;
    }

    /**
     * Which task or worker the packet at absolute index {@code off} of {@code p} ({@code capLen} bytes captured)
     * goes to: a non-negative hash, the same for every packet of a flow of {@code by}.
     */
    public static int of(ByteBuffer p, int off, int capLen, int linkType, Aggregation by) {
        if (!spreads(by)) {
            return 0;
        }
        int end = off + capLen;
        int l3;
        int version;   // 4, 6 or 0
        switch (linkType) {
            case 1, 113, 276 -> {
                int header = linkType == 1 ? 14 : linkType == 113 ? 16 : 20;
                int typeAt = linkType == 1 ? 12 : linkType == 113 ? 14 : 0;
                if (off + header > end) {
                    return 0;
                }
                int type = u16(p, off + typeAt);
                l3 = off + header;
                for (int tags = 0; tags < 2 && (type == 0x8100 || type == 0x88a8 || type == 0x9100); tags++) {
                    if (l3 + 4 > end) {
                        return 0;
                    }
                    type = u16(p, l3 + 2);
                    l3 += 4;
                }
                version = type == 0x0800 ? 4 : type == 0x86dd ? 6 : 0;
            }
            case 0, 108 -> {
                if (off + 4 > end) {
                    return 0;
                }
                int family = (p.get(off) & 0xff) | (p.get(off + 3) & 0xff);
                l3 = off + 4;
                version = family == 2 ? 4 : family == 24 || family == 28 || family == 30 ? 6 : 0;
            }
            default -> {
                if (off + 1 > end) {
                    return 0;
                }
                l3 = off;
                int v = (p.get(off) & 0xff) >>> 4;
                version = v == 4 || v == 6 ? v : 0;
            }
        }
        if (version == 4 && l3 + 20 <= end) {
            return mix(p.getInt(l3 + 12), p.getInt(l3 + 16), by);
        }
        if (version == 6 && l3 + 40 <= end) {
            int a = p.getInt(l3 + 8) ^ p.getInt(l3 + 12) * 31 ^ p.getInt(l3 + 16) * 961 ^ p.getInt(l3 + 20) * 29791;
            int b = p.getInt(l3 + 24) ^ p.getInt(l3 + 28) * 31 ^ p.getInt(l3 + 32) * 961 ^ p.getInt(l3 + 36) * 29791;
            return mix(a, b, by);
        }
        return 0;
    }

    private static int u16(ByteBuffer p, int at) {
        return (p.get(at) & 0xff) << 8 | (p.get(at + 1) & 0xff);
    }

    /** The source, the destination, or a symmetric mix of both, finalised so that the low bits spread. */
    private static int mix(int src, int dst, Aggregation by) {
        long x = switch (by) {
            case SRC -> src;
            case DST -> dst;
            default -> (long) Math.min(src, dst) << 32 | (Math.max(src, dst) & 0xffffffffL);
        };
        x *= 0x9E3779B97F4A7C15L;
        return (int) (x ^ x >>> 32) & 0x7fffffff;
    }
}
