package io.weir.compiler;

import static io.weir.compiler.CraftedPackets.MULTICAST;
import static io.weir.compiler.CraftedPackets.bytes;
import static io.weir.compiler.CraftedPackets.concat;
import static io.weir.compiler.CraftedPackets.eth;
import static io.weir.compiler.CraftedPackets.pkt;
import static io.weir.compiler.CraftedPackets.ppp;
import static io.weir.compiler.CraftedPackets.pppoe;
import static io.weir.compiler.CraftedPackets.tcp;
import static io.weir.compiler.CraftedPackets.vlan;

import io.weir.compiler.lower.LinkLayer;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Crafted packets for the protocols of {@link ProtocolsDifferentialTest}, which captures rarely hold in every
 * variant: IPv6 extension-header chains up to the protochain bound (with AH, fragments and no-next-header),
 * IPv4 AH chains, DECnet short/long/padded headers, OSI frames with every IS-IS PDU type, LLC I/S/U frames,
 * STP, IPX in its four encapsulations, NetBEUI, AppleTalk and AARP (plain and SNAP), DEC MOP/LAT/SCA, PPPoE
 * discovery and session frames, and VRRP/PIM/IGRP/ESP/AH. Ethernet frames are also put behind Linux cooked v1/v2
 * headers and IP packets behind raw/NULL/LOOP headers, and each gets truncated copies.
 */
final class ProtocolPackets {
    private ProtocolPackets() {
    }

    /** Capture files whose tshark protocol list names one of these protocols. */
    private static final String[] PROTOCOLS = {"ipx", "stp", "decnet", "isis", "esis", "clnp", "pppoe", "ah",
        "esp", "pim", "vrrp", "carp", "igrp", "llc", "atalk", "aarp", "nbf", "netbios", "lat", "mop", "ipv6.",
        "ipv6-", "cotp", "dec_dna"};
    private static final int READ_PER_FILE = 2000;
    private static final int KEEP_PER_FILE = 40;
    private static Map<Integer, List<TestPackets.Pkt>> cache;

    /**
     * The crafted packets (with truncated copies) plus, from every capture of {@code weir.sharedDir/pcaps}
     * whose MANIFEST lists one of these protocols, up to {@value #KEEP_PER_FILE} packets that carry one of them
     * (and its first few packets): the captures' other packets are {@link DifferentialTest}'s, and running all
     * of them for every expression here would cost minutes.
     */
    static synchronized Map<Integer, List<TestPackets.Pkt>> packets() {
        if (cache != null) {
            return cache;
        }
        Map<Integer, List<TestPackets.Pkt>> out = new HashMap<>();
        for (int lt : TestPackets.LINK_TYPES) {
            List<TestPackets.Pkt> l = new ArrayList<>();
            for (byte[] d : byLinkType(lt)) {
                if (protochainLoops(d)) {
                    continue;
                }
                l.add(pkt(d, d.length, "crafted"));
                for (int cut : new int[] {d.length - 1, d.length / 2, 23, 57}) {
                    if (cut > 0 && cut < d.length) {
                        l.add(pkt(Arrays.copyOf(d, cut), d.length, "crafted/cut" + cut));
                    }
                }
            }
            out.put(lt, l);
        }
        CraftedPackets.addCaptured(out, PROTOCOLS, READ_PER_FILE, (lt, i, d, kept) -> kept < KEEP_PER_FILE
                && (i < 3 || relevant(lt, d)) && !protochainLoops(d));
        cache = out;
        return out;
    }

    /** Whether a packet carries one of these protocols: not plain IPv4/IPv6/ARP with an ordinary payload. */
    private static boolean relevant(int lt, byte[] d) {
        int type;
        int nl;
        switch (lt) {
            case LinkLayer.EN10MB: type = u16(d, 12); nl = 14; break;
            case LinkLayer.LINUX_SLL: type = u16(d, 14); nl = 16; break;
            case LinkLayer.LINUX_SLL2: type = u16(d, 0); nl = 20; break;
            default: return d.length > 0 && ((d[0] & 0xf0) == 0x40 || (d[0] & 0xf0) == 0x60) ? ipRelevant(d, 0)
                    : d.length > 4 && ipRelevant(d, 4);
        }
        if (type == 0x800 || type == 0x86dd) {
            return ipRelevant(d, nl);
        }
        return type != 0x806 && type >= 0;
    }

