package io.weir.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.sun.jna.Memory;
import io.weir.engine.cbpf.ClassicProgram;
import io.weir.engine.cbpf.TcpdumpFormat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden {@code -d} listings of Weir's optimized programs ({@code golden/NAME.golden}); rewrite them with
 * {@code -Dgolden.update=true} and review the diff. Each golden program, parsed back from its text, must also
 * return exactly libpcap's results on every test packet, so a golden file can never freeze a wrong program.
 */
class GoldenTest {
    record Case(String name, String expr, String linkType) {
    }

    static final List<Case> CASES = List.of(
            new Case("tcp-port-80", "tcp port 80", "EN10MB"),
            new Case("port-80", "port 80", "EN10MB"),
            new Case("host", "host 192.168.1.1", "EN10MB"),
            new Case("host-or-host", "host 10.0.0.1 or 10.0.0.2", "EN10MB"),
            new Case("net-cidr", "net 10.0.0.0/8", "EN10MB"),
            new Case("src-net-short", "src net 192.168", "EN10MB"),
            new Case("ip6-host", "ip6 host 2001:db8::1", "EN10MB"),
            new Case("ip6-net", "ip6 net fe80::/10", "EN10MB"),
            new Case("portrange", "tcp portrange 1-1023", "EN10MB"),
            new Case("ether-host", "ether host 1:2:3:4:5:6", "EN10MB"),
            new Case("ether-broadcast", "ether broadcast", "EN10MB"),
            new Case("ip-broadcast", "ip broadcast", "EN10MB"),
            new Case("ip-multicast", "ip multicast", "EN10MB"),
            new Case("ip6-multicast", "ip6 multicast", "EN10MB"),
            new Case("tcp", "tcp", "EN10MB"),
            new Case("proto-17", "proto 17", "EN10MB"),
            new Case("less-greater", "less 1500 and greater 64", "EN10MB"),
            new Case("tcp-syn", "tcp[tcpflags] & (tcp-syn|tcp-ack) = tcp-syn", "EN10MB"),
            new Case("icmp-echo", "icmp[icmptype] = icmp-echo", "EN10MB"),
            new Case("arith", "ip[2:2] - ((ip[0] & 0xf) << 2) > 100", "EN10MB"),
            new Case("indirect", "tcp[((tcp[12] & 0xf0) >> 2):4] = 0x47455420", "EN10MB"),
            new Case("vlan", "vlan 100 and tcp port 80", "EN10MB"),
            new Case("qinq", "vlan and vlan and ip", "EN10MB"),
            new Case("mpls", "mpls 5 and ip", "EN10MB"),
            new Case("compound", "host 10.0.0.1 and (port 80 or port 443) and not icmp", "EN10MB"),
            new Case("raw-tcp-port", "tcp port 80", "RAW"),
            new Case("raw-host", "host 10.0.0.1", "RAW"),
            new Case("sll-udp", "udp port 53", "LINUX_SLL"),
            new Case("sll2-host", "host 10.0.0.1", "LINUX_SLL2"),
            new Case("null-ip6", "ip6 and tcp", "NULL"),
            new Case("loop-icmp", "icmp or icmp6", "LOOP"));

    private static Path sourceDir() {
        return Path.of(System.getProperty("weir.projectDir", "."), "compiler", "src", "test", "resources",
                "golden");
    }

    @TestFactory
    Stream<DynamicTest> goldenListings() {
        return CASES.stream().map(c -> DynamicTest.dynamicTest(c.name + ": " + c.expr, () -> check(c)));
    }

    private static void check(Case c) throws Exception {
        int lt = FilterCompiler.linkType(c.linkType);
        ClassicProgram p = FilterCompiler.compile(c.expr, lt, DifferentialCheck.SNAPLEN);
        String text = "# expr: " + c.expr + "\n# linktype: " + c.linkType + "\n# snaplen: "
                + DifferentialCheck.SNAPLEN + "\n" + FilterCompiler.dump(p, 1) + "# -ddd\n" + FilterCompiler.dump(p, 3);
        if (Boolean.getBoolean("golden.update")) {
            Files.createDirectories(sourceDir());
            Files.writeString(sourceDir().resolve(c.name + ".golden"), text);
            return;
        }
        String want;
        try (InputStream in = GoldenTest.class.getResourceAsStream("/golden/" + c.name + ".golden")) {
            assertNotNull(in, "missing golden/" + c.name + ".golden (run with -Dgolden.update=true)");
            want = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertEquals(want, text, "golden/" + c.name + ".golden");
        // The golden program itself (its -ddd form, parsed back) must print as its -d listing and give
        // libpcap's verdicts.
        String ddd = want.substring(want.indexOf("# -ddd\n") + 7);
        ClassicProgram parsed = TcpdumpFormat.parse(ddd);
        assertEquals(want.substring(want.indexOf("(000)"), want.indexOf("# -ddd\n")), TcpdumpFormat.listing(parsed),
                "listing of the golden program");
        LibPcap.require();
        ClassicProgram ref = LibPcap.compile(c.expr, lt, DifferentialCheck.SNAPLEN);
        Memory refMem = LibPcap.load(ref);
        Memory goldenMem = LibPcap.load(parsed);
        for (TestPackets.Pkt pk : TestPackets.byLinkType().get(lt)) {
            long want2 = LibPcap.run(refMem, pk.mem(), pk.data().length, pk.wireLen());
            long got = LibPcap.run(goldenMem, pk.mem(), pk.data().length, pk.wireLen());
            assertEquals(want2, got, c.name + " on " + pk.origin());
        }
    }

    static String read(Path p) throws IOException {
        return Files.readString(p);
    }
}
