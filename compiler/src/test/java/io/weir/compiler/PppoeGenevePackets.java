package io.weir.compiler;

import static io.weir.compiler.CraftedPackets.HOST_B;
import static io.weir.compiler.CraftedPackets.bytes;
import static io.weir.compiler.CraftedPackets.concat;
import static io.weir.compiler.CraftedPackets.eth;
import static io.weir.compiler.CraftedPackets.ipv4;
import static io.weir.compiler.CraftedPackets.ipv6;
import static io.weir.compiler.CraftedPackets.pkt;
import static io.weir.compiler.CraftedPackets.ppp;
import static io.weir.compiler.CraftedPackets.pppoe;
import static io.weir.compiler.CraftedPackets.tcp;
import static io.weir.compiler.CraftedPackets.udp;
import static io.weir.compiler.CraftedPackets.vlan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Packets for {@link PppoeGeneveDifferentialTest}: PPPoE session frames (several session ids; PPP carrying
 * IPv4 with and without options and fragments, IPv6, OSI, DECnet, IPX, MPLS, LCP, a nested session; VLAN-tagged
 * sessions), the frames around them (discovery, plain IPv4/IPv6), each with truncated copies at every length
 * through the PPP and IP headers, behind Ethernet and Linux cooked v1/v2 headers; plus the packets of the shared
 * captures whose MANIFEST lists pppoe or geneve.
 */
final class PppoeGenevePackets {
    private static final String[] PROTOCOLS = {"pppoe", "geneve"};
    private static final int PER_FILE = 300;
    private static Map<Integer, List<TestPackets.Pkt>> cache;

    private PppoeGenevePackets() {
    }

    /** By DLT number, for every link type of {@link TestPackets#LINK_TYPES}. */
    static synchronized Map<Integer, List<TestPackets.Pkt>> packets() {
        if (cache != null) {
            return cache;
        }
        Map<Integer, List<TestPackets.Pkt>> out = new HashMap<>();
        for (int lt : TestPackets.LINK_TYPES) {
            List<TestPackets.Pkt> l = new ArrayList<>();
            for (byte[] e : ethernet()) {
                byte[] d = CraftedPackets.behind(lt, e, CraftedPackets.Lengths.AS_TYPE);
                if (d == null) {
                    continue;
                }
                l.add(pkt(d, d.length, "crafted"));
                int head = d.length - (e.length - 14);
                // Every cut through the PPPoE/PPP, IP, UDP and Geneve headers, and the last byte.
                for (int cut = head; cut < Math.min(d.length, head + 72); cut += 1) {
                    l.add(pkt(Arrays.copyOf(d, cut), d.length, "crafted/cut" + cut));
                }
                l.add(pkt(Arrays.copyOf(d, d.length - 1), d.length, "crafted/cut" + (d.length - 1)));
            }
            out.put(lt, l);
        }
        CraftedPackets.addCaptured(out, PROTOCOLS, PER_FILE, (lt, i, d, kept) -> true);
        cache = out;
        return out;
    }

