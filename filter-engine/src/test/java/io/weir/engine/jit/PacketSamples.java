package io.weir.engine.jit;

import java.util.Random;

/**
 * Ethernet frames for filter tests, built from templates so that classic filters take their interesting
 * branches: IPv4 (TCP, UDP, ICMP; options, fragments), IPv6 (TCP, UDP, ICMPv6), ARP, 802.1Q-tagged IPv4, and raw
 * noise, over a few hosts and common ports, some truncated below their headers.
 */
final class PacketSamples {
    private static final int[] HOSTS = {0xc0a80101, 0xc0a80102, 0x0a000001, 0x0a010203, 0xac100001, 0xe0000001};
    private static final int[] PORTS = {80, 443, 22, 53, 8080, 4789, 123, 1023, 1024, 0};

    private PacketSamples() {}

    /** One frame; its captured length may be shorter than the array (see {@link #capLen}). */
    static byte[] frame(Random r) {
        int kind = r.nextInt(10);
        byte[] p;
        if (kind < 4) {
            p = ipv4(r, 14, 0x0800);
        } else if (kind < 6) {
            p = ipv6(r);
        } else if (kind < 7) {
            p = ipv4(r, 18, 0x8100);
            put16(p, 14, r.nextInt(4) == 0 ? 100 : r.nextInt(4096));
            put16(p, 16, 0x0800);
        } else if (kind < 8) {
            p = new byte[42];
            r.nextBytes(p);
            put16(p, 12, r.nextBoolean() ? 0x0806 : 0x8035);
        } else {
            p = new byte[r.nextInt(120)];
            r.nextBytes(p);
        }
        if (p.length > 0 && r.nextInt(6) == 0) {
            java.util.Arrays.fill(p, 0, Math.min(6, p.length), (byte) 0xff);
        }
        return p;
    }

    /** A captured length for {@code p}: usually all of it, sometimes cut inside the headers. */
    static int capLen(Random r, byte[] p) {
        return r.nextInt(5) == 0 ? r.nextInt(p.length + 1) : p.length;
    }

    private static byte[] ipv4(Random r, int l3, int etherType) {
        int ihl = r.nextInt(4) == 0 ? 5 + r.nextInt(3) : 5;
        int proto = new int[] {6, 6, 17, 17, 1, 47, 132}[r.nextInt(7)];
        int l4 = proto == 6 ? 20 : 8;
        byte[] p = new byte[l3 + ihl * 4 + l4 + r.nextInt(600)];
        r.nextBytes(p);
        put16(p, 12, etherType);
        p[l3] = (byte) (0x40 | ihl);
        put16(p, l3 + 2, p.length - l3);
        put16(p, l3 + 6, r.nextInt(4) == 0 ? r.nextInt(0x4000) : 0x4000);
        p[l3 + 9] = (byte) proto;
        put32(p, l3 + 12, HOSTS[r.nextInt(HOSTS.length)]);
        put32(p, l3 + 16, HOSTS[r.nextInt(HOSTS.length)]);
        int t = l3 + ihl * 4;
        put16(p, t, PORTS[r.nextInt(PORTS.length)]);
        put16(p, t + 2, PORTS[r.nextInt(PORTS.length)]);
        if (proto == 6) {
            p[t + 12] = (byte) ((5 + r.nextInt(3)) << 4);
            p[t + 13] = (byte) (r.nextBoolean() ? 0x02 : r.nextInt(64));
        }
        if (proto == 1) {
            p[t] = (byte) (r.nextBoolean() ? 8 : 0);
        }
        return p;
    }

    private static byte[] ipv6(Random r) {
        int next = new int[] {6, 17, 58, 0, 44}[r.nextInt(5)];
        byte[] p = new byte[14 + 40 + 20 + r.nextInt(200)];
        r.nextBytes(p);
        put16(p, 12, 0x86dd);
        p[14] = 0x60;
        p[20] = (byte) next;
        put16(p, 54, PORTS[r.nextInt(PORTS.length)]);
        put16(p, 56, PORTS[r.nextInt(PORTS.length)]);
        if (next == 58) {
            p[54] = (byte) (r.nextBoolean() ? 128 : 129);
        }
        return p;
    }

    private static void put16(byte[] p, int at, int v) {
        p[at] = (byte) (v >>> 8);
        p[at + 1] = (byte) v;
    }

    private static void put32(byte[] p, int at, int v) {
        put16(p, at, v >>> 16);
        put16(p, at + 2, v);
    }
}
