package io.weir.compiler;

import com.sun.jna.Memory;
import io.weir.compiler.lower.LinkTypes;
import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Packets for the link types beyond {@link TestPackets}' six, by DLT number: every capture of
 * {@code weir.sharedDir/pcaps} whose link type is one of them (as libpcap reads it), plus the IPv4, IPv6 and
 * ARP payloads of the Ethernet test packets behind each link type's own header (PPP, Cisco HDLC, Frame Relay,
 * LLC/SNAP at the FDDI, token ring, Fibre Channel and ATM offsets, ARCNET, SunATM, ipnet, Juniper "MGC", ...),
 * some with a random type field, and truncated copies. The random bytes come from one seed, named in
 * {@link #SEED}.
 */
final class LinkPackets {
    /** The seed of every random header byte. */
    static final long SEED = 0x5eed_11e7L;

    private static Map<Integer, List<TestPackets.Pkt>> cache;

    private LinkPackets() {
    }

    /** The packets of {@code dlts}, by DLT. */
    static synchronized Map<Integer, List<TestPackets.Pkt>> of(int... dlts) {
        if (cache == null) {
            cache = new HashMap<>();
        }
        Map<Integer, List<TestPackets.Pkt>> out = new HashMap<>();
        List<int[]> missing = new ArrayList<>();
        for (int dlt : dlts) {
            if (!cache.containsKey(dlt)) {
                missing.add(new int[] {dlt});
            }
        }
        if (!missing.isEmpty()) {
            Map<Integer, List<LibPcap.Packet>> raw = new HashMap<>();
            for (int[] m : missing) {
                raw.put(m[0], new ArrayList<>());
            }
            readCaptures(raw);
            derive(raw);
            for (Map.Entry<Integer, List<LibPcap.Packet>> e : raw.entrySet()) {
                cache.put(e.getKey(), toPkts(e.getValue()));
            }
        }
        for (int dlt : dlts) {
            out.put(dlt, cache.get(dlt));
        }
        return out;
    }

    private static void readCaptures(Map<Integer, List<LibPcap.Packet>> raw) {
        String shared = System.getProperty("weir.sharedDir");
        if (shared == null) {
            return;
        }
        File[] fs = new File(shared, "pcaps").listFiles();
        if (fs == null) {
            return;
        }
        Arrays.sort(fs);
        for (File f : fs) {
            String n = f.getName();
            if (!(n.endsWith(".pcap") || n.endsWith(".pcapng") || n.endsWith(".cap"))) {
                continue;
            }
            int[] lt = new int[1];
            List<LibPcap.Packet> ps = LibPcap.read(f.getPath(), lt, 200);
            if (ps != null && raw.containsKey(lt[0])) {
                raw.get(lt[0]).addAll(ps);
                CAPTURED.add(lt[0]);
            }
        }
    }

    private static List<TestPackets.Pkt> toPkts(List<LibPcap.Packet> ps) {
        Set<String> seen = new HashSet<>();
        List<TestPackets.Pkt> list = new ArrayList<>();
        for (LibPcap.Packet p : ps) {
            if (!seen.add(p.wireLen() + ":" + Arrays.hashCode(p.data()) + ":" + p.data().length)) {
                continue;
            }
            Memory m = new Memory(Math.max(1, p.data().length));
            m.write(0, p.data(), 0, p.data().length);
            list.add(new TestPackets.Pkt(p.data(), p.wireLen(), p.origin(), m));
        }
        return list;
    }

    /** At most this many payloads per link type, spread over the Ethernet packets (the test's time budget). */
    private static final int PAYLOADS = 100;

    /** Network payloads (with their Ethernet type) from the Ethernet test packets. */
    private static List<Object[]> payloads() {
        List<Object[]> all = new ArrayList<>();
        for (TestPackets.Pkt p : TestPackets.byLinkType().get(1)) {
            byte[] d = p.data();
            if (d.length < 14 || d.length != p.wireLen()) {
                continue;
            }
            int type = ((d[12] & 0xff) << 8) | (d[13] & 0xff);
            if (type == 0x800 || type == 0x86dd || type == 0x806 || type == 0x8035) {
                all.add(new Object[] {type, Arrays.copyOfRange(d, 14, d.length), p.origin(), d});
            }
        }
        List<Object[]> out = new ArrayList<>();
        int stride = Math.max(1, all.size() / PAYLOADS);
        for (int i = 0; i < all.size(); i += stride) {
            out.add(all.get(i));
        }
        return out;
    }

    /** The DLTs some shared capture has packets of (read by {@link #of}). */
    static synchronized Set<Integer> captured() {
        return CAPTURED;
    }

    private static final Set<Integer> CAPTURED = new HashSet<>();

    private static void derive(Map<Integer, List<LibPcap.Packet>> raw) {
        List<Object[]> payloads = payloads();
        for (Map.Entry<Integer, List<LibPcap.Packet>> e : raw.entrySet()) {
            LinkTypes.LinkType t = LinkTypes.of(e.getKey());
            if (t == null) {
                continue;
            }
            Random rnd = new Random(SEED + e.getKey());
            List<LibPcap.Packet> list = e.getValue();
            int n = 0;
            for (Object[] pl : payloads) {
                int type = (Integer) pl[0];
                byte[] payload = (byte[]) pl[1];
                boolean scramble = n++ % 5 == 4;
                byte[] hdr = header(t, type, (byte[]) pl[3], rnd, scramble);
                if (hdr == null) {
                    continue;
                }
                byte[] d = t.family() == LinkTypes.Family.ETHER ? concat(hdr, (byte[]) pl[3]) : concat(hdr, payload);
                list.add(new LibPcap.Packet(d, d.length, pl[2] + ">" + t.name() + (scramble ? "~" : "")));
            }
            int size = list.size();
            for (int i = 0; i < size; i += 5) {
                LibPcap.Packet p = list.get(i);
                int cut = 2 + (i % 50);
                if (p.data().length > cut) {
                    list.add(new LibPcap.Packet(Arrays.copyOf(p.data(), cut), p.wireLen(), p.origin() + "/cut" + cut));
                }
            }
        }
    }

    private static int ppp(int type, Random rnd, boolean bsdos) {
        switch (type) {
            case 0x800: return bsdos ? new int[] {0x21, 0x2d, 0x2f}[rnd.nextInt(3)] : 0x21;
            case 0x86dd: return 0x57;
            default: return type;
        }
    }

    /**
     * The link-layer header for a payload of Ethernet type {@code type}; {@code scramble} leaves the type field
     * random. Null when the link type cannot carry it at all and the packet would add nothing.
     */
    private static byte[] header(LinkTypes.LinkType t, int type, byte[] frame, Random rnd, boolean scramble) {
        if (t.family() == LinkTypes.Family.WLAN) {
            return Wlan80211.prefix(t.dlt(), type, rnd, scramble);
        }
        int nl = t.offNl();
        int lt = t.offLinkType();
        byte[] h = new byte[Math.max(0, nl)];
        rnd.nextBytes(h);
        boolean v6 = type == 0x86dd;
        switch (t.family()) {
            case PPP:
            case PPP_BSDOS:
                if (lt == 2) {
                    h[0] = (byte) 0xff;
                    h[1] = 0x03;
                }
                put16(h, lt, ppp(type, rnd, t.family() == LinkTypes.Family.PPP_BSDOS));
                break;
            case CHDLC:
            case PLAIN:
                put16(h, lt, type);
                break;
            case LLC:
            case SUNATM:
                if (t.family() == LinkTypes.Family.SUNATM) {
                    h[0] = (byte) ((h[0] & 0xf0) | 2);
                }
                h[lt] = (byte) 0xaa;
                h[lt + 1] = (byte) 0xaa;
                h[lt + 2] = 3;
                h[lt + 3] = 0;
                h[lt + 4] = 0;
                h[lt + 5] = 0;
                put16(h, lt + 6, type);
                break;
            case FRELAY:
                if (type != 0x800 && !v6) {
                    return null;
                }
                h = new byte[] {(byte) rnd.nextInt(256), (byte) rnd.nextInt(256), 3, (byte) (v6 ? 0x8e : 0xcc)};
                break;
            case ARCNET:
                h[lt] = (byte) (type == 0x800 ? (rnd.nextBoolean() ? 0xd4 : 0xf0) : v6 ? 0xc4
                        : type == 0x806 ? (rnd.nextBoolean() ? 0xd5 : 0xf1) : 0xd6);
                if (rnd.nextInt(4) == 0) {
                    h[1] = 0;
                }
                break;
            case IPNET:
                h[lt] = (byte) (v6 ? 26 : 2);
                break;
            case SLIP:
            case RAW4:
            case RAW6:
            case LTALK:
                if (type != 0x800 && !v6) {
                    return null;
                }
                break;
            case LOOPBACK:
                h[0] = (byte) (v6 ? 10 : 2);
                h[1] = 0;
                h[2] = 0;
                h[3] = 0;
                break;
            case JUNIPER:
            case BACNET:
                if (nl < 0) {
                    h = new byte[4 + rnd.nextInt(28)];
                    rnd.nextBytes(h);
                }
                if (h.length >= 4 && rnd.nextInt(4) != 0) {
                    if (t.family() == LinkTypes.Family.JUNIPER) {
                        h[0] = 'M';
                        h[1] = 'G';
                        h[2] = 'C';
                    } else {
                        h[0] = 0x55;
                        h[1] = (byte) 0xff;
                    }
                }
                break;
            case SLL:
                // Packet type: host, broadcast, multicast, other host, outgoing.
                put16(h, 0, rnd.nextInt(5));
                put16(h, lt, type);
                break;
            case SLL2:
                put16(h, lt, type);
                h[4] = 0;
                h[5] = 0;
                h[6] = 0;
                h[7] = (byte) (1 + rnd.nextInt(3));
                h[10] = (byte) rnd.nextInt(5);
                break;
            case ETHER:
                h = new byte[t.offLinkHdr()];
                rnd.nextBytes(h);
                break;
            default:
                break;
        }
        if (scramble && lt >= 0 && lt + 2 <= h.length) {
            h[lt] = (byte) rnd.nextInt(256);
            h[lt + 1] = (byte) rnd.nextInt(256);
        }
        return h;
    }

    private static void put16(byte[] h, int off, int v) {
        if (off >= 0 && off + 2 <= h.length) {
            h[off] = (byte) (v >> 8);
            h[off + 1] = (byte) v;
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
