package io.weir.netty;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/** Builds test packets: IPv4/IPv6 with UDP or TCP, optionally in an Ethernet frame. */
final class Frames {
    private Frames() {
    }

    static byte[] addr(String text) {
        try {
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    /** An IP packet (version from the address form) carrying {@code proto} with ports and payload. */
    static byte[] ip(int proto, String src, String dst, int sport, int dport, byte[] payload) {
        byte[] s = addr(src);
        byte[] d = addr(dst);
        int l4 = proto == 6 ? 20 : 8;
        int ipHeader = s.length == 4 ? 20 : 40;
        byte[] p = new byte[ipHeader + l4 + payload.length];
        if (s.length == 4) {
            p[0] = 0x45;
            put16(p, 2, p.length);
            p[8] = 64;
            p[9] = (byte) proto;
            System.arraycopy(s, 0, p, 12, 4);
            System.arraycopy(d, 0, p, 16, 4);
        } else {
            p[0] = 0x60;
            put16(p, 4, l4 + payload.length);
            p[6] = (byte) proto;
            p[7] = 64;
            System.arraycopy(s, 0, p, 8, 16);
            System.arraycopy(d, 0, p, 24, 16);
        }
        put16(p, ipHeader, sport);
        put16(p, ipHeader + 2, dport);
        if (proto == 17) {
            put16(p, ipHeader + 4, 8 + payload.length);
        } else {
            p[ipHeader + 12] = 0x50;
        }
        System.arraycopy(payload, 0, p, ipHeader + l4, payload.length);
        return p;
    }

    static byte[] udp(String src, String dst, int sport, int dport, String payload) {
        return ip(17, src, dst, sport, dport, payload.getBytes(StandardCharsets.ISO_8859_1));
    }

    static byte[] tcp(String src, String dst, int sport, int dport) {
        return ip(6, src, dst, sport, dport, new byte[0]);
    }

    /** {@code ip} in an Ethernet frame (EtherType from the IP version). */
    static byte[] ether(byte[] ip) {
        byte[] f = new byte[14 + ip.length];
        for (int i = 0; i < 12; i++) {
            f[i] = (byte) (i + 1);
        }
        put16(f, 12, (ip[0] >>> 4) == 6 ? 0x86dd : 0x0800);
        System.arraycopy(ip, 0, f, 14, ip.length);
        return f;
    }

    /** A DNS header: id, flags (QR bit 0x80 in byte 2 for responses), one question. */
    static byte[] dns(boolean response) {
        byte[] h = new byte[12 + 17];
        h[0] = 0x12;
        h[1] = 0x34;
        h[2] = (byte) (response ? 0x81 : 0x01);
        h[5] = 1;
        byte[] q = {7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1};
        System.arraycopy(q, 0, h, 12, q.length);
        return h;
    }

    private static void put16(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
    }
}
