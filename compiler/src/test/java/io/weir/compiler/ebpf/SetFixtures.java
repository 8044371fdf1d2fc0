package io.weir.compiler.ebpf;

/** Frames and addresses for the set tests: Ethernet, IPv4 (no options), UDP. */
final class SetFixtures {
    private SetFixtures() {
    }

    /** Dotted form of an IPv4 address. */
    static String ip(int a) {
        return (a >>> 24) + "." + (a >>> 16 & 0xff) + "." + (a >>> 8 & 0xff) + "." + (a & 0xff);
    }

    /** An Ethernet/IPv4/UDP frame with 4 payload bytes. */
    static byte[] udp4(int src, int dst, int sport, int dport) {
        byte[] f = new byte[14 + 20 + 8 + 4];
        f[12] = 0x08;
        f[14] = 0x45;
        f[16] = 0;
        f[17] = (byte) (f.length - 14);
        f[22] = 64;
        f[23] = 17;
        put32(f, 26, src);
        put32(f, 30, dst);
        f[34] = (byte) (sport >>> 8);
        f[35] = (byte) sport;
        f[36] = (byte) (dport >>> 8);
        f[37] = (byte) dport;
        f[39] = 12;
        return f;
    }

    private static void put32(byte[] f, int at, int v) {
        f[at] = (byte) (v >>> 24);
        f[at + 1] = (byte) (v >>> 16);
        f[at + 2] = (byte) (v >>> 8);
        f[at + 3] = (byte) v;
    }
}