    private static boolean ipRelevant(byte[] d, int nl) {
        if (d.length <= nl + 9) {
            return false;
        }
        int v = (d[nl] & 0xf0) >> 4;
        int p = v == 4 ? d[nl + 9] & 0xff : v == 6 && d.length > nl + 6 ? d[nl + 6] & 0xff : -1;
        return p == 0 || p == 43 || p == 44 || p == 60 || p == 50 || p == 51 || p == 103 || p == 112 || p == 9;
    }

    private static int u16(byte[] d, int off) {
        return d.length >= off + 2 ? ((d[off] & 0xff) << 8) | (d[off + 1] & 0xff) : -1;
    }

    /**
     * Whether libpcap's protochain loop could run forever on {@code d}: its AH step sets the offset to
     * {@code (len + 2) * 4} instead of adding it, so an AH header found again at the offset it sends the walk to
     * loops (an IPv4 header with one option word and an AH of length 4 does). libpcap's {@code bpf_filter}
     * would never return, so such packets are left out of the differential runs (Weir's bounded walk rejects
     * them). Checked at every offset a network header can have here, for both IP versions.
     */
    static boolean protochainLoops(byte[] d) {
        for (int nl : new int[] {0, 4, 14, 16, 18, 20, 22, 24, 26}) {
            if (walkLoops(d, nl, true) || walkLoops(d, nl, false)) {
                return true;
            }
        }
        return false;
    }

    private static boolean walkLoops(byte[] d, int nl, boolean v6) {
        if (d.length <= nl + 9) {
            return false;
        }
        int nh = d[nl + (v6 ? 6 : 9)] & 0xff;
        int x = v6 ? 40 : 4 * (d[nl] & 0xf);
        java.util.Set<Integer> ahOffsets = new java.util.HashSet<>();
        for (int steps = 0; steps < 100_000; steps++) {
            boolean ext = v6 && (nh == 0 || nh == 60 || nh == 43 || nh == 44);
            if (!ext && nh != 51) {
                return false;
            }
            long at = (long) nl + x;
            if (at + 1 >= d.length) {
                return false;
            }
            int len = d[(int) at + 1] & 0xff;
            nh = d[(int) at] & 0xff;
            if (ext) {
                x += (len + 1) * 8;
            } else {
                x = (len + 2) * 4;
                if (!ahOffsets.add(x)) {
                    return true;
                }
            }
        }
        return true;
    }

    /** The crafted packets of one of {@link TestPackets#LINK_TYPES}. */
    static List<byte[]> byLinkType(int lt) {
        List<byte[]> out = new ArrayList<>();
        for (byte[] e : ethernet()) {
            byte[] d = CraftedPackets.behind(lt, e, CraftedPackets.Lengths.LLC);
            if (d != null) {
                out.add(d);
            }
        }
        return out;
    }