    /** The crafted Ethernet frames. */
    static List<byte[]> ethernet() {
        List<byte[]> f = new ArrayList<>();
        byte[] tcp80 = tcp(80);
        byte[] tcp22 = tcp(22);
        byte[] udp = bytes(0x12, 0x34, 0x00, 0x35, 0, 8, 0, 0);
        List<byte[]> ppp = new ArrayList<>();
        ppp.add(ppp(0x0021, ipv4(6, 5, 0, HOST_B, tcp80)));
        ppp.add(ppp(0x0021, ipv4(6, 6, 0, HOST_B, tcp80)));
        ppp.add(ppp(0x0021, ipv4(6, 5, 0, HOST_B, tcp22)));
        ppp.add(ppp(0x0021, ipv4(6, 5, 0x0010, HOST_B, tcp80)));
        ppp.add(ppp(0x0021, ipv4(17, 5, 0, HOST_B, udp)));
        ppp.add(ppp(0x0021, ipv4(1, 5, 0, HOST_B, bytes(8, 0, 0, 0, 0, 1, 0, 1))));
        ppp.add(ppp(0x0057, ipv6(17, udp)));
        ppp.add(ppp(0x0057, ipv6(6, tcp80)));
        ppp.add(ppp(0x0057, ipv6(58, bytes(128, 0, 0, 0, 0, 1, 0, 1))));
        ppp.add(ppp(0x0023, bytes(0x83, 0x1b, 1, 0, 17, 1, 0, 0, 0, 0)));
        ppp.add(ppp(0x0023, bytes(0x81, 0x1c, 1, 0, 0x1c, 0, 0, 0)));
        ppp.add(ppp(0x0027, bytes(0x02, 0x03, 0x04, 0x05, 0x0c, 0)));
        ppp.add(ppp(0x0029, bytes(0, 0x20, 0, 0, 0, 0)));
        ppp.add(ppp(0x002b, bytes(0xff, 0xff, 0, 0x1e, 0, 4)));
        ppp.add(ppp(0x0281, concat(bytes(0x00, 0x01, 0x41, 0x40), ipv4(6, 5, 0, HOST_B, tcp80))));
        ppp.add(ppp(0xc021, bytes(1, 1, 0, 4)));
        ppp.add(ppp(0x8864, pppoe(7, ppp(0x0021, ipv4(17, 5, 0, HOST_B, udp)))));
        for (int session : new int[] {0x0000, 0x0003, 0x0027, 0x1234, 0xffff}) {
            for (byte[] p : ppp) {
                f.add(eth(0x8864, pppoe(session, p)));
            }
        }
        // VLAN-tagged sessions, discovery, and what is not PPPoE at all.
        f.add(vlan(5, 0x8864, pppoe(0x27, ppp.get(0))));
        f.add(vlan(5, 0x8864, pppoe(3, ppp.get(6))));
        f.add(eth(0x8863, bytes(0x11, 0x09, 0, 0, 0, 4, 1, 1, 0, 0)));
        f.add(eth(0x0800, ipv4(6, 5, 0, HOST_B, tcp80)));
        f.add(eth(0x86dd, ipv6(17, udp)));
        // An Ethernet frame whose bytes would be a PPP IPv4 packet at the session offsets.
        f.add(eth(0x0021, concat(new byte[6], ipv4(6, 5, 0, HOST_B, tcp80))));
        f.addAll(geneve());
        return f;
    }

