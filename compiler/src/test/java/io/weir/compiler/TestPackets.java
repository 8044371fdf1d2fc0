package io.weir.compiler;

import com.sun.jna.Memory;
import io.weir.compiler.lower.LinkLayer;
import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The packets the differential tests run on, by link type: every capture in {@code weir.sharedDir/pcaps} and
 * in the project's {@code pcaps/} that libpcap reads, plus packets derived from the Ethernet ones for the other
 * link types (the same IP/ARP payloads behind RAW, Linux cooked v1/v2, NULL and LOOP headers) and truncated
 * copies, so that every link type sees every protocol and short packets exercise the load-fault paths.
 * Duplicates are dropped. {@code -Dweir.differential.perFile=N} caps packets per file (default 200).
 */
final class TestPackets {
    /** A packet with its bytes in native memory for libpcap. */
    record Pkt(byte[] data, int wireLen, String origin, Memory mem) {
    }

    static final int[] LINK_TYPES = {LinkLayer.EN10MB, LinkLayer.RAW, LinkLayer.LINUX_SLL, LinkLayer.LINUX_SLL2,
        LinkLayer.NULL, LinkLayer.LOOP};

    private static final int[] AF_INET6S = {10, 24, 28, 30};

    private static Map<Integer, List<Pkt>> cache;

    private TestPackets() {
    }

    static synchronized Map<Integer, List<Pkt>> byLinkType() {
        if (cache != null) {
            return cache;
        }
        int perFile = Integer.getInteger("weir.differential.perFile", 200);
        Map<Integer, List<LibPcap.Packet>> raw = new HashMap<>();
        for (int lt : LINK_TYPES) {
            raw.put(lt, new ArrayList<>());
        }
        List<File> files = new ArrayList<>();
        String shared = System.getProperty("weir.sharedDir");
        if (shared != null) {
            addCaptures(new File(shared, "pcaps"), files);
        }
        String project = System.getProperty("weir.projectDir");
        if (project != null) {
            addCaptures(new File(project, "pcaps"), files);
        }
        for (File f : files) {
            int[] lt = new int[1];
            List<LibPcap.Packet> ps = LibPcap.read(f.getPath(), lt, perFile);
            if (ps == null) {
                continue;
            }
            int norm = LinkLayer.of(lt[0]) == null ? -1 : LinkLayer.of(lt[0]).linkType();
            if (raw.containsKey(norm)) {
                raw.get(norm).addAll(ps);
            }
        }
        derive(raw);
        Map<Integer, List<Pkt>> out = new HashMap<>();
        for (Map.Entry<Integer, List<LibPcap.Packet>> e : raw.entrySet()) {
            Set<String> seen = new HashSet<>();
            List<Pkt> list = new ArrayList<>();
            for (LibPcap.Packet p : e.getValue()) {
                if (!seen.add(p.wireLen() + ":" + Arrays.hashCode(p.data()) + ":" + p.data().length)) {
                    continue;
                }
                Memory m = new Memory(Math.max(1, p.data().length));
                m.write(0, p.data(), 0, p.data().length);
                list.add(new Pkt(p.data(), p.wireLen(), p.origin(), m));
            }
            out.put(e.getKey(), list);
        }
        cache = out;
        return out;
    }

    private static void addCaptures(File dir, List<File> out) {
        File[] fs = dir.listFiles();
        if (fs == null) {
            return;
        }
        Arrays.sort(fs);
        for (File f : fs) {
            String n = f.getName();
            if (n.endsWith(".pcap") || n.endsWith(".pcapng") || n.endsWith(".cap")) {
                out.add(f);
            }
        }
    }

    private static void derive(Map<Integer, List<LibPcap.Packet>> raw) {
        List<LibPcap.Packet> eth = new ArrayList<>(raw.get(LinkLayer.EN10MB));
        int n = 0;
        for (LibPcap.Packet p : eth) {
            byte[] d = p.data();
            if (d.length < 14) {
                continue;
            }
            int type = ((d[12] & 0xff) << 8) | (d[13] & 0xff);
            if (type <= 1500) {
                continue;
            }
            byte[] payload = Arrays.copyOfRange(d, 14, d.length);
            int wire = p.wireLen() - 14;
            String o = p.origin() + ">";
            boolean ip4 = type == 0x800;
            boolean ip6 = type == 0x86dd;
            if (ip4 || ip6) {
                add(raw, LinkLayer.RAW, payload, wire, o + "raw");
                // Linux's AF_INET6 and the three BSD values a savefile's filter checks; some NULL headers
                // big-endian, as a big-endian host writes them.
                int af = ip4 ? 2 : AF_INET6S[n % AF_INET6S.length];
                add(raw, LinkLayer.NULL, concat(n % 3 == 2 ? be32(af) : le32(af), payload), wire + 4, o + "null");
                add(raw, LinkLayer.LOOP, concat(be32(af), payload), wire + 4, o + "loop");
            }
            byte[] sll = new byte[16];
            sll[3] = 1;
            sll[5] = 6;
            System.arraycopy(d, 6, sll, 6, 6);
            sll[14] = d[12];
            sll[15] = d[13];
            add(raw, LinkLayer.LINUX_SLL, concat(sll, payload), wire + 16, o + "sll");
            byte[] sll2 = new byte[20];
            sll2[0] = d[12];
            sll2[1] = d[13];
            sll2[7] = 2;
            sll2[9] = 1;
            sll2[11] = 6;
            System.arraycopy(d, 6, sll2, 12, 6);
            add(raw, LinkLayer.LINUX_SLL2, concat(sll2, payload), wire + 20, o + "sll2");
            n++;
        }
        // Truncated copies: loads past the end must reject exactly where libpcap's would.
        for (int lt : LINK_TYPES) {
            List<LibPcap.Packet> list = raw.get(lt);
            int size = list.size();
            for (int i = 0; i < size; i += 7) {
                LibPcap.Packet p = list.get(i);
                int cut = 10 + (i % 60);
                if (p.data().length > cut) {
                    list.add(new LibPcap.Packet(Arrays.copyOf(p.data(), cut), p.wireLen(), p.origin() + "/cut" + cut));
                }
            }
        }
    }

    private static void add(Map<Integer, List<LibPcap.Packet>> raw, int lt, byte[] d, int wire, String origin) {
        raw.get(lt).add(new LibPcap.Packet(d, Math.max(wire, d.length), origin));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static byte[] le32(int v) {
        return new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
    }

    private static byte[] be32(int v) {
        return new byte[] {(byte) (v >> 24), (byte) (v >> 16), (byte) (v >> 8), (byte) v};
    }
}