    /** The Ethernet frames. */
    static List<byte[]> ethernet() {
        List<byte[]> f = new ArrayList<>();
        byte[] tcp = tcp(80);
        byte[] udp = {0x12, 0x34, 0x00, 0x35, 0, 8, 0, 0};
        // IPv6 header chains: (types of the headers after the IPv6 header, the last one the payload's).
        int[][] chains6 = {{6}, {17}, {0, 6}, {60, 17}, {43, 6}, {44, 6}, {44, 17}, {0, 60, 43, 44, 6},
            {51, 6}, {0, 51, 17}, {51, 51, 6}, {60, 59}, {0, 103}, {44, 103}, {44, 50}, {50}, {51, 50},
            {60, 60, 60, 60, 60, 60, 60, 6}, {0, 60, 60, 60, 43, 60, 60, 60, 6}, {0, 43, 44, 60, 51, 6},
            {58}, {0, 58}, {103}, {112}, {9}};
        for (int[] c : chains6) {
            f.add(eth(0x86dd, ipv6(c, c[c.length - 1] == 6 ? tcp : udp)));
        }
        // IPv4 with AH chains and the IP protocols with keywords, with and without IP options.
        int[][] chains4 = {{6}, {51, 6}, {51, 17}, {51, 51, 6}, {51, 51, 51, 17}, {112}, {9}, {103}, {50},
            {51, 50}, {2}, {1}};
        for (int[] c : chains4) {
            f.add(eth(0x800, ipv4(c, 5, c[c.length - 1] == 6 ? tcp : udp)));
            f.add(eth(0x800, ipv4(c, 6, c[c.length - 1] == 6 ? tcp : udp)));
        }
        // DECnet: short (2), long (6), each plain and with one byte of padding; a few addresses.
        int[][] dn = {{1, 2}, {2, 3}, {63, 1023}, {1, 1024}};
        for (int i = 0; i < dn.length; i++) {
            int a = ((dn[i][0] << 10) & 0xfc00) | (dn[i][1] & 0x3ff);
            int b = ((dn[(i + 1) % dn.length][0] << 10) & 0xfc00) | (dn[(i + 1) % dn.length][1] & 0x3ff);
            f.add(eth(0x6003, decnet(false, false, b, a)));
            f.add(eth(0x6003, decnet(false, true, b, a)));
            f.add(eth(0x6003, decnet(true, false, a, b)));
            f.add(eth(0x6003, decnet(true, true, a, a)));
        }
        // OSI over LLC: CLNP, ES-IS, IS-IS with every PDU type and one unknown.
        f.add(llc(0xfe, 0xfe, 0x03, bytes(0x81, 0x1c, 1, 0, 0x1c, 0, 0, 0)));
        f.add(llc(0xfe, 0xfe, 0x03, bytes(0x82, 0x0a, 1, 0, 2, 0, 0, 0)));
        for (int t : new int[] {15, 16, 17, 18, 20, 24, 25, 26, 27, 3, 0x31}) {
            f.add(llc(0xfe, 0xfe, 0x03, bytes(0x83, 0x1b, 1, 0, t, 1, 0, 0, 0, 0)));
        }
        f.add(llc(0xfe, 0xfe, 0x03, bytes(0x85, 0x1b)));
        // STP, NetBEUI, IPX in 802.2, Novell raw 802.3 and SNAP; LLC frame types and commands.
        f.add(llc(0x42, 0x42, 0x03, bytes(0, 0, 0, 0, 0x80, 0, 0, 0)));
        f.add(llc(0xf0, 0xf0, 0x03, bytes(0x2c, 0, 0xff, 0xef)));
        f.add(llc(0xe0, 0xe0, 0x03, bytes(0xff, 0xff, 0, 0x1e, 0, 4)));
        f.add(eth(30, concat(bytes(0xff, 0xff, 0, 0x1e, 0, 4), new byte[24])));
        f.add(eth(0x8137, bytes(0xff, 0xff, 0, 0x1e, 0, 4, 0, 0)));
        f.add(llc(0xaa, 0xaa, 0x03, bytes(0, 0, 0, 0x81, 0x37, 0xff, 0xff)));
        for (int ctl : new int[] {0x00, 0x02, 0x01, 0x05, 0x09, 0x0d, 0x03, 0x13, 0x63, 0x73, 0x43, 0x0f, 0x1f, 0x6f,
            0xe3, 0xf3, 0xaf, 0xbf, 0x87, 0x97, 0x23}) {
            f.add(llc(0x06, 0x06, ctl, bytes(0x45, 0, 0, 20)));
        }
        // AppleTalk and AARP, Ethernet II and SNAP; DEC MOP, LAT, SCA.
        f.add(eth(0x809b, bytes(0, 0x20, 0, 0, 0, 0)));
        f.add(llc(0xaa, 0xaa, 0x03, bytes(0x08, 0x00, 0x07, 0x80, 0x9b, 0, 0x20)));
        f.add(eth(0x80f3, bytes(0, 1, 0x80, 0x9b, 6, 4)));
        f.add(llc(0xaa, 0xaa, 0x03, bytes(0x00, 0x00, 0x00, 0x80, 0xf3, 0, 1)));
        for (int t : new int[] {0x6001, 0x6002, 0x6004, 0x6007}) {
            f.add(eth(t, bytes(0x10, 0, 1, 2, 3, 4, 5, 6)));
        }
        // PPPoE discovery and sessions carrying IPv4, IPv6, IPX and an unknown protocol; two session ids.
        f.add(eth(0x8863, bytes(0x11, 0x09, 0, 0, 0, 4, 1, 1, 0, 0)));
        byte[] v4 = ipv4(new int[] {6}, 5, tcp);
        byte[] v6 = ipv6(new int[] {17}, udp);
        f.add(eth(0x8864, pppoe(3, ppp(0x0021, v4))));
        f.add(eth(0x8864, pppoe(5, ppp(0x0057, v6))));
        f.add(eth(0x8864, pppoe(3, ppp(0x002b, bytes(0xff, 0xff, 0, 0x1e)))));
        f.add(eth(0x8864, pppoe(0x1234, ppp(0xc021, bytes(1, 1, 0, 4)))));
        // VLAN-tagged DECnet and STP, so that offsets after "vlan" are exercised.
        f.add(vlan(5, 0x6003, decnet(false, false, 0x0402, 0x0c03)));
        return f;
    }

