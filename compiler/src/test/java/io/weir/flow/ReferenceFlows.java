package io.weir.flow;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An independent flow counter in plain Java, written apart from the eBPF program: it parses each packet with
 * ordinary array indexing and keeps flows in a {@link HashMap}. Tests compare its records with the table's.
 * It follows the documented attribution rules (outer VLAN, six IPv6 extension headers, fragments by the first
 * fragment's ports, ICMP type and Community ID mapped code), not the program's code.
 */
final class ReferenceFlows {
    private final int linkType;
    private final Aggregation by;
    private final boolean bidi;
    private final Map<String, long[]> flows = new LinkedHashMap<>();
    private final Map<String, FlowRecordParts> parts = new HashMap<>();
    private final Map<String, int[]> fragPorts = new HashMap<>();
    long notIp;

    private record FlowRecordParts(int family, int proto, int vlan, byte[] a, int pa, byte[] b, int pb) {}

    ReferenceFlows(int linkType, Aggregation by, boolean bidi) {
        this.linkType = linkType;
        this.by = by;
        this.bidi = bidi;
    }

    private static int u8(byte[] p, int i) {
        return p[i] & 0xff;
    }

    private static int u16(byte[] p, int i) {
        return (p[i] & 0xff) << 8 | (p[i + 1] & 0xff);
    }

    /** Counts one matched packet (the caller applies the filter). */
    void add(byte[] p, int wireLen, long t) {
        int n = p.length;
        int off;
        int type;
        int vlan = 0;
        switch (linkType) {
            case 1, 113, 276 -> {
                int hl = linkType == 1 ? 14 : linkType == 113 ? 16 : 20;
                if (n < hl) {
                    notIp++;
                    return;
                }
                type = u16(p, linkType == 1 ? 12 : linkType == 113 ? 14 : 0);
                off = hl;
                for (int tags = 0; tags < 2 && (type == 0x8100 || type == 0x88a8 || type == 0x9100); tags++) {
                    if (off + 4 > n) {
                        notIp++;
                        return;
                    }
                    if (tags == 0) {
                        vlan = u16(p, off) & 0xfff;
                    }
                    type = u16(p, off + 2);
                    off += 4;
                }
            }
            case 0, 108 -> {
                if (n < 4) {
                    notIp++;
                    return;
                }
                int fam = u8(p, 0) | u8(p, 3);
                type = fam == 2 ? 0x800 : (fam == 24 || fam == 28 || fam == 30) ? 0x86dd : -1;
                off = 4;
            }
            default -> {
                if (n < 1) {
                    notIp++;
                    return;
                }
                int v = u8(p, 0) >> 4;
                type = v == 4 ? 0x800 : v == 6 ? 0x86dd : -1;
                off = 0;
            }
        }
        int family;
        int proto;
        long ipBytes;
        byte[] src;
        byte[] dst;
        int fragState = 0;
        long fragId = 0;
        if (type == 0x800) {
            if (off + 20 > n || (u8(p, off) & 0xf) * 4 < 20) {
                notIp++;
                return;
            }
            family = 4;
            ipBytes = u16(p, off + 2);
            src = Arrays.copyOfRange(p, off + 12, off + 16);
            dst = Arrays.copyOfRange(p, off + 16, off + 20);
            proto = u8(p, off + 9);
            fragId = u16(p, off + 4);
            int fo = u16(p, off + 6);
            fragState = (fo & 0x1fff) != 0 ? 2 : (fo & 0x2000) != 0 ? 1 : 0;
            off += (u8(p, off) & 0xf) * 4;
        } else if (type == 0x86dd) {
            if (off + 40 > n) {
                notIp++;
                return;
            }
            family = 6;
            ipBytes = u16(p, off + 4) + 40L;
            src = Arrays.copyOfRange(p, off + 8, off + 24);
            dst = Arrays.copyOfRange(p, off + 24, off + 40);
            int nh = u8(p, off + 6);
            off += 40;
            boolean stopped = false;
            for (int round = 0; round < FlowProgram.IPV6_EXT_ROUNDS && !stopped; round++) {
                if (nh == 0 || nh == 43 || nh == 60 || nh == 135 || nh == 51) {
                    if (off + 2 > n) {
                        stopped = true;
                        break;
                    }
                    int len = nh == 51 ? (u8(p, off + 1) + 2) * 4 : (u8(p, off + 1) + 1) * 8;
                    nh = u8(p, off);
                    off += len;
                } else if (nh == 44) {
                    if (off + 8 > n) {
                        stopped = true;
                        break;
                    }
                    fragId = ((long) u16(p, off + 4) << 16) | u16(p, off + 6);
                    int fo = u16(p, off + 2);
                    fragState = (fo & 0xfff8) != 0 ? 2 : (fo & 1) != 0 ? 1 : fragState;
                    nh = u8(p, off);
                    off += 8;
                } else {
                    break;
                }
                if (off > 4096) {
                    stopped = true;
                }
            }
            proto = nh;
            if (stopped) {
                off = Integer.MAX_VALUE / 2;   // no transport header
            }
        } else {
            notIp++;
            return;
        }
        int sport = 0;
        int dport = 0;
        int flags = 0;
        if (fragState != 2 && off <= n) {
            if (proto == 6 && off + 14 <= n) {
                flags = u8(p, off + 13);
            }
            if ((proto == 6 || proto == 17 || proto == 132 || proto == 136) && off + 4 <= n) {
                sport = u16(p, off);
                dport = u16(p, off + 2);
            } else if ((proto == 1 || proto == 58) && off + 2 <= n) {
                sport = u8(p, off);
                dport = icmpCounterpart(proto, sport, u8(p, off + 1));
            }
        }
        String fk = family + "/" + proto + "/" + Arrays.toString(src) + Arrays.toString(dst) + "/" + fragId;
        if (fragState == 1) {
            fragPorts.put(fk, new int[] {sport, dport});
        } else if (fragState == 2 && fragPorts.containsKey(fk)) {
            sport = fragPorts.get(fk)[0];
            dport = fragPorts.get(fk)[1];
        }
        FlowRecordParts k;
        byte[] none = new byte[0];
        switch (by) {
            case FIVE_TUPLE -> k = new FlowRecordParts(family, proto, vlan, src, sport, dst, dport);
            case HOST_PAIR -> k = new FlowRecordParts(family, 0, 0, src, 0, dst, 0);
            case SRC -> k = new FlowRecordParts(family, 0, 0, src, 0, none, 0);
            case DST -> k = new FlowRecordParts(family, 0, 0, dst, 0, none, 0);
            case PORT -> k = new FlowRecordParts(0, proto, 0, none, Math.min(sport, dport), none, 0);
            case PROTO -> k = new FlowRecordParts(0, proto, 0, none, 0, none, 0);
            default -> k = new FlowRecordParts(0, 0, vlan, none, 0, none, 0);
        }
        String fwd = endpoint(k.a, k.pa) + ">" + endpoint(k.b, k.pb);
        String rev = endpoint(k.b, k.pb) + ">" + endpoint(k.a, k.pa);
        String prefix = k.family + "/" + k.proto + "/" + k.vlan + "/";
        int dir = 0;
        String id = prefix + fwd;
        if (bidi && by.hasDirections() && !flows.containsKey(id) && flows.containsKey(prefix + rev)) {
            id = prefix + rev;
            dir = 1;
        }
        long[] c = flows.get(id);
        if (c == null) {
            c = new long[] {0, 0, 0, 0, 0, 0, 0, 0, t, t};
            flows.put(id, c);
            parts.put(id, k);
        }
        c[dir]++;
        c[2 + dir] += ipBytes;
        c[4 + dir] += wireLen;
        c[6 + dir] |= flags;
        c[8] = Math.min(c[8], t);
        c[9] = Math.max(c[9], t);
    }

    private static String endpoint(byte[] a, int port) {
        return Arrays.toString(a) + ":" + port;
    }

    private static int icmpCounterpart(int proto, int type, int code) {
        int[] pairs = proto == 1 ? new int[] {8, 0, 0, 8, 13, 14, 14, 13, 15, 16, 16, 15, 10, 9, 9, 10, 17, 18, 18, 17}
                : new int[] {128, 129, 129, 128, 133, 134, 134, 133, 135, 136, 136, 135, 130, 131, 131, 130, 144, 145,
                    145, 144};
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i] == type) {
                return pairs[i + 1];
            }
        }
        return code;
    }

    /** The flows as records (the originator is the first packet's sender). */
    List<FlowRecord> records() {
        return flows.entrySet().stream().map(e -> {
            FlowRecordParts k = parts.get(e.getKey());
            long[] c = e.getValue();
            return new FlowRecord(k.family, k.proto, k.vlan, k.a, k.pa, k.b, k.pb, c[0], c[1], c[2], c[3], c[4], c[5],
                    (int) c[6], (int) c[7], c[8], c[9]);
        }).toList();
    }
}
