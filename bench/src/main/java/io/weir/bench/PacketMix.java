package io.weir.bench;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A deterministic in-memory mix of Ethernet frames for interpreter benchmarks: IPv4 TCP and UDP to common and
 * random ports, ICMP, IPv6 TCP and UDP, ARP and 802.1Q-tagged IPv4, from a few hosts among which
 * 192.168.1.1 and 10.0.0.0/8. The same seed gives the same frames; {@link #main} writes them as a pcap file so
 * that the C harness in {@code bench/c} times libpcap on exactly the packets the JMH benchmarks see.
 */
public final class PacketMix {
    /** Frames in the default mix. */
    public static final int DEFAULT_COUNT = 1024;
    /** The default seed. */
    public static final long DEFAULT_SEED = 0x77e1_2026L;

    private static final int[] HOSTS = {0xc0a80101, 0xc0a80102, 0x0a000001, 0x0a010203, 0x08080808, 0xac100001};
    private static final int[] TCP_PORTS = {80, 443, 22, 8080, 25};
    private static final int[] UDP_PORTS = {53, 123, 4789, 5353};

    private PacketMix() {
    }

    /** {@code count} frames from {@code seed}. */
    public static List<byte[]> generate(long seed, int count) {
        SplittableRandom r = new SplittableRandom(seed);
        List<byte[]> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int kind = r.nextInt(100);
            if (kind < 35) {
                out.add(ipv4(r, 6, false));
            } else if (kind < 55) {
                out.add(ipv4(r, 17, false));
            } else if (kind < 62) {
                out.add(ipv4(r, 1, false));
            } else if (kind < 77) {
                out.add(ipv6(r, r.nextBoolean() ? 6 : 17));
            } else if (kind < 85) {
                out.add(arp(r));
            } else {
                out.add(ipv4(r, r.nextBoolean() ? 6 : 17, true));
            }
        }
        return out;
    }

    private static ByteBuffer ethernet(SplittableRandom r, int payload, int etherType, boolean vlan) {
        ByteBuffer b = ByteBuffer.allocate(14 + (vlan ? 4 : 0) + payload).order(ByteOrder.BIG_ENDIAN);
        b.putShort((short) 0x0011).putInt(0x22334400 | r.nextInt(4));          // destination MAC
        b.putShort((short) 0x0055).putInt(0x66778800 | r.nextInt(4));          // source MAC
        if (vlan) {
            b.putShort((short) 0x8100).putShort((short) (100 + r.nextInt(3)));
        }
        b.putShort((short) etherType);
        return b;
    }

    private static byte[] ipv4(SplittableRandom r, int proto, boolean vlan) {
        int optionWords = r.nextInt(10) == 0 ? 1 : 0;
        int ihl = 20 + 4 * optionWords;
        int l4 = proto == 6 ? 20 : 8;
        int data = r.nextInt(4) == 0 ? 0 : r.nextInt(1200);
        int total = ihl + l4 + data;
        ByteBuffer b = ethernet(r, total, 0x0800, vlan);
        b.put((byte) (0x40 | ihl / 4)).put((byte) 0).putShort((short) total);
        b.putShort((short) r.nextInt(65536));
        b.putShort((short) (r.nextInt(20) == 0 ? 0x2000 | r.nextInt(100) : 0x4000));   // some fragments
        b.put((byte) 64).put((byte) proto).putShort((short) 0);
        b.putInt(HOSTS[r.nextInt(HOSTS.length)]).putInt(HOSTS[r.nextInt(HOSTS.length)]);
        for (int i = 0; i < optionWords; i++) {
            b.putInt(0x01010101);
        }
        transport(r, b, proto, data);
        return b.array();
    }

    private static byte[] ipv6(SplittableRandom r, int proto) {
        int l4 = proto == 6 ? 20 : 8;
        int data = r.nextInt(800);
        ByteBuffer b = ethernet(r, 40 + l4 + data, 0x86dd, false);
        b.putInt(0x60000000).putShort((short) (l4 + data)).put((byte) proto).put((byte) 64);
        for (int a = 0; a < 2; a++) {
            b.putLong(0x20010db800000000L).putLong(r.nextInt(8));
        }
        transport(r, b, proto, data);
        return b.array();
    }

    private static void transport(SplittableRandom r, ByteBuffer b, int proto, int data) {
        if (proto == 6) {
            b.putShort((short) port(r, TCP_PORTS)).putShort((short) port(r, TCP_PORTS));
            b.putInt(r.nextInt()).putInt(r.nextInt());
            int flags = new int[] {0x02, 0x12, 0x10, 0x18, 0x11, 0x04}[r.nextInt(6)];
            b.putShort((short) (0x5000 | flags)).putShort((short) 65535).putInt(0);
            if (data >= 4 && r.nextInt(4) == 0) {
                b.putInt(0x47455420);                  // "GET "
                data -= 4;
            }
        } else if (proto == 17) {
            b.putShort((short) port(r, UDP_PORTS)).putShort((short) port(r, UDP_PORTS));
            b.putShort((short) (8 + data)).putShort((short) 0);
        } else {
            b.put((byte) (r.nextBoolean() ? 8 : 0)).put((byte) 0).putShort((short) 0).putInt(r.nextInt());
        }
        for (int i = 0; i < data && b.hasRemaining(); i++) {
            b.put((byte) r.nextInt(256));
        }
    }

    private static int port(SplittableRandom r, int[] common) {
        return r.nextInt(3) == 0 ? 1024 + r.nextInt(60000) : common[r.nextInt(common.length)];
    }

    private static byte[] arp(SplittableRandom r) {
        ByteBuffer b = ethernet(r, 28, 0x0806, false);
        b.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) 1);
        b.putShort((short) 0x0055).putInt(0x66778800).putInt(HOSTS[r.nextInt(HOSTS.length)]);
        b.putShort((short) 0).putInt(0).putInt(HOSTS[r.nextInt(HOSTS.length)]);
        return b.array();
    }

    /** Writes frames as a little-endian microsecond pcap file of link type EN10MB. */
    public static void writePcap(List<byte[]> frames, OutputStream out) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(262144).putInt(1);
        DataOutputStream d = new DataOutputStream(out);
        d.write(h.array());
        int t = 0;
        for (byte[] f : frames) {
            ByteBuffer rec = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            rec.putInt(1_700_000_000).putInt(t++).putInt(f.length).putInt(f.length);
            d.write(rec.array());
            d.write(f);
        }
        d.flush();
    }

    /** {@code PacketMix OUT.pcap [count [seed]]}: writes the mix for the C harness. */
    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: PacketMix OUT.pcap [count [seed]]");
            System.exit(2);
        }
        int count = args.length > 1 ? Integer.parseInt(args[1]) : DEFAULT_COUNT;
        long seed = args.length > 2 ? Long.decode(args[2]) : DEFAULT_SEED;
        Path out = Paths.get(args[0]);
        try (OutputStream o = Files.newOutputStream(out)) {
            writePcap(generate(seed, count), o);
        }
        System.err.println("wrote " + count + " frames (seed " + seed + ") to " + out);
    }
}
