package io.weir.compiler.ext;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Packet builders for the extension tests, written apart from the compiler: each method lays out one header
 * (RFC field by field) in front of a payload. Checksums are left zero (tshark does not check them by default).
 */
public final class Frames {
    static final byte[] MAC_A = {0x02, 0, 0, 0, 0, 0x0a};
    static final byte[] MAC_B = {0x02, 0, 0, 0, 0, 0x0b};
    static final int TPID_8021Q = 0x8100;
    static final int TPID_8021AD = 0x88a8;
    static final int FIN = 0x01;
    static final int SYN = 0x02;
    static final int RST = 0x04;
    static final int PSH = 0x08;
    static final int ACK = 0x10;
    static final int URG = 0x20;
    static final int ECE = 0x40;
    static final int CWR = 0x80;
    static final int AE = 0x100;

    private Frames() {
    }

    static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] be16(int v) {
        return new byte[] {(byte) (v >> 8), (byte) v};
    }

    static byte[] ip4addr(String dotted) {
        String[] p = dotted.split("\\.");
        return new byte[] {(byte) Integer.parseInt(p[0]), (byte) Integer.parseInt(p[1]), (byte) Integer.parseInt(p[2]),
            (byte) Integer.parseInt(p[3])};
    }

    /** fd00::{@code last}. */
    static byte[] ip6addr(int last) {
        byte[] a = new byte[16];
        a[0] = (byte) 0xfd;
        a[14] = (byte) (last >> 8);
        a[15] = (byte) last;
        return a;
    }

    static byte[] ether(int type, byte[] payload) {
        return cat(MAC_B, MAC_A, be16(type), payload);
    }

    /** Ethernet with VLAN tags: {@code tags} holds TPID/VID pairs, outermost first. */
    static byte[] etherTagged(int type, byte[] payload, int... tags) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(MAC_B);
        out.writeBytes(MAC_A);
        for (int i = 0; i < tags.length; i += 2) {
            out.writeBytes(be16(tags[i]));
            out.writeBytes(be16(tags[i + 1]));
        }
        out.writeBytes(be16(type));
        out.writeBytes(payload);
        return out.toByteArray();
    }

    /** IPv4 with {@code optWords} 4-byte words of options (NOPs), fragment offset {@code fragOff} (8-byte units). */
    static byte[] ipv4(int proto, String src, String dst, byte[] payload, int optWords, int fragOff, boolean more) {
        int hl = 20 + 4 * optWords;
        byte[] h = new byte[hl];
        h[0] = (byte) (0x40 | (hl / 4));
        int total = hl + payload.length;
        h[2] = (byte) (total >> 8);
        h[3] = (byte) total;
        int frag = (more ? 0x2000 : 0) | fragOff;
        h[6] = (byte) (frag >> 8);
        h[7] = (byte) frag;
        h[8] = 64;
        h[9] = (byte) proto;
        System.arraycopy(ip4addr(src), 0, h, 12, 4);
        System.arraycopy(ip4addr(dst), 0, h, 16, 4);
        for (int i = 20; i < hl; i++) {
            h[i] = 1;
        }
        return cat(h, payload);
    }

    static byte[] ipv4(int proto, String src, String dst, byte[] payload) {
        return ipv4(proto, src, dst, payload, 0, 0, false);
    }

    static byte[] ipv6(int nh, int src, int dst, byte[] payload) {
        byte[] h = new byte[40];
        h[0] = 0x60;
        h[4] = (byte) (payload.length >> 8);
        h[5] = (byte) payload.length;
        h[6] = (byte) nh;
        h[7] = 64;
        System.arraycopy(ip6addr(src), 0, h, 8, 16);
        System.arraycopy(ip6addr(dst), 0, h, 24, 16);
        return cat(h, payload);
    }

    /** An options-type extension header (Hop-by-Hop 0, Destination 60) of {@code 8 * (len + 1)} bytes, PadN. */
    static byte[] options(int nh, int len, byte[] payload) {
        byte[] h = new byte[8 * (len + 1)];
        h[0] = (byte) nh;
        h[1] = (byte) len;
        h[2] = 1;
        h[3] = (byte) (h.length - 4);
        return cat(h, payload);
    }

    /** A Routing header type 4 (segment routing) with one 16-byte segment. */
    static byte[] routing(int nh, byte[] payload) {
        byte[] h = new byte[24];
        h[0] = (byte) nh;
        h[1] = 2;
        h[2] = 4;
        h[3] = 0;
        System.arraycopy(ip6addr(9), 0, h, 8, 16);
        return cat(h, payload);
    }

    static byte[] fragment(int nh, int offset, boolean more, byte[] payload) {
        byte[] h = new byte[8];
        h[0] = (byte) nh;
        int v = (offset << 3) | (more ? 1 : 0);
        h[2] = (byte) (v >> 8);
        h[3] = (byte) v;
        h[7] = 0x2a;
        return cat(h, payload);
    }

    /** TCP with the 9-bit {@code flags} (AE at 0x100). */
    static byte[] tcp(int sport, int dport, int flags) {
        byte[] h = new byte[20];
        System.arraycopy(be16(sport), 0, h, 0, 2);
        System.arraycopy(be16(dport), 0, h, 2, 2);
        h[7] = 1;
        h[12] = (byte) (0x50 | ((flags >> 8) & 1));
        h[13] = (byte) flags;
        h[14] = 0x10;
        return h;
    }

    static byte[] udp(int sport, int dport, byte[] payload) {
        byte[] h = new byte[8];
        System.arraycopy(be16(sport), 0, h, 0, 2);
        System.arraycopy(be16(dport), 0, h, 2, 2);
        System.arraycopy(be16(8 + payload.length), 0, h, 4, 2);
        return cat(h, payload);
    }

    static byte[] icmp6(int type) {
        return new byte[] {(byte) type, 0, 0, 0, 0, 1, 0, 1};
    }

    static byte[] vxlan(int vni, byte[] innerFrame) {
        byte[] h = {0x08, 0, 0, 0, (byte) (vni >> 16), (byte) (vni >> 8), (byte) vni, 0};
        return cat(h, innerFrame);
    }

    /** Geneve version 0 with {@code optWords} 4-byte words of options (one experimental TLV). */
    static byte[] geneve(int proto, int vni, int optWords, byte[] inner) {
        byte[] h = new byte[8 + 4 * optWords];
        h[0] = (byte) optWords;
        System.arraycopy(be16(proto), 0, h, 2, 2);
        h[4] = (byte) (vni >> 16);
        h[5] = (byte) (vni >> 8);
        h[6] = (byte) vni;
        if (optWords > 0) {
            h[8] = (byte) 0xff;
            h[9] = (byte) 0xff;
            h[10] = 0x01;
            h[11] = (byte) (optWords - 1);
        }
        return cat(h, inner);
    }

    /** GRE version 0 with the checksum, key and sequence flags as given. */
    static byte[] gre(int proto, boolean checksum, boolean key, boolean seq, byte[] inner) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write((checksum ? 0x80 : 0) | (key ? 0x20 : 0) | (seq ? 0x10 : 0));
        out.write(0);
        out.writeBytes(be16(proto));
        if (checksum) {
            out.writeBytes(new byte[4]);
        }
        if (key) {
            out.writeBytes(new byte[] {0, 0, 0x12, 0x34});
        }
        if (seq) {
            out.writeBytes(new byte[] {0, 0, 0, 7});
        }
        out.writeBytes(inner);
        return out.toByteArray();
    }

    /** A little-endian pcap file of Ethernet frames, frame i at second i (one per tshark io,stat interval). */
    public static void writePcap(Path file, java.util.List<byte[]> frames) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(le32(0xa1b2c3d4));
        out.writeBytes(new byte[] {2, 0, 4, 0});
        out.writeBytes(le32(0));
        out.writeBytes(le32(0));
        out.writeBytes(le32(262144));
        out.writeBytes(le32(1));
        for (int i = 0; i < frames.size(); i++) {
            byte[] f = frames.get(i);
            out.writeBytes(le32(i));
            out.writeBytes(le32(0));
            out.writeBytes(le32(f.length));
            out.writeBytes(le32(f.length));
            out.writeBytes(f);
        }
        Files.write(file, out.toByteArray());
    }

    private static byte[] le32(int v) {
        return new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
    }
}
