package io.weir.compiler;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.compiler.lower.LinkLayer;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Weir against libpcap: for every expression of {@code differential/expressions.txt} and every link type,
 * libpcap and Weir must agree on accepting or rejecting the expression, and, when it compiles, Weir's program
 * must pass the classic validator, translate to eBPF that passes the verifier, and return exactly what
 * libpcap's program returns under libpcap's {@code bpf_filter} on every test packet ({@link TestPackets}), on
 * every engine: the classic interpreter, the eBPF interpreter and (when the build has it) the JIT ({@link DifferentialCheck}).
 */
class DifferentialTest {
    @TestFactory
    Stream<DynamicTest> weirAgreesWithLibpcap() throws IOException {
        List<String> exprs = DifferentialCheck.expressions("/differential/expressions.txt");
        assertTrue(exprs.size() >= 300, "table has " + exprs.size() + " expressions");
        return exprs.stream().map(e -> DynamicTest.dynamicTest(e, () -> DifferentialCheck.check(e)));
    }

    /**
     * The same, compiled for savefiles of both byte orders (libpcap's {@code pcap_open_offline}, as
     * {@code tcpdump -r}), on the link types where gencode depends on it: NULL and LOOP, on packets captured
     * whole. Truncated packets are left out here: a savefile's {@code ip6} is three tests, and libpcap's jump
     * threading (which only uses facts from edges that dominate a block) cannot see through that join, so its
     * program checks e.g. both ports 80 before port 443 where Weir's path-wise threading regroups them; a packet
     * cut between those loads then gets a different verdict (6 of the table's expressions; see
     * RandomExpressionTest for the same gap on odd compounds).
     */
    @TestFactory
    Stream<DynamicTest> weirAgreesWithLibpcapOnSavefiles() throws IOException {
        List<String> exprs = DifferentialCheck.expressions("/differential/expressions.txt");
        int[] loopbacks = {LinkLayer.NULL, LinkLayer.LOOP};
        return exprs.stream().map(e -> DynamicTest.dynamicTest(e, () -> {
            DifferentialCheck.check(e, false, ByteOrder.LITTLE_ENDIAN, loopbacks);
            DifferentialCheck.check(e, false, ByteOrder.BIG_ENDIAN, loopbacks);
        }));
    }

    @AfterAll
    static void report() {
        DifferentialCheck.printSizes();
    }
}
