package io.weir.compiler;

import com.sun.jna.Memory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Packets for the link types whose keywords {@link LinkKeywordsDifferentialTest} checks, built field by field:
 * pflog (117) with header lengths that do and do not need rounding, every address family, action, reason and a
 * few interface and ruleset names; SunATM (123) with LLC, LANE (LE control frames too) and signalling traffic on
 * the well-known circuits, Q.2931 message types included; MTP2 (140), MTP2 with pseudo-header (139) and ERF (197)
 * with chosen length indicators and routing labels, in the plain and the HSL layout. Payloads are the IPv4 and
 * IPv6 packets (and, behind LANE, whole Ethernet frames) of {@link TestPackets}. Every fifth packet also comes
 * truncated. Random bytes come from {@link #SEED}.
 */
final class LinkKeywordPackets {
    /** The seed of every random byte. */
    static final long SEED = 0x11e7_4b3dL;
    static final int PFLOG = 117;
    static final int SUNATM = 123;
    static final int MTP2_WITH_PHDR = 139;
    static final int MTP2 = 140;
    static final int ERF = 197;

    private static final String[] IFNAMES = {"eth0", "eth0.5", "em0", "pflog0", "abcdefghijklmno", "e"};
    private static final String[] RULESETS = {"", "foo.bar", "main", "foo"};
    private static final int[] POINT_CODES = {5, 20, 555, 9999, 12345, 16383, 0, 3};

    private static Map<Integer, List<TestPackets.Pkt>> cache;

    private LinkKeywordPackets() {
    }

    /** The built packets of the five link types, by DLT. */
    static synchronized Map<Integer, List<TestPackets.Pkt>> built() {
        if (cache == null) {
            cache = new HashMap<>();
            List<byte[]> frames = frames();
            Random rnd = new Random(SEED);
            cache.put(PFLOG, pkts(pflog(frames, rnd), "pflog"));
            cache.put(SUNATM, pkts(sunatm(frames, rnd), "sunatm"));
            cache.put(MTP2, pkts(mtp(2, rnd), "mtp2"));
            cache.put(MTP2_WITH_PHDR, pkts(mtp(6, rnd), "mtp2-phdr"));
            cache.put(ERF, pkts(mtp(22, rnd), "erf"));
        }
        return cache;
    }

    /** Whole Ethernet frames of the test packets (IPv4, IPv6, ARP and the rest), at most 80. */
    private static List<byte[]> frames() {
        List<byte[]> all = new ArrayList<>();
        for (TestPackets.Pkt p : TestPackets.byLinkType().get(1)) {
            if (p.data().length >= 34 && p.data().length == p.wireLen()) {
                all.add(p.data());
            }
        }
        List<byte[]> out = new ArrayList<>();
        int stride = Math.max(1, all.size() / 80);
        for (int i = 0; i < all.size(); i += stride) {
            out.add(all.get(i));
        }
        return out;
    }

    private static int etherType(byte[] frame) {
        return ((frame[12] & 0xff) << 8) | (frame[13] & 0xff);
    }

    private static List<byte[]> pflog(List<byte[]> frames, Random rnd) {
        int[] lengths = {61, 64, 45, 48, 100, 8, 0, 255};
        List<byte[]> out = new ArrayList<>();
        int n = 0;
        for (byte[] f : frames) {
            int type = etherType(f);
            if (type != 0x800 && type != 0x86dd) {
                continue;
            }
            int len = lengths[n % lengths.length];
            int rounded = (len + 3) & ~3;
            byte[] t = new byte[Math.max(64, rounded)];
            rnd.nextBytes(t);
            t[0] = (byte) len;
            t[1] = (byte) (n % 7 == 6 ? rnd.nextInt(256) : type == 0x800 ? 2 : 10);
            t[2] = (byte) (n % 12);
            t[3] = (byte) (n % 16);
            name(t, 4, IFNAMES[n % IFNAMES.length]);
            name(t, 20, RULESETS[n % RULESETS.length]);
            put32(t, 36, n % 9);
            put32(t, 40, n % 4 == 0 ? -1 : n % 5);
            t[60] = (byte) (n % 3);   // direction: unknown, in, out
            out.add(concat(Arrays.copyOf(t, rounded), Arrays.copyOfRange(f, 14, f.length)));
            n++;
        }
        return out;
    }

    private static void name(byte[] h, int off, String name) {
        byte[] b = name.getBytes(StandardCharsets.ISO_8859_1);
        Arrays.fill(h, off, off + 16, (byte) 0);
        System.arraycopy(b, 0, h, off, b.length);
    }

    private static List<byte[]> sunatm(List<byte[]> frames, Random rnd) {
        int[] vpis = {0, 0, 1, 3, 5, 7};
        int[] vcis = {1, 2, 3, 4, 5, 16, 42};
        int[] msgs = {0x05, 0x02, 0x07, 0x0f, 0x4d, 0x5a, 0x01};
        List<byte[]> out = new ArrayList<>();
        int n = 0;
        for (byte[] f : frames) {
            byte[] ph = {(byte) ((rnd.nextBoolean() ? 0x80 : 0) | (n % 4 == 3 ? 0 : 1 + n % 2)),
                (byte) vpis[n % vpis.length], 0, (byte) vcis[(n / 2) % vcis.length]};
            if (n % 9 == 8) {
                ph[1] = (byte) rnd.nextInt(256);
                ph[2] = (byte) rnd.nextInt(256);
            }
            int traffic = ph[0] & 0x0f;
            byte[] body;
            if (traffic == 1) {
                // LANE: the LE header (an LE control frame now and then), then the Ethernet frame.
                byte[] le = n % 5 == 0 ? new byte[] {(byte) 0xff, 0} : new byte[] {0, (byte) rnd.nextInt(256)};
                body = concat(le, f);
            } else if (traffic == 2) {
                byte[] snap = {(byte) 0xaa, (byte) 0xaa, 3, 0, 0, 0, f[12], f[13]};
                body = concat(snap, Arrays.copyOfRange(f, 14, f.length));
            } else {
                // Signalling: a Q.2931 header whose message type is byte 5.
                body = Arrays.copyOfRange(f, 14, f.length);
                body[5] = (byte) msgs[n % msgs.length];
            }
            out.add(concat(ph, body));
            n++;
        }
        return out;
    }

    /** MTP2 signal units behind {@code li - 2} bytes of pseudo-header; plain and HSL layouts alternate. */
    private static List<byte[]> mtp(int li, Random rnd) {
        int[] indicators = {0, 1, 2, 3, 5, 63, 0x40, 0x82};
        List<byte[]> out = new ArrayList<>();
        for (int n = 0; n < 120; n++) {
            byte[] p = new byte[li + 12 + rnd.nextInt(20)];
            rnd.nextBytes(p);
            boolean hsl = n % 2 == 1;
            int sio = li + 1 + (hsl ? 3 : 0);
            if (hsl) {
                int ind = indicators[n % indicators.length] * 0x80 + rnd.nextInt(0x80);
                p[li + 2] = (byte) (ind >> 8);
                p[li + 3] = (byte) ind;
            } else {
                p[li] = (byte) ((rnd.nextInt(4) << 6) | (indicators[n % indicators.length] & 0x3f));
            }
            p[sio] = (byte) new int[] {3, 5, 0, 1, 2, rnd.nextInt(256)}[n % 6];
            int opc = n % 10 == 9 ? rnd.nextInt(16384) : POINT_CODES[n % POINT_CODES.length];
            int dpc = n % 11 == 10 ? rnd.nextInt(16384) : POINT_CODES[(n / 3) % POINT_CODES.length];
            int sls = n % 3 == 0 ? 7 : rnd.nextInt(16);
            int label = dpc | opc << 14 | sls << 28;
            for (int i = 0; i < 4; i++) {
                p[sio + 1 + i] = (byte) (label >>> (8 * i));
            }
            out.add(p);
        }
        return out;
    }

    private static List<TestPackets.Pkt> pkts(List<byte[]> built, String what) {
        List<TestPackets.Pkt> list = new ArrayList<>();
        for (int i = 0; i < built.size(); i++) {
            byte[] d = built.get(i);
            list.add(pkt(d, d.length, what + "#" + i));
            if (i % 5 == 0) {
                int cut = 2 + (i * 7) % Math.max(1, d.length - 2);
                list.add(pkt(Arrays.copyOf(d, cut), d.length, what + "#" + i + "/cut" + cut));
            }
        }
        return list;
    }

    private static TestPackets.Pkt pkt(byte[] d, int wireLen, String origin) {
        Memory m = new Memory(Math.max(1, d.length));
        m.write(0, d, 0, d.length);
        return new TestPackets.Pkt(d, wireLen, origin, m);
    }

    private static void put32(byte[] b, int off, int v) {
        for (int i = 0; i < 4; i++) {
            b[off + i] = (byte) (v >>> (24 - 8 * i));
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
