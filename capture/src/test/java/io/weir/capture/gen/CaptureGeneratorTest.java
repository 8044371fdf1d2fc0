package io.weir.capture.gen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.capture.LinkType;
import io.weir.capture.Packet;
import io.weir.capture.PcapReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The generator: deterministic, readable, mixed as documented, and the source of the bundled captures. */
class CaptureGeneratorTest {

    /** The bundled files and the arguments that made them (as in pcaps/generate.sh). */
    static List<Arguments> bundled() {
        return List.of(
                Arguments.of("mixed-ether.pcap", "--count 300 --seed 1 --link ether --format pcap --order le"),
                Arguments.of("mixed-ether-ns.pcapng", "--count 300 --seed 2 --link ether --format pcapng --order le"),
                Arguments.of("mixed-ether-be-ns.pcap", "--count 100 --seed 3 --link ether --format pcap-ns --order be"),
                Arguments.of("mixed-sll.pcap", "--count 300 --seed 1 --link sll --format pcap --order le"),
                Arguments.of("mixed-sll2.pcap", "--count 300 --seed 1 --link sll2 --format pcap --order le"),
                Arguments.of("mixed-raw.pcap", "--count 300 --seed 1 --link raw --format pcap --order le"),
                Arguments.of("mixed-null.pcap", "--count 300 --seed 1 --link null --format pcap --order le"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bundled")
    void bundledCapturesAreWhatTheGeneratorMakes(String file, String args, @TempDir Path tmp) throws IOException {
        String project = System.getProperty("weir.projectDir");
        Assumptions.assumeTrue(project != null, "weir.projectDir not set");
        Path bundled = Path.of(project, "pcaps", file);
        Path fresh = tmp.resolve(file);
        GenerateCapture.write(GenerateCapture.parse((args + " --out " + fresh).split(" ")));
        assertArrayEquals(Files.readAllBytes(fresh), Files.readAllBytes(bundled),
                file + " differs from the generator's output: run pcaps/generate.sh");
        assertTrue(Files.size(bundled) < 200_000, file + " is over 200 KB");
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherBytes() {
        assertArrayEquals(frames(7, 500, LinkType.ETHERNET), frames(7, 500, LinkType.ETHERNET), "seed 7");
        assertTrue(!Arrays.equals(frames(7, 50, LinkType.ETHERNET), frames(8, 50, LinkType.ETHERNET)));
    }

    private static byte[] frames(long seed, int n, int linkType) {
        TrafficGenerator g = new TrafficGenerator(seed);
        byte[] frame = new byte[Framing.MAX_FRAME];
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < n; i++) {
            int len = Framing.encode(g.next(), linkType, frame);
            all.write(frame, 0, Math.max(len, 0));
        }
        return all.toByteArray();
    }

    /** The mix contains every kind the Javadoc promises (checked on the Ethernet framing of 2000 packets). */
    @Test
    void theMixHasEveryKindOfPacket(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("mix.pcap");
        GenerateCapture.write(GenerateCapture.parse(("--count 2000 --seed 11 --out " + f).split(" ")));
        Set<String> kinds = new HashSet<>();
        long bytes = 0;
        int n = 0;
        try (PcapReader r = PcapReader.open(f)) {
            while (r.next()) {
                Packet p = r.packet();
                n++;
                bytes += p.capLen();
                int o = 12;
                int type = p.buffer().getShort(p.offset() + o) & 0xFFFF;
                if (type == 0x88a8) {
                    kinds.add("qinq");
                }
                while (type == 0x8100 || type == 0x88a8) {
                    kinds.add("vlan");
                    o += 4;
                    type = p.buffer().getShort(p.offset() + o) & 0xFFFF;
                }
                int l3 = o + 2;
                if (p.u8(0) == 0xFF) {
                    kinds.add("broadcast");
                } else if ((p.u8(0) & 1) != 0) {
                    kinds.add("multicast");
                }
                if (type == 0x0806) {
                    kinds.add("arp");
                } else if (type == 0x0800) {
                    int ihl = (p.u8(l3) & 0xF) * 4;
                    if (ihl > 20) {
                        kinds.add("ipv4-options");
                    }
                    int frag = p.buffer().getShort(p.offset() + l3 + 6) & 0x3FFF;
                    if (frag != 0) {
                        kinds.add("ipv4-fragment");
                    }
                    kinds.add(proto("ipv4", p.u8(l3 + 9)));
                    if (p.u8(l3 + 9) == 17 && frag == 0 && (p.buffer().getShort(p.offset() + l3 + ihl + 2) & 0xFFFF) == 53) {
                        kinds.add("dns");
                    }
                } else if (type == 0x86dd) {
                    int next = p.u8(l3 + 6);
                    if (next == 0 || next == 60) {
                        kinds.add("ipv6-extension");
                    }
                    if (next == 44) {
                        kinds.add("ipv6-fragment");
                    }
                    kinds.add(proto("ipv6", next));
                }
            }
        }
        assertEquals(2000, n);
        for (String k : List.of("vlan", "qinq", "broadcast", "multicast", "arp", "ipv4-options", "ipv4-fragment",
                "ipv4-tcp", "ipv4-udp", "ipv4-icmp", "dns", "ipv6-extension", "ipv6-fragment", "ipv6-tcp",
                "ipv6-udp", "ipv6-icmp6")) {
            assertTrue(kinds.contains(k), "no " + k + " in " + kinds);
        }
        long mean = bytes / n;
        assertTrue(mean > 300 && mean < 700, "mean size " + mean);
    }

    private static String proto(String ip, int p) {
        switch (p) {
            case 6: return ip + "-tcp";
            case 17: return ip + "-udp";
            case 1: return ip + "-icmp";
            case 58: return ip + "-icmp6";
            default: return ip + "-other";
        }
    }

    @Test
    void rawAndLoopbackSkipArpAndKeepTheIpTraffic() {
        TrafficGenerator a = new TrafficGenerator(5);
        TrafficGenerator b = new TrafficGenerator(5);
        byte[] eth = new byte[Framing.MAX_FRAME];
        byte[] raw = new byte[Framing.MAX_FRAME];
        for (int i = 0; i < 500; i++) {
            GeneratedPacket pa = a.next();
            int le = Framing.encode(pa, LinkType.ETHERNET, eth);
            int lr = Framing.encode(b.next(), LinkType.RAW, raw);
            if (pa.etherType() == 0x0806) {
                assertEquals(-1, lr);
            } else {
                int l3 = 14 + 4 * pa.vlanCount();
                assertArrayEquals(Arrays.copyOfRange(eth, l3, l3 + pa.l3Length()), Arrays.copyOf(raw, lr), "packet " + i);
                assertTrue(le >= 60);
            }
        }
    }

    /** With a flow pool, TCP packets fall into about that many conversations; without, nearly each is new. */
    @Test
    void flowPoolBoundsTheNumberOfTcpConversations() {
        assertTrue(tcpConversations(new TrafficGenerator(7, 500), 20_000) <= 500);
        assertTrue(tcpConversations(new TrafficGenerator(7, 500), 20_000) > 100);
        assertTrue(tcpConversations(new TrafficGenerator(7), 20_000) > 5_000);
    }

    /** Distinct unordered (address, port) pairs of the IPv4 TCP packets among the first {@code n}. */
    private static int tcpConversations(TrafficGenerator g, int n) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < n; i++) {
            GeneratedPacket p = g.next();
            byte[] b = p.l3;
            if (p.etherType() != 0x0800 || b[9] != 6 || (((b[6] & 0x1f) << 8 | (b[7] & 0xff)) != 0)) {
                continue;
            }
            int at = (b[0] & 0x0f) * 4;
            String a = Arrays.toString(Arrays.copyOfRange(b, 12, 16)) + ":" + ((b[at] & 0xff) << 8 | (b[at + 1] & 0xff));
            String z = Arrays.toString(Arrays.copyOfRange(b, 16, 20)) + ":" + ((b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff));
            seen.add(a.compareTo(z) < 0 ? a + "-" + z : z + "-" + a);
        }
        return seen.size();
    }
}
