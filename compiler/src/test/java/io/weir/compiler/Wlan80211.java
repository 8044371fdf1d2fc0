package io.weir.compiler;

import java.io.ByteArrayOutputStream;
import java.util.Random;

/**
 * A small builder of 802.11 frame prefixes for {@link LinkPackets}: a radio header (radiotap with and without
 * TSFT, the FLAGS field, its data-pad bit and extension bit; PPI for 802.11 or another DLT; Prism with and
 * without its message code; AVS) of varying lengths, then an 802.11 header of a random kind (management,
 * control, data, QoS data, null data, any DS bits, sometimes protected, 4-address frames), its QoS field, the
 * radiotap padding, and for data frames an LLC/SNAP header carrying {@code type}.
 */
final class Wlan80211 {
    private static final byte[][] MACS = {
        {1, 2, 3, 4, 5, 6}, {-1, -1, -1, -1, -1, -1}, {0, 1, 2, 3, 4, 5}, {0x33, 0x33, 0, 0, 0, 1}};
    /** Frame control byte 0: beacon, probe request, data, QoS data, null, QoS null, RTS, CTS, ACK, reserved. */
    private static final int[] FC0 = {0x80, 0x40, 0x08, 0x88, 0x48, 0xc8, 0xb4, 0xc4, 0xd4, 0x0c, 0x08, 0x88};

    private Wlan80211() {
    }

    /** Radio header, 802.11 header and LLC/SNAP for DLT {@code dlt} (105, 119, 127, 163 or 192). */
    static byte[] prefix(int dlt, int type, Random rnd, boolean scramble) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean datapad = false;
        switch (dlt) {
            case 127: datapad = radiotap(out, rnd); break;
            case 192: ppi(out, rnd); break;
            case 119: prism(out, rnd); break;
            case 163: avs(out, rnd); break;
            default: break;
        }
        int fc0 = FC0[rnd.nextInt(FC0.length)];
        int fc1 = rnd.nextInt(4) | (rnd.nextInt(4) == 0 ? 0x40 : 0);
        int start = out.size();
        out.write(fc0);
        out.write(fc1);
        out.write(rnd.nextInt(256));
        out.write(rnd.nextInt(256));
        for (int i = 0; i < 3; i++) {
            mac(out, rnd);
        }
        out.write(rnd.nextInt(256));
        out.write(rnd.nextInt(256));
        boolean data = (fc0 & 0x0c) == 0x08;
        if (data && (fc1 & 3) == 3) {
            mac(out, rnd);
        }
        if (data && (fc0 & 0x80) != 0) {
            out.write(rnd.nextInt(8));
            out.write(0);
        }
        if (datapad) {
            while ((out.size() - start) % 4 != 0) {
                out.write(0);
            }
        }
        if (data) {
            out.write(0xaa);
            out.write(0xaa);
            out.write(3);
            out.write(0);
            out.write(0);
            out.write(0);
            int t = scramble ? rnd.nextInt(0x10000) : type;
            out.write(t >> 8);
            out.write(t);
        }
        return out.toByteArray();
    }

    private static void mac(ByteArrayOutputStream out, Random rnd) {
        if (rnd.nextInt(3) == 0) {
            out.write(MACS[rnd.nextInt(MACS.length)], 0, 6);
        } else {
            for (int i = 0; i < 6; i++) {
                out.write(rnd.nextInt(256));
            }
        }
    }

    private static void le16(ByteArrayOutputStream out, int v) {
        out.write(v);
        out.write(v >> 8);
    }

    private static void le32(ByteArrayOutputStream out, int v) {
        le16(out, v);
        le16(out, v >> 16);
    }

    private static void be32(ByteArrayOutputStream out, int v) {
        out.write(v >> 24);
        out.write(v >> 16);
        out.write(v >> 8);
        out.write(v);
    }

    /** A radiotap header; whether it says the 802.11 header is padded. */
    private static boolean radiotap(ByteArrayOutputStream out, Random rnd) {
        boolean tsft = rnd.nextBoolean();
        boolean flags = rnd.nextInt(4) != 0;
        boolean ext = rnd.nextInt(6) == 0;
        int flagsByte = rnd.nextInt(256) & (rnd.nextBoolean() ? 0x20 : 0xdf);
        int extra = rnd.nextInt(3) * 4;
        int len = 8 + (ext ? 4 : 0) + (tsft ? 8 : 0) + (flags ? 1 : 0) + extra;
        if (tsft && !ext) {
            len = Math.max(len, 17);
        }
        out.write(0);
        out.write(0);
        le16(out, len);
        le32(out, (tsft ? 1 : 0) | (flags ? 2 : 0) | (ext ? 0x80000000 : 0));
        byte[] rest = new byte[len - 8];
        rnd.nextBytes(rest);
        int flagsAt = (tsft ? 16 : 8) - 8 + (ext ? 4 : 0);
        if (flags && flagsAt < rest.length) {
            rest[flagsAt] = (byte) flagsByte;
        }
        out.write(rest, 0, rest.length);
        return flags && !ext && (flagsByte & 0x20) != 0;
    }

    private static void ppi(ByteArrayOutputStream out, Random rnd) {
        int len = 8 + rnd.nextInt(3) * 4;
        out.write(0);
        out.write(0);
        le16(out, len);
        le32(out, rnd.nextInt(5) == 0 ? 1 : 105);
        for (int i = 8; i < len; i++) {
            out.write(rnd.nextInt(256));
        }
    }

    private static void prism(ByteArrayOutputStream out, Random rnd) {
        boolean coded = rnd.nextBoolean();
        int len = coded ? 32 + rnd.nextInt(4) * 8 : 144;
        be32(out, coded ? 0x80211000 | rnd.nextInt(0x1000) : 0x44);
        be32(out, coded ? len : rnd.nextInt());
        for (int i = 8; i < len; i++) {
            out.write(rnd.nextInt(256));
        }
    }

    private static void avs(ByteArrayOutputStream out, Random rnd) {
        int len = 64 + rnd.nextInt(2) * 8;
        be32(out, 0x80211001);
        be32(out, len);
        for (int i = 8; i < len; i++) {
            out.write(rnd.nextInt(256));
        }
    }
}
