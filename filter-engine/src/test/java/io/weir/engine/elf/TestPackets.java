package io.weir.engine.elf;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Generated Ethernet frames for the ELF fixtures: IPv4 TCP/UDP/ICMP/GRE, ARP, and truncated frames. */
final class TestPackets {
    /** One frame: captured bytes and the length on the wire. */
    record Pkt(byte[] bytes, int wireLen) {
        int u8(int off) {
            return bytes[off] & 0xff;
        }

        int u16(int off) {
            return u8(off) << 8 | u8(off + 1);
        }

        boolean ipv4() {
            return bytes.length >= 14 && u16(12) == 0x0800;
        }
    }

    private TestPackets() {}

    /** {@code n} frames from {@code seed}, with source and destination addresses from {@code hosts} hosts. */
    static List<Pkt> generate(long seed, int n, int hosts) {
        Random r = new Random(seed);
        List<Pkt> out = new ArrayList<>();
        int[] protos = {6, 17, 1, 47};
        for (int i = 0; i < n; i++) {
            int kind = r.nextInt(10);
            byte[] p;
            if (kind == 0) {
                p = new byte[42];
                r.nextBytes(p);
                p[12] = 0x08;
                p[13] = 0x06; // ARP
            } else {
                int proto = protos[r.nextInt(protos.length)];
                p = new byte[34 + 8 + r.nextInt(60)];
                r.nextBytes(p);
                p[12] = 0x08;
                p[13] = 0x00;
                p[14] = 0x45;
                p[14 + 9] = (byte) proto;
                p[26] = 10;
                p[27] = 0;
                p[28] = 0;
                p[29] = (byte) r.nextInt(hosts);
                p[30] = 10;
                p[31] = 1;
                p[32] = 0;
                p[33] = (byte) r.nextInt(hosts);
                if (proto == 17) {
                    int port = r.nextInt(3) == 0 ? 53 : 1024 + r.nextInt(1000);
                    p[36] = (byte) (port >>> 8);
                    p[37] = (byte) port;
                }
                if (kind == 1) {
                    p = java.util.Arrays.copyOf(p, 10 + r.nextInt(26)); // truncated capture
                }
            }
            int wire = p.length + (r.nextInt(4) == 0 ? r.nextInt(1000) : 0);
            out.add(new Pkt(p, wire));
        }
        return out;
    }
}