    /** An Ethernet frame carrying IPv6 with the header chain {@code chain} (the last entry TCP or UDP). */
    static byte[] ethernetIpv6(int[] chain) {
        return eth(0x86dd, ipv6(chain, chain[chain.length - 1] == 6 ? tcp(80) : new byte[8]));
    }

    /** An 802.3 frame with an 802.2 LLC header (a 2-byte control field for I and S frames, as in 802.2). */
    private static byte[] llc(int dsap, int ssap, int ctl, byte[] payload) {
        boolean twoByte = (ctl & 0x03) != 0x03;
        byte[] l = twoByte ? bytes(dsap, ssap, ctl, 0) : bytes(dsap, ssap, ctl);
        byte[] body = concat(l, payload);
        byte[] h = bytes(0x01, 0x80, 0xc2, 0, 0, 0, 0x00, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, body.length >> 8,
                body.length);
        return concat(h, body);
    }

    private static byte[] ipv6(int[] chain, byte[] payload) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < chain.length - 1; i++) {
            int nh = chain[i + 1];
            switch (chain[i]) {
                case 44: b.writeBytes(bytes(nh, 0, 0, 1, 0, 0, 0, 7)); break;
                case 51: b.writeBytes(concat(bytes(nh, 4, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1), new byte[12])); break;
                default: {
                    int len = i % 2;
                    byte[] h = new byte[(len + 1) * 8];
                    h[0] = (byte) nh;
                    h[1] = (byte) len;
                    b.writeBytes(h);
                }
            }
        }
        b.writeBytes(payload);
        return CraftedPackets.ipv6(chain[0], b.toByteArray());
    }

    private static byte[] ipv4(int[] chain, int ihl, byte[] payload) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < chain.length - 1; i++) {
            b.writeBytes(concat(bytes(chain[i + 1], 4 + i % 2, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1),
                    new byte[(4 + i % 2) * 4 - 4]));
        }
        b.writeBytes(payload);
        return CraftedPackets.ipv4(chain[0], ihl, 0, MULTICAST, b.toByteArray());
    }

    /** A DECnet routing header: short (flags 2) or long (flags 6), optionally after one byte of padding. */
    private static byte[] decnet(boolean longFormat, boolean padded, int dst, int src) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(bytes(0x20, 0));
        if (padded) {
            b.write(0x81);
        }
        if (longFormat) {
            b.write(0x06);
            b.writeBytes(bytes(0, 0, 0xaa, 0, 4, 0, dst, dst >> 8, 0, 0, 0xaa, 0, 4, 0, src, src >> 8, 0, 0, 0));
        } else {
            b.write(0x02);
            b.writeBytes(bytes(dst, dst >> 8, src, src >> 8, 0));
        }
        b.writeBytes(new byte[12]);
        return b.toByteArray();
    }
}
