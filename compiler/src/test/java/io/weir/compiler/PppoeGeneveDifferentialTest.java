package io.weir.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.compiler.DifferentialCheck.Oracle;
import io.weir.compiler.DifferentialCheck.Reject;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * {@code pppoes [id]} and {@code geneve [vni]} against libpcap: every expression of {@code differential/pppoe-geneve.txt} on every link
 * type of {@link TestPackets}, on {@link PppoeGenevePackets} (crafted frames whole and truncated, and the shared
 * captures carrying PPPoE or Geneve), for a dead handle and for savefiles of both byte orders, on the classic
 * interpreter, the eBPF interpreter and the JIT; the expressions libpcap rejects, with its words; and the forms
 * after {@code geneve} Weir does not compile (tunnels and offset arithmetic in its payload), with a located error.
 */
class PppoeGeneveDifferentialTest {
    @TestFactory
    Stream<DynamicTest> agreeWithLibpcap() throws IOException {
        List<String> exprs = DifferentialCheck.expressions("/differential/pppoe-geneve.txt");
        assertTrue(exprs.size() >= 60, "table has " + exprs.size() + " expressions");
        return exprs.stream().map(e -> DynamicTest.dynamicTest(e, () -> {
            Map<Integer, List<TestPackets.Pkt>> packets = PppoeGenevePackets.packets();
            boolean truncated = !wholePacketsOnly(e);
            DifferentialCheck.check(e, truncated, null, TestPackets.LINK_TYPES, packets);
            // Savefiles change only NULL/LOOP's family test: truncated packets once (dead handle) are enough for
            // the long unoptimized geneve programs, which keeps this class within its time.
            boolean savefileTruncated = truncated && !e.contains("geneve and");
            DifferentialCheck.check(e, savefileTruncated, ByteOrder.LITTLE_ENDIAN, TestPackets.LINK_TYPES, packets);
            DifferentialCheck.check(e, savefileTruncated, ByteOrder.BIG_ENDIAN, TestPackets.LINK_TYPES, packets);
        }));
    }

    /**
     * {@code geneve} makes libpcap skip its optimizer, so its program performs every load the expression names;
     * Weir then emits its graph unoptimized too, and the verdicts on truncated packets agree, but for an
     * {@code ip6 net} shorter than 128 bits: libpcap's unoptimized program also loads the address words its
     * mask clears ({@code and #0x0}), Weir does not (README, Geneve). Those are compared on whole packets only.
     */
    static boolean wholePacketsOnly(String e) {
        return e.contains("geneve") && e.matches(".*ip6 net [0-9a-f:]+/\\d+.*");
    }

    static final List<Reject> REJECTS = List.of(
            new Reject("pppoes 65536", "EN10MB", "PPPoE session number 65536 greater than maximum 65535", 1),
            new Reject("pppoes 70000 and ip", "EN10MB", "PPPoE session number 70000 greater than maximum 65535", 1),
            new Reject("pppoes and ether host 1:2:3:4:5:6", "EN10MB", "ethernet addresses supported only on", 23),
            new Reject("pppoes and vlan", "EN10MB", "no VLAN support for PPP", 12),
            new Reject("pppoes and llc", "EN10MB", "'llc' not supported for PPP", 12),
            new Reject("pppoes and ether broadcast", "EN10MB", "not a broadcast link", 12),
            new Reject("mpls and pppoes", "EN10MB", "unsupported protocol over mpls", 10),
            new Reject("geneve 16777216", "EN10MB", "Geneve VNI 16777216 greater than maximum 16777215", 1),
            new Reject("mpls and geneve and arp", "EN10MB", "unsupported protocol over mpls", 21),
            new Reject("mpls and geneve and vlan", "EN10MB", "no VLAN match after MPLS", 21),
            new Reject("host geneve", "EN10MB", "syntax error", 6));

    /**
     * libpcap compiles these; Weir rejects them, located: what follows {@code geneve} inside a tunnel scope or
     * after a second {@code geneve}, and Weir's tunnel extensions in its payload ({@code GenevePayload}).
     */
    static final List<Reject> GENEVE_AFTER = List.of(
            new Reject("vxlan and geneve and tcp", "EN10MB", "what follows 'geneve'", 22),
            new Reject("geneve and geneve and tcp", "RAW", "what follows 'geneve' (its payload) is not supported by Weir",
                    23),
            new Reject("geneve and vxlan", "EN10MB", "expression too complex after 'geneve'", 12),
            new Reject("geneve and inner (inner (tcp))", "EN10MB", "expression too complex after 'geneve'", 19));

    @TestFactory
    Stream<DynamicTest> whatFollowsGeneveIsALocatedGap() {
        return DifferentialCheck.rejects(GENEVE_AFTER, Oracle.NOT_ASKED);
    }

    /** Weir's {@code inner (e)} right after {@code geneve} is its payload: the same program as {@code e} there. */
    @TestFactory
    Stream<DynamicTest> innerAfterGeneveIsThePayload() {
        String[][] pairs = {{"geneve and inner (ip)", "geneve and ip"},
            {"geneve 5 and inner (tcp port 443)", "geneve 5 and tcp port 443"},
            {"geneve and inner (ether host 0:0:0:0:0:0 or arp)", "geneve and (ether host 0:0:0:0:0:0 or arp)"},
            {"geneve and inner (vlan 100 and udp)", "geneve and vlan 100 and udp"}};
        return Stream.of(pairs).map(p -> DynamicTest.dynamicTest(p[0], () -> {
            for (String lt : List.of("EN10MB", "RAW", "LINUX_SLL")) {
                int dlt = FilterCompiler.linkType(lt);
                assertEquals(FilterCompiler.dump(FilterCompiler.compile(p[1], dlt, 262144), 1),
                        FilterCompiler.dump(FilterCompiler.compile(p[0], dlt, 262144), 1), p[0] + " on " + lt);
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> rejectedLikeLibpcap() {
        return DifferentialCheck.rejects(REJECTS, Oracle.SAME_WORDS);
    }
}
