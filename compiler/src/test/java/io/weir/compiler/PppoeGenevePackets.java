package io.weir.compiler;

import static io.weir.compiler.ProtocolPackets.bytes;
import static io.weir.compiler.ProtocolPackets.concat;

import com.sun.jna.Memory;
import io.weir.compiler.lower.LinkLayer;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
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
                byte[] d = behind(lt, e);
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
        for (File f : captures()) {
            int[] lt = new int[1];
            List<LibPcap.Packet> ps = LibPcap.read(f.getPath(), lt, PER_FILE);
            LinkLayer ll = ps == null ? null : LinkLayer.of(lt[0]);
            List<TestPackets.Pkt> l = ll == null ? null : out.get(ll.linkType());
            if (l == null) {
                continue;
            }
            for (LibPcap.Packet p : ps) {
                l.add(pkt(p.data(), p.wireLen(), p.origin()));
            }
        }
        cache = out;
        return out;
    }

    /** The Ethernet frame {@code e} as link type {@code lt} sees it, or null (raw IP types carry no PPPoE). */
    private static byte[] behind(int lt, byte[] e) {
        int type = ((e[12] & 0xff) << 8) | (e[13] & 0xff);
        byte[] payload = Arrays.copyOfRange(e, 14, e.length);
        boolean ip = type == 0x800 || type == 0x86dd;
        switch (lt) {
            case LinkLayer.EN10MB:
                return e;
            case LinkLayer.LINUX_SLL: {
                byte[] h = new byte[16];
                h[5] = 6;
                h[14] = (byte) (type >> 8);
                h[15] = (byte) type;
                return concat(h, payload);
            }
            case LinkLayer.LINUX_SLL2: {
                byte[] h = new byte[20];
                h[0] = (byte) (type >> 8);
                h[1] = (byte) type;
                h[11] = 6;
                return concat(h, payload);
            }
            case LinkLayer.RAW:
                return ip ? payload : null;
            case LinkLayer.NULL:
                return ip ? concat(bytes(type == 0x800 ? 2 : 10, 0, 0, 0), payload) : null;
            default:
                return ip ? concat(bytes(0, 0, 0, type == 0x800 ? 2 : 30), payload) : null;
        }
    }

    /** The crafted Ethernet frames. */
    static List<byte[]> ethernet() {
        List<byte[]> f = new ArrayList<>();
        byte[] tcp80 = tcp(80);
        byte[] tcp22 = tcp(22);
        byte[] udp = bytes(0x12, 0x34, 0x00, 0x35, 0, 8, 0, 0);
        List<byte[]> ppp = new ArrayList<>();
        ppp.add(ppp(0x0021, ipv4(6, 5, 0, tcp80)));
        ppp.add(ppp(0x0021, ipv4(6, 6, 0, tcp80)));
        ppp.add(ppp(0x0021, ipv4(6, 5, 0, tcp22)));
        ppp.add(ppp(0x0021, ipv4(6, 5, 0x0010, tcp80)));
        ppp.add(ppp(0x0021, ipv4(17, 5, 0, udp)));
        ppp.add(ppp(0x0021, ipv4(1, 5, 0, bytes(8, 0, 0, 0, 0, 1, 0, 1))));
        ppp.add(ppp(0x0057, ipv6(17, udp)));
        ppp.add(ppp(0x0057, ipv6(6, tcp80)));
        ppp.add(ppp(0x0057, ipv6(58, bytes(128, 0, 0, 0, 0, 1, 0, 1))));
        ppp.add(ppp(0x0023, bytes(0x83, 0x1b, 1, 0, 17, 1, 0, 0, 0, 0)));
        ppp.add(ppp(0x0023, bytes(0x81, 0x1c, 1, 0, 0x1c, 0, 0, 0)));
        ppp.add(ppp(0x0027, bytes(0x02, 0x03, 0x04, 0x05, 0x0c, 0)));
        ppp.add(ppp(0x0029, bytes(0, 0x20, 0, 0, 0, 0)));
        ppp.add(ppp(0x002b, bytes(0xff, 0xff, 0, 0x1e, 0, 4)));
        ppp.add(ppp(0x0281, concat(bytes(0x00, 0x01, 0x41, 0x40), ipv4(6, 5, 0, tcp80))));
        ppp.add(ppp(0xc021, bytes(1, 1, 0, 4)));
        ppp.add(ppp(0x8864, pppoe(7, ppp(0x0021, ipv4(17, 5, 0, udp)))));
        for (int session : new int[] {0x0000, 0x0003, 0x0027, 0x1234, 0xffff}) {
            for (byte[] p : ppp) {
                f.add(eth(0x8864, pppoe(session, p)));
            }
        }
        // VLAN-tagged sessions, discovery, and what is not PPPoE at all.
        f.add(vlan(5, 0x8864, pppoe(0x27, ppp.get(0))));
        f.add(vlan(5, 0x8864, pppoe(3, ppp.get(6))));
        f.add(eth(0x8863, bytes(0x11, 0x09, 0, 0, 0, 4, 1, 1, 0, 0)));
        f.add(eth(0x0800, ipv4(6, 5, 0, tcp80)));
        f.add(eth(0x86dd, ipv6(17, udp)));
        // An Ethernet frame whose bytes would be a PPP IPv4 packet at the session offsets.
        f.add(eth(0x0021, concat(new byte[6], ipv4(6, 5, 0, tcp80))));
        f.addAll(geneve());
        return f;
    }

    /**
     * Geneve over IPv4 (with and without IP options, a non-first fragment) and IPv6: options of 0, 1, 3 and 63
     * words, several VNIs, version 0 and 1, the port as source only, and inner Ethernet (IPv4, IPv6, ARP, VLAN)
     * or inner IP (protocol 0x0800/0x86dd) or ARP without Ethernet.
     */
    private static List<byte[]> geneve() {
        byte[] innerV4 = eth(0x0800, ipv4(6, 5, 0, tcp(443)));
        byte[] innerV6 = eth(0x86dd, ipv6(17, bytes(0x12, 0x34, 0, 53, 0, 8, 0, 0)));
        byte[] innerArp = eth(0x0806, bytes(0, 1, 8, 0, 6, 4, 0, 1, 0, 0x11, 0x22, 0x33, 0x44, 0x55, 10, 0, 0, 1));
        byte[] innerVlan = vlan(100, 0x0800, ipv4(17, 5, 0, bytes(0x12, 0x34, 0, 53, 0, 8, 0, 0)));
        List<byte[]> g = new ArrayList<>();
        int[][] variants = {{0, 0x6558, 5}, {1, 0x6558, 7}, {3, 0x6558, 0xffffff}, {0, 0x6558, 0}, {2, 0x0800, 5},
            {0, 0x86dd, 7}, {63, 0x6558, 5}};
        for (int[] v : variants) {
            byte[] inner = v[1] == 0x0800 ? ipv4(6, 5, 0, tcp(443)) : v[1] == 0x86dd ? ipv6(6, tcp(22))
                    : v[2] == 7 ? innerV6 : v[2] == 0 ? innerArp : v[0] == 3 ? innerVlan : innerV4;
            byte[] gen = concat(geneveHeader(0, v[0], v[1], v[2]), inner);
            g.add(eth(0x0800, ipv4(17, 5, 0, udp(0x1234, 6081, gen))));
            g.add(eth(0x86dd, ipv6(17, udp(0x1234, 6081, gen))));
        }
        byte[] plain = concat(geneveHeader(0, 0, 0x6558, 5), innerV4);
        g.add(eth(0x0800, ipv4(17, 6, 0, udp(0x1234, 6081, plain))));
        g.add(eth(0x0800, ipv4(17, 5, 0x0020, udp(0x1234, 6081, plain))));
        g.add(eth(0x0800, ipv4(17, 5, 0, udp(6081, 0x1234, plain))));
        g.add(eth(0x0800, ipv4(17, 5, 0, udp(0x1234, 6081, concat(geneveHeader(1, 0, 0x6558, 5), innerV4)))));
        g.add(eth(0x0800, ipv4(17, 5, 0, udp(0x1234, 6081, concat(geneveHeader(0, 0, 0x0806, 5),
                Arrays.copyOfRange(innerArp, 14, innerArp.length))))));
        g.add(eth(0x86dd, ipv6(17, udp(0x1234, 4789, plain))));
        g.add(vlan(5, 0x0800, ipv4(17, 5, 0, udp(0x1234, 6081, plain))));
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

    private static byte[] udp(int src, int dst, byte[] payload) {
        int len = payload.length + 8;
        return concat(bytes(src >> 8, src, dst >> 8, dst, len >> 8, len, 0, 0), payload);
    }

    static byte[] tcp(int dstPort) {
        byte[] t = new byte[20];
        t[0] = 0x04;
        t[2] = (byte) (dstPort >> 8);
        t[3] = (byte) dstPort;
        t[12] = 0x50;
        t[13] = 0x02;
        return t;
    }

    static byte[] eth(int type, byte[] payload) {
        return concat(bytes(0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x00, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, type >> 8,
                type), payload);
    }

    private static byte[] vlan(int id, int type, byte[] payload) {
        return concat(Arrays.copyOf(eth(0x8100, new byte[0]), 14), concat(bytes(id >> 8, id, type >> 8, type),
                payload));
    }

    private static byte[] ppp(int proto, byte[] payload) {
        return concat(bytes(proto >> 8, proto), payload);
    }

    /** A PPPoE session header (version 1, type 1, code 0) in front of {@code ppp} (protocol field included). */
    private static byte[] pppoe(int session, byte[] ppp) {
        return concat(bytes(0x11, 0, session >> 8, session, ppp.length >> 8, ppp.length), ppp);
    }

    static byte[] ipv4(int proto, int ihl, int fragOff, byte[] payload) {
        byte[] h = new byte[ihl * 4];
        h[0] = (byte) (0x40 | ihl);
        int total = h.length + payload.length;
        h[2] = (byte) (total >> 8);
        h[3] = (byte) total;
        h[6] = (byte) (fragOff >> 8);
        h[7] = (byte) fragOff;
        h[8] = 64;
        h[9] = (byte) proto;
        h[12] = 10;
        h[15] = 1;
        h[16] = 10;
        h[19] = 2;
        return concat(h, payload);
    }

    static byte[] ipv6(int nh, byte[] payload) {
        byte[] h = new byte[40];
        h[0] = 0x60;
        h[4] = (byte) (payload.length >> 8);
        h[5] = (byte) payload.length;
        h[6] = (byte) nh;
        h[7] = 64;
        h[8] = 0x20;
        h[9] = 0x01;
        h[23] = 1;
        h[24] = 0x20;
        h[25] = 0x01;
        h[39] = 2;
        return concat(h, payload);
    }

    private static TestPackets.Pkt pkt(byte[] d, int wire, String origin) {
        Memory m = new Memory(Math.max(1, d.length));
        m.write(0, d, 0, d.length);
        return new TestPackets.Pkt(d, wire, origin, m);
    }

    /** The shared captures whose MANIFEST tshark protocol list names PPPoE or Geneve; none when absent. */
    private static List<File> captures() {
        List<File> files = new ArrayList<>();
        String shared = System.getProperty("weir.sharedDir");
        if (shared == null) {
            return files;
        }
        File dir = new File(shared, "pcaps");
        File manifest = new File(dir, "MANIFEST.tsv");
        if (!manifest.isFile()) {
            return files;
        }
        try (BufferedReader r = Files.newBufferedReader(manifest.toPath())) {
            List<String> head = Arrays.asList(r.readLine().split("\t", -1));
            int col = head.indexOf("tshark_protocols");
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String[] f = line.split("\t", -1);
                if (col < 0 || f.length <= col) {
                    continue;
                }
                String protos = "," + f[col].toLowerCase() + ",";
                for (String p : PROTOCOLS) {
                    if (protos.contains("," + p) && new File(dir, f[0]).isFile()) {
                        files.add(new File(dir, f[0]));
                        break;
                    }
                }
            }
        } catch (IOException e) {
            return files;
        }
        return files;
    }
}
