package io.weir.compiler.opt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.weir.compiler.FilterCompiler;
import io.weir.engine.cbpf.ClassicProgram;
import io.weir.engine.cbpf.TcpdumpFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Program sizes after the optimizer passes, against libpcap 1.10's optimized size for the same expression
 * (written down from {@code tcpdump -d}, so this runs without libpcap). Weir must never be longer; each case
 * names the pass it exercises. Verdicts are the differential test's business.
 */
class OptimizerTest {
    record Case(String expr, int weir, int libpcap, String pass) {
    }

    static final List<Case> CASES = List.of(
            new Case("ip or ip", 4, 4, "hash-consing: equal tests merge"),
            new Case("ip and ip", 4, 4, "jump threading: a test decided by the same test"),
            new Case("tcp port 80", 20, 20, "redundant loads: ldh [12] once; ldxb once for both ports"),
            new Case("port 80", 24, 24, "threading across tcp/udp/sctp"),
            new Case("host 1.2.3.4", 14, 14, "identical arp/rarp tails merged"),
            new Case("host 1.1.1.1 or 2.2.2.2", 17, 17, "pullup: same-value tests grouped; merged jeq tails"),
            new Case("tcp or udp", 13, 13, "blocks with equal code after load removal merged"),
            new Case("vlan 0", 8, 8, "and #m; jeq #0 becomes jset"),
            new Case("not (ip and ip6)", 1, 1, "implication: ethertype 0x800 excludes 0x86dd"),
            new Case("ip6 proto 17", 9, 9, "redundant load of the next header"),
            new Case("tcp[tcp[12] >> 2] = 0x16", 15, 15, "dead store removal after load removal"),
            new Case("portrange 1-1024", 27, 27, "range tests on one load"),
            new Case("ether[-1] = 0", 1, 4, "a load that always faults returns 0 at once"),
            new Case("ip[0] & 0 = 0", 4, 6, "x & 0 folded, its load dropped"),
            new Case("ip or arp or ip6", 6, 6, "ethertype loaded once"),
            new Case("icmp6 and dst host 127.0.0.1 or ether multicast", 5, 5,
                    "opt_root: the first block's load (ldh [12]) kept in front of the decided test"));

    @TestFactory
    Stream<DynamicTest> neverLongerThanLibpcap() {
        return CASES.stream().map(c -> DynamicTest.dynamicTest(c.expr + " (" + c.pass + ")", () -> {
            ClassicProgram p = FilterCompiler.compile(c.expr, 1, 262144);
            assertEquals(c.weir, p.size(), TcpdumpFormat.listing(p));
            assertEquals(true, p.size() <= c.libpcap, "longer than libpcap");
        }));
    }

    /** libpcap's opt_root: the first block's statements run first even when its test is decided. */
    @org.junit.jupiter.api.Test
    void firstBlockLoadsRunFirst() throws Exception {
        ClassicProgram p = FilterCompiler.compile("icmp6 and dst host 127.0.0.1 or ether multicast", 1, 262144);
        String listing = TcpdumpFormat.listing(p);
        assertEquals(true, listing.startsWith("(000) ldh      [12]\n(001) ldb      [0]\n"), listing);
        // A program whose first test stays keeps it once.
        ClassicProgram q = FilterCompiler.compile("ip", 1, 262144);
        assertEquals(4, q.size(), TcpdumpFormat.listing(q));
    }
}
