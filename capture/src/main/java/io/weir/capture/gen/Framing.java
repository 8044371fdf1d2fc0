package io.weir.capture.gen;

import io.weir.capture.LinkType;

/**
 * Link-layer framings of generated traffic: Ethernet (with 802.1Q and QinQ tags, padded to 60 bytes), Linux
 * cooked v1 and v2, raw IP (LINKTYPE_RAW, 101) and BSD loopback (NULL, 0). The framings without Ethernet
 * (cooked, raw, loopback) drop VLAN tags as a Linux capture would; raw and loopback cannot carry ARP, so such
 * packets are not representable there.
 */
public final class Framing {
    private Framing() {}

    /** Longest frame {@link #encode} can produce. */
    public static final int MAX_FRAME = GeneratedPacket.MAX_L3 + 64;

    /** BSD's AF_INET, and Darwin's AF_INET6 (tcpdump also accepts the BSDs' 24 and 28). */
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 30;

    /** The LINKTYPE values {@link #encode} supports. */
    public static boolean supports(int linkType) {
        return linkType == LinkType.ETHERNET || linkType == LinkType.LINUX_SLL || linkType == LinkType.LINUX_SLL2
                || linkType == LinkType.RAW || linkType == LinkType.NULL;
    }

    /**
     * Writes {@code p} framed for {@code linkType} into {@code out} (at least {@link #MAX_FRAME} bytes) and
     * returns the frame's length, or -1 when the link type cannot carry the packet (ARP on raw or loopback).
     */
    public static int encode(GeneratedPacket p, int linkType, byte[] out) {
        int o;
        switch (linkType) {
            case LinkType.ETHERNET: {
                System.arraycopy(p.dstMac, 0, out, 0, 6);
                System.arraycopy(p.srcMac, 0, out, 6, 6);
                o = 12;
                for (int i = 0; i < p.vlanCount; i++) {
                    o = u16(out, o, p.vlanTpid[i]);
                    o = u16(out, o, p.vlanTci[i]);
                }
                o = u16(out, o, p.etherType);
                System.arraycopy(p.l3, 0, out, o, p.l3Len);
                int len = o + p.l3Len;
                if (len < 60) {   // Ethernet's minimum frame (without FCS): padded with zeros
                    java.util.Arrays.fill(out, len, 60, (byte) 0);
                    len = 60;
                }
                return len;
            }
            case LinkType.LINUX_SLL:
                o = u16(out, 0, p.packetType);
                o = u16(out, o, 1);              // ARPHRD_ETHER
                o = u16(out, o, 6);
                System.arraycopy(p.srcMac, 0, out, o, 6);
                out[o + 6] = 0;
                out[o + 7] = 0;
                o = u16(out, o + 8, p.etherType);
                break;
            case LinkType.LINUX_SLL2:
                o = u16(out, 0, p.etherType);
                o = u16(out, o, 0);              // reserved
                o = u32(out, o, 2);              // interface index
                o = u16(out, o, 1);              // ARPHRD_ETHER
                out[o++] = (byte) p.packetType;
                out[o++] = 6;
                System.arraycopy(p.srcMac, 0, out, o, 6);
                out[o + 6] = 0;
                out[o + 7] = 0;
                o += 8;
                break;
            case LinkType.RAW:
                if (p.etherType != 0x0800 && p.etherType != 0x86dd) {
                    return -1;
                }
                o = 0;
                break;
            case LinkType.NULL: {
                if (p.etherType != 0x0800 && p.etherType != 0x86dd) {
                    return -1;
                }
                int af = p.etherType == 0x0800 ? AF_INET : AF_INET6;
                // The family is in the writing host's byte order: little-endian here, as on x86 and ARM.
                out[0] = (byte) af;
                out[1] = 0;
                out[2] = 0;
                out[3] = 0;
                o = 4;
                break;
            }
            default:
                throw new IllegalArgumentException("no generator framing for link type " + LinkType.describe(linkType));
        }
        System.arraycopy(p.l3, 0, out, o, p.l3Len);
        return o + p.l3Len;
    }

    private static int u16(byte[] b, int o, int v) {
        b[o] = (byte) (v >>> 8);
        b[o + 1] = (byte) v;
        return o + 2;
    }

    private static int u32(byte[] b, int o, int v) {
        u16(b, o, v >>> 16);
        return u16(b, o + 2, v);
    }
}