    /**
     * Geneve over IPv4 (with and without IP options, a non-first fragment) and IPv6: options of 0, 1, 3 and 63
     * words, several VNIs, version 0 and 1, the port as source only, and inner Ethernet (IPv4, IPv6, ARP, VLAN)
     * or inner IP (protocol 0x0800/0x86dd) or ARP without Ethernet.
     */
    private static List<byte[]> geneve() {
        byte[] innerV4 = eth(0x0800, ipv4(6, 5, 0, HOST_B, tcp(443)));
        byte[] innerV6 = eth(0x86dd, ipv6(17, bytes(0x12, 0x34, 0, 53, 0, 8, 0, 0)));
        byte[] innerArp = eth(0x0806, bytes(0, 1, 8, 0, 6, 4, 0, 1, 0, 0x11, 0x22, 0x33, 0x44, 0x55, 10, 0, 0, 1));
        byte[] innerVlan = vlan(100, 0x0800, ipv4(17, 5, 0, HOST_B, bytes(0x12, 0x34, 0, 53, 0, 8, 0, 0)));
        List<byte[]> g = new ArrayList<>();
        int[][] variants = {{0, 0x6558, 5}, {1, 0x6558, 7}, {3, 0x6558, 0xffffff}, {0, 0x6558, 0}, {2, 0x0800, 5},
            {0, 0x86dd, 7}, {63, 0x6558, 5}};
        for (int[] v : variants) {
            byte[] inner = v[1] == 0x0800 ? ipv4(6, 5, 0, HOST_B, tcp(443)) : v[1] == 0x86dd ? ipv6(6, tcp(22))
                    : v[2] == 7 ? innerV6 : v[2] == 0 ? innerArp : v[0] == 3 ? innerVlan : innerV4;
            byte[] gen = concat(geneveHeader(0, v[0], v[1], v[2]), inner);
            g.add(eth(0x0800, ipv4(17, 5, 0, HOST_B, udp(0x1234, 6081, gen))));
            g.add(eth(0x86dd, ipv6(17, udp(0x1234, 6081, gen))));
        }
        byte[] plain = concat(geneveHeader(0, 0, 0x6558, 5), innerV4);
        g.add(eth(0x0800, ipv4(17, 6, 0, HOST_B, udp(0x1234, 6081, plain))));
        g.add(eth(0x0800, ipv4(17, 5, 0x0020, HOST_B, udp(0x1234, 6081, plain))));
        g.add(eth(0x0800, ipv4(17, 5, 0, HOST_B, udp(6081, 0x1234, plain))));
        byte[] version1 = concat(geneveHeader(1, 0, 0x6558, 5), innerV4);
        g.add(eth(0x0800, ipv4(17, 5, 0, HOST_B, udp(0x1234, 6081, version1))));
        g.add(eth(0x0800, ipv4(17, 5, 0, HOST_B, udp(0x1234, 6081, concat(geneveHeader(0, 0, 0x0806, 5),
                Arrays.copyOfRange(innerArp, 14, innerArp.length))))));
        g.add(eth(0x86dd, ipv6(17, udp(0x1234, 4789, plain))));
        g.add(vlan(5, 0x0800, ipv4(17, 5, 0, HOST_B, udp(0x1234, 6081, plain))));
        // Geneve in Geneve: inner Ethernet or inner IP (v4, v6) carrying a second Geneve header (VNI 7, options
        // of 0 or 2 words; one of version 1), itself carrying Ethernet with IPv4/TCP.
        byte[] second = concat(geneveHeader(0, 2, 0x6558, 7), innerV4);
        byte[] secondV1 = concat(geneveHeader(1, 0, 0x6558, 7), innerV4);
        byte[][] carriers = {geneveHeader(0, 0, 0x6558, 5), geneveHeader(0, 1, 0x0800, 5)};
        for (byte[] second2 : new byte[][] {plain, second, secondV1}) {
            byte[] viaEth = concat(carriers[0], eth(0x0800, ipv4(17, 5, 0, HOST_B, udp(0x4321, 6081, second2))));
            byte[] viaIp = concat(carriers[1], ipv4(17, 5, 0, HOST_B, udp(0x4321, 6081, second2)));
            g.add(eth(0x0800, ipv4(17, 5, 0, HOST_B, udp(0x1234, 6081, viaEth))));
            g.add(eth(0x0800, ipv4(17, 5, 0, HOST_B, udp(0x1234, 6081, viaIp))));
            g.add(eth(0x86dd, ipv6(17, udp(0x1234, 6081, viaEth))));
        }
        g.add(eth(0x0800, ipv4(17, 5, 0, HOST_B, udp(0x1234, 6081, concat(geneveHeader(0, 0, 0x86dd, 5),
                ipv6(17, udp(0x4321, 6081, second)))))));
        // Geneve under MPLS labels (label 5, bottom of stack; labels 4 then 5), inner Ethernet or inner IP.
        byte[] udpGeneve = ipv4(17, 5, 0, HOST_B, udp(0x1234, 6081, plain));
        g.add(eth(0x8847, concat(bytes(0, 0, 0x51, 64), udpGeneve)));
        g.add(eth(0x8847, concat(bytes(0, 0, 0x40, 64, 0, 0, 0x51, 64), udpGeneve)));
        g.add(eth(0x8847, concat(bytes(0, 0, 0x51, 64), ipv4(17, 5, 0, HOST_B, udp(0x1234, 6081,
                concat(geneveHeader(0, 0, 0x0800, 5), ipv4(6, 5, 0, HOST_B, tcp(443))))))));
        return g;
    }

    /** A Geneve header: version, option length in 4-byte words (options zero-filled), protocol, VNI. */
    private static byte[] geneveHeader(int version, int optWords, int proto, int vni) {
        byte[] h = new byte[8 + 4 * optWords];
        h[0] = (byte) (version << 6 | optWords);
        h[2] = (byte) (proto >> 8);
        h[3] = (byte) proto;
        h[4] = (byte) (vni >> 16);
        h[5] = (byte) (vni >> 8);
        h[6] = (byte) vni;
        return h;
    }
}
