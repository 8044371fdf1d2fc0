package io.weir.compiler;

import com.sun.jna.Memory;
import io.weir.compiler.lower.LinkLayer;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The one packet builder of the compiler's differential tests: each method lays out one header field by field in
 * front of a payload (checksums zero: {@code bpf_filter} never reads them), {@link #behind} moves an Ethernet
 * frame behind the other link types' headers, {@link #pkt} puts a packet into native memory for libpcap, and
 * {@link #addCaptured} adds the shared captures whose MANIFEST names given protocols.
 * <pre>{@code
 * byte[] frame = eth(0x0800, ipv4(6, 5, 0, HOST_B, tcp(80)));
 * byte[] sll = behind(LinkLayer.LINUX_SLL, frame, Lengths.LLC);
 * }</pre>
 */
final class CraftedPackets {
    /** 10.0.0.2, the usual destination (the source is always 10.0.0.1). */
    static final byte[] HOST_B = {10, 0, 0, 2};
    /** 224.0.0.5 (all OSPF routers), a multicast destination. */
    static final byte[] MULTICAST = {(byte) 224, 0, 0, 5};

    /** What an Ethernet type field of 1500 or less means when {@link #behind} rewrites the frame. */
    enum Lengths {
        /** An 802.3 length before an 802.2 LLC header, which the Linux cooked headers carry as 802.2 frames. */
        LLC,
        /** Copied into the other link types' protocol field like any Ethernet type. */
        AS_TYPE
    }

    /** Selects packets of a capture: the index in the file, its bytes, and how many were kept so far. */
    interface Selector {
        boolean keep(int linkType, int index, byte[] data, int kept);
    }

    private CraftedPackets() {
    }

    static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    static byte[] le32(int v) {
        return bytes(v, v >> 8, v >> 16, v >> 24);
    }

    static byte[] be32(int v) {
        return bytes(v >> 24, v >> 16, v >> 8, v);
    }

    /** An Ethernet II frame from 00:aa:bb:cc:dd:ee to 00:11:22:33:44:55. */
    static byte[] eth(int type, byte[] payload) {
        return concat(bytes(0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x00, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, type >> 8,
                type), payload);
    }

    /** An Ethernet frame with one 802.1Q tag (priority 0). */
    static byte[] vlan(int id, int type, byte[] payload) {
        return concat(Arrays.copyOf(eth(0x8100, new byte[0]), 14), concat(bytes(id >> 8, id, type >> 8, type),
                payload));
    }

    /** An IPv4 header from 10.0.0.1 to {@code dst}, TTL 64, {@code ihl} words (options zero), in front of payload. */
    static byte[] ipv4(int proto, int ihl, int fragOff, byte[] dst, byte[] payload) {
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
        System.arraycopy(dst, 0, h, 16, 4);
        return concat(h, payload);
    }

    /** An IPv6 header from 2001::1 to 2001::2, hop limit 64, next header {@code nh}, in front of payload. */
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

    /** A 20-byte TCP SYN from port 1024 to {@code dstPort}. */
    static byte[] tcp(int dstPort) {
        byte[] t = new byte[20];
        t[0] = 0x04;
        t[2] = (byte) (dstPort >> 8);
        t[3] = (byte) dstPort;
        t[12] = 0x50;
        t[13] = 0x02;
        return t;
    }

    static byte[] udp(int src, int dst, byte[] payload) {
        int len = payload.length + 8;
        return concat(bytes(src >> 8, src, dst >> 8, dst, len >> 8, len, 0, 0), payload);
    }

    /** PPP's protocol field in front of its payload. */
    static byte[] ppp(int proto, byte[] payload) {
        return concat(bytes(proto >> 8, proto), payload);
    }

    /** A PPPoE session header (version 1, type 1, code 0) in front of {@code ppp} (protocol field included). */
    static byte[] pppoe(int session, byte[] ppp) {
        return concat(bytes(0x11, 0, session >> 8, session, ppp.length >> 8, ppp.length), ppp);
    }

    /**
     * The Ethernet frame {@code e} as link type {@code lt} of {@link TestPackets#LINK_TYPES} carries it: behind
     * a Linux cooked v1/v2 header (packet type 0, ARPHRD_ETHER address length 6), or, for IPv4/IPv6 only, raw or
     * behind a NULL (little-endian) or LOOP header with Linux's address families; null where it cannot.
     */
    static byte[] behind(int lt, byte[] e, Lengths lengths) {
        int type = ((e[12] & 0xff) << 8) | (e[13] & 0xff);
        byte[] payload = Arrays.copyOfRange(e, 14, e.length);
        boolean ip = type == 0x800 || type == 0x86dd;
        boolean llc = lengths == Lengths.LLC && type <= 1500;
        switch (lt) {
            case LinkLayer.EN10MB:
                return e;
            case LinkLayer.LINUX_SLL: {
                byte[] h = new byte[16];
                h[5] = 6;
                // 802.2 frames carry protocol 4 (ETH_P_802_2), Novell raw 802.3 protocol 1.
                int proto = llc ? ((payload[0] & 0xff) == 0xff ? 1 : 4) : type;
                h[14] = (byte) (proto >> 8);
                h[15] = (byte) proto;
                return concat(h, llc ? Arrays.copyOf(payload, Math.min(payload.length, type)) : payload);
            }
            case LinkLayer.LINUX_SLL2: {
                byte[] h = new byte[20];
                int proto = llc ? (payload[0] & 0xff) : type;
                h[0] = (byte) (proto >> 8);
                h[1] = (byte) proto;
                h[11] = 6;
                return concat(h, llc ? Arrays.copyOfRange(payload, 3, payload.length) : payload);
            }
            case LinkLayer.RAW:
                return ip ? payload : null;
            case LinkLayer.NULL:
                return ip ? concat(le32(type == 0x800 ? 2 : 10), payload) : null;
            default:
                return ip ? concat(be32(type == 0x800 ? 2 : 30), payload) : null;
        }
    }

    /** The packet {@code d} (of {@code wire} bytes on the wire) with a copy in native memory for libpcap. */
    static TestPackets.Pkt pkt(byte[] d, int wire, String origin) {
        Memory m = new Memory(Math.max(1, d.length));
        m.write(0, d, 0, d.length);
        return new TestPackets.Pkt(d, wire, origin, m);
    }

    /**
     * Adds to {@code out} (by DLT number) the packets {@code keep} selects among the first {@code perFile} of
     * every capture of {@code weir.sharedDir/pcaps} whose MANIFEST tshark protocol list has an entry starting
     * with one of {@code protocols}; captures of link types {@code out} has no list for are skipped, and so is
     * everything when the shared directory is absent.
     */
    static void addCaptured(Map<Integer, List<TestPackets.Pkt>> out, String[] protocols, int perFile,
            Selector keep) {
        for (File f : captures(protocols)) {
            int[] lt = new int[1];
            List<LibPcap.Packet> ps = LibPcap.read(f.getPath(), lt, perFile);
            LinkLayer ll = ps == null ? null : LinkLayer.of(lt[0]);
            List<TestPackets.Pkt> l = ll == null ? null : out.get(ll.linkType());
            if (l == null) {
                continue;
            }
            int kept = 0;
            for (int i = 0; i < ps.size(); i++) {
                LibPcap.Packet p = ps.get(i);
                if (keep.keep(ll.linkType(), i, p.data(), kept)) {
                    l.add(pkt(p.data(), p.wireLen(), p.origin()));
                    kept++;
                }
            }
        }
    }

    private static List<File> captures(String[] protocols) {
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
                for (String p : protocols) {
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
