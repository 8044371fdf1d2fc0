package io.weir.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.weir.engine.cbpf.ClassicInsn;
import io.weir.engine.cbpf.ClassicProgram;
import io.weir.engine.cbpf.TcpdumpFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * "expression rejects all packets" exactly where libpcap's optimizer proves it (edge threading with libpcap's
 * folding rule, which knows equalities but not value ranges, iterated with its pullups): contradictions it
 * proves are errors; contradictions only Weir's range reasoning proves compile to {@code ret #0}. The known gap
 * is listed and pinned: libpcap proves some contradictions with an untyped {@code port} through its
 * per-protocol port code ({@code gen_portop} once for TCP, UDP and SCTP, each with its own edges), which Weir
 * lowers as one protocol test before shared port tests; Weir compiles those to {@code ret #0}, the same verdict
 * on every packet. Each case is checked against libpcap when it is present.
 */
class RejectsAllTest {
    enum Want { REJECTS_ALL, COMPILES_TO_RET0, GAP_RET0 }

    record Case(String expr, Want want) {
    }

    static final List<Case> CASES = List.of(
            new Case("ip and ip6", Want.REJECTS_ALL),
            new Case("tcp and udp", Want.REJECTS_ALL),
            new Case("arp and tcp port 80", Want.REJECTS_ALL),
            new Case("icmp and udp port 53", Want.REJECTS_ALL),
            new Case("ip6 and ip proto 17", Want.REJECTS_ALL),
            new Case("less 100 and greater 500", Want.COMPILES_TO_RET0),
            new Case("less 100 and greater 500 and ether src 00:00:00:00:00:00", Want.COMPILES_TO_RET0),
            new Case("ip[8] > 100 and ip[8] < 50", Want.COMPILES_TO_RET0),
            new Case("port 53 and icmp", Want.GAP_RET0),
            new Case("src port 443 and icmp[icmptype] = icmp-echo", Want.GAP_RET0),
            new Case("not port 53 and src port 443 and port 53", Want.GAP_RET0),
            new Case("host 10.0.0.2 and not port 53 and udp dst port 53", Want.GAP_RET0),
            new Case("port 53 or src port 443 and icmp6", Want.GAP_RET0),
            new Case("portrange 1-1024 and icmp6 and less 100", Want.GAP_RET0));

    record LinkCase(String expr, int linkType, boolean rejects) {
    }

    /**
     * On 802.11 link types whose program needs an offset computed on branches (the payload's; Prism's header
     * length), libpcap never reports "rejects all packets": {@code ip and not ip} compiles there. Offsets computed
     * without branches (radiotap's and AVS's header length, pflog's) leave its folding as elsewhere.
     */
    static final List<LinkCase> LINK_CASES = List.of(
            new LinkCase("ip and not ip", 127, false),
            new LinkCase("ip and not ip", 105, false),
            new LinkCase("ip and not ip", 192, false),
            new LinkCase("ip and not ip", 119, false),
            new LinkCase("ip and not ip", 163, false),
            new LinkCase("ip and not ip", 117, true),
            new LinkCase("icmp[1] = icmp6[12]", 127, false),
            new LinkCase("icmp[1] = icmp6[12]", 1, true),
            new LinkCase("tcp and udp", 105, false),
            new LinkCase("wlan type mgt and not wlan type mgt", 127, true),
            new LinkCase("wlan type mgt and not wlan type mgt", 163, true),
            new LinkCase("wlan type mgt and not wlan type mgt", 119, false),
            new LinkCase("llc and not llc", 105, true),
            new LinkCase("llc and not llc", 119, false),
            new LinkCase("llc and not llc and ip", 127, false),
            new LinkCase("255 == 1", 127, true),
            // libpcap's protochain walk is a loop: its optimizer never reduces such a program to "reject".
            new LinkCase("ip protochain 6 and ip6", 1, false),
            new LinkCase("tcp and udp and ip6 protochain 6", 1, false),
            new LinkCase("protochain 53 and host (2001:db8::1 and 10)", 1, false),
            new LinkCase("protochain 53 and host (2001:db8::1 and 10)", 113, false));

    @TestFactory
    Stream<DynamicTest> rejectsAllPerLinkTypeLikeLibpcap() {
        return LINK_CASES.stream().map(c -> DynamicTest.dynamicTest(c.expr + " on " + c.linkType, () -> {
            boolean weirRejects;
            try {
                FilterCompiler.compile(c.expr, c.linkType, 262144);
                weirRejects = false;
            } catch (FilterSyntaxException e) {
                assertEquals("expression rejects all packets", e.getMessage());
                weirRejects = true;
            }
            assertEquals(c.rejects, weirRejects, "Weir on " + c.expr);
            if (LibPcap.available()) {
                assertEquals(c.rejects, libpcapRejectsAll(c.expr, c.linkType), "libpcap on " + c.expr);
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> rejectsAllLikeLibpcap() {
        return CASES.stream().map(c -> DynamicTest.dynamicTest(c.expr + " -> " + c.want, () -> {
            if (c.want == Want.REJECTS_ALL) {
                FilterSyntaxException e = assertThrows(FilterSyntaxException.class,
                        () -> FilterCompiler.compile(c.expr, 1, 262144));
                assertEquals("expression rejects all packets", e.getMessage());
            } else {
                ClassicProgram p = FilterCompiler.compile(c.expr, 1, 262144);
                assertEquals(ClassicProgram.of(ClassicInsn.ret(0)), p, TcpdumpFormat.listing(p));
            }
            if (LibPcap.available()) {
                assertEquals(c.want != Want.COMPILES_TO_RET0, libpcapRejectsAll(c.expr, 1), "libpcap on " + c.expr);
            }
        }));
    }

    /** Whether libpcap refuses {@code expr}, which it may only do as "expression rejects all packets". */
    private static boolean libpcapRejectsAll(String expr, int linkType) {
        try {
            LibPcap.compile(expr, linkType, 262144);
            return false;
        } catch (LibPcap.Rejected r) {
            assertEquals("expression rejects all packets", r.getMessage());
            return true;
        }
    }
}
