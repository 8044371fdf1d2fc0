package io.weir.flow;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Comparator;

/**
 * One flow as read from the flow map: its key (originator first) and its counters per direction. Addresses are
 * 4 bytes (IPv4), 16 (IPv6) or empty when the aggregation leaves them out; ports are ICMP type and mapped code
 * for ICMP. Times are nanoseconds (the capture's timestamps).
 *
 * @param family      4, 6, or 0 when the key has no addresses
 * @param proto       the IP protocol (0 when the aggregation leaves it out)
 * @param vlan        the outer VLAN id (0 when untagged or left out)
 * @param origAddr    the originator's address
 * @param origPort    the originator's port
 * @param respAddr    the responder's address
 * @param respPort    the responder's port
 * @param origPkts    packets from the originator
 * @param respPkts    packets from the responder
 * @param origIpBytes IP bytes from the originator (IPv4 total length, IPv6 payload length + 40)
 * @param respIpBytes IP bytes from the responder
 * @param origWire    wire bytes (frame lengths) from the originator
 * @param respWire    wire bytes from the responder
 * @param origFlags   TCP flags seen from the originator, OR-ed
 * @param respFlags   TCP flags seen from the responder, OR-ed
 * @param firstNanos  time of the first packet
 * @param lastNanos   time of the last packet
 */
public record FlowRecord(int family, int proto, int vlan, byte[] origAddr, int origPort, byte[] respAddr,
        int respPort, long origPkts, long respPkts, long origIpBytes, long respIpBytes, long origWire,
        long respWire, int origFlags, int respFlags, long firstNanos, long lastNanos) {

    /** How {@code --sort} orders flows, largest first. */
    public enum Order {
        /** Packets both ways. */
        PACKETS("packets"),
        /** IP bytes both ways. */
        BYTES("bytes"),
        /** Last minus first timestamp. */
        DURATION("duration"),
        /** IP bytes per second over the flow's duration (0 for a single instant). */
        RATE("rate");

        private final String label;

        Order(String label) {
            this.label = label;
        }

        /** The name {@code --sort} takes. */
        public String label() {
            return label;
        }

        /** Largest first; ties by the earlier first packet, then by the originator's address and port. */
        public Comparator<FlowRecord> comparator() {
            Comparator<FlowRecord> c = switch (this) {
                case PACKETS -> Comparator.comparingLong(FlowRecord::packets);
                case BYTES -> Comparator.comparingLong(FlowRecord::ipBytes);
                case DURATION -> Comparator.comparingLong(FlowRecord::durationNanos);
                case RATE -> Comparator.comparingDouble(FlowRecord::rate);
            };
            return c.reversed().thenComparingLong(FlowRecord::firstNanos).thenComparing(FlowRecord::id);
        }

        /** The order named {@code name}. */
        public static Order fromLabel(String name) {
            for (Order o : values()) {
                if (o.label.equals(name)) {
                    return o;
                }
            }
            throw new IllegalArgumentException("unknown sort '" + name + "' (packets, bytes, duration, rate)");
        }
    }

    /** Packets both ways. */
    public long packets() {
        return origPkts + respPkts;
    }

    /** IP bytes both ways. */
    public long ipBytes() {
        return origIpBytes + respIpBytes;
    }

    /** Wire bytes both ways. */
    public long wireBytes() {
        return origWire + respWire;
    }

    /** TCP flags of both directions. */
    public int tcpFlags() {
        return origFlags | respFlags;
    }

    /** Last minus first packet time. */
    public long durationNanos() {
        return lastNanos - firstNanos;
    }

    /** IP bytes per second, 0 when the flow lasted no time. */
    public double rate() {
        long d = durationNanos();
        return d <= 0 ? 0 : ipBytes() * 1e9 / d;
    }

    /** The originator's address as text ("" when absent). */
    public String origHost() {
        return host(origAddr);
    }

    /** The responder's address as text ("" when absent). */
    public String respHost() {
        return host(respAddr);
    }

    /** Whether the protocol has ports (or ICMP type/code) in the key. */
    public boolean hasPorts() {
        return proto == 6 || proto == 17 || proto == 132 || proto == 136 || proto == 1 || proto == 58;
    }

    /** Zeek's {@code proto} column: tcp, udp, icmp (ICMPv6 too), or the protocol number. */
    public String protoName() {
        return switch (proto) {
            case 6 -> "tcp";
            case 17 -> "udp";
            case 1, 58 -> "icmp";
            case 132 -> "sctp";
            default -> Integer.toString(proto);
        };
    }

    /** TCP flags as tcpdump's letters (F S R P . U E W), empty when none. */
    public static String flagLetters(int flags) {
        StringBuilder s = new StringBuilder();
        String letters = "FSRP.UEW";
        for (int bit = 0; bit < 8; bit++) {
            if ((flags & (1 << bit)) != 0) {
                s.append(letters.charAt(bit));
            }
        }
        return s.toString();
    }

    /** The Community ID v1 of this flow with seed 0, or "" when it has no addresses. */
    public String communityId() {
        if (origAddr.length == 0 || respAddr.length != origAddr.length) {
            return "";
        }
        boolean ports = proto == 6 || proto == 17 || proto == 132 || proto == 1 || proto == 58;
        return CommunityId.v1(0, origAddr, respAddr, proto, ports ? origPort : -1, ports ? respPort : -1);
    }

    /** A stable text identity (for tie-breaking and messages). */
    public String id() {
        return family + "/" + proto + "/" + vlan + "/" + origHost() + ":" + origPort + "/" + respHost() + ":"
                + respPort;
    }

    private static String host(byte[] addr) {
        if (addr.length == 0) {
            return "";
        }
        try {
            String s = InetAddress.getByAddress(addr).getHostAddress();
            return addr.length == 16 ? compressV6(s) : s;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Java prints IPv6 uncompressed ("0:0:0:0:0:0:0:1"); tools print RFC 5952 ("::1"). */
    private static String compressV6(String full) {
        String[] g = full.split(":");
        int bestAt = -1;
        int bestLen = 1;
        for (int i = 0; i < g.length; ) {
            int j = i;
            while (j < g.length && g[j].equals("0")) {
                j++;
            }
            if (j - i > bestLen) {
                bestAt = i;
                bestLen = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        if (bestAt < 0) {
            return full;
        }
        String head = String.join(":", java.util.Arrays.copyOfRange(g, 0, bestAt));
        String tail = String.join(":", java.util.Arrays.copyOfRange(g, bestAt + bestLen, g.length));
        return head + "::" + tail;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FlowRecord r && id().equals(r.id()) && origPkts == r.origPkts && respPkts == r.respPkts
                && origIpBytes == r.origIpBytes && respIpBytes == r.respIpBytes && origWire == r.origWire
                && respWire == r.respWire && origFlags == r.origFlags && respFlags == r.respFlags
                && firstNanos == r.firstNanos && lastNanos == r.lastNanos;
    }

    @Override
    public int hashCode() {
        return id().hashCode();
    }

    @Override
    public String toString() {
        return id() + " pkts " + origPkts + "/" + respPkts + " ip " + origIpBytes + "/" + respIpBytes + " wire "
                + origWire + "/" + respWire + " flags " + origFlags + "/" + respFlags + " t " + firstNanos + ".."
                + lastNanos;
    }
}
