package io.weir.compiler;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.engine.cbpf.ClassicProgram;
import org.junit.jupiter.api.Test;

/**
 * Large expressions take the optimizer's fallback (edge-only threading, {@code EdgeThreading}, once the graph is
 * too large for path-wise threading to pay): verdicts stay libpcap's on every packet, truncated ones included,
 * and the program is no longer than libpcap's.
 */
class LargeExpressionTest {
    /** {@code n} primitives of five kinds joined by {@code or}, every fourth by {@code and} (as the compile benchmark). */
    static String terms(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(i % 4 == 3 ? " and " : " or ");
            }
            switch (i % 5) {
                case 0 -> sb.append("host 10.0.0.").append(i % 20);
                case 1 -> sb.append("tcp port ").append(i % 7 == 0 ? 80 : 1000 + i);
                case 2 -> sb.append("net 198.51.").append(100 + i % 4).append(".0/24");
                case 3 -> sb.append("udp dst port ").append(i % 9 == 0 ? 53 : 2000 + i);
                default -> sb.append("ip6 src host 2001:db8:0:1:200:5eff:fe10:").append(Integer.toHexString(i % 32));
            }
        }
        return sb.toString();
    }

    @Test
    void fiveHundredTermsGiveLibpcapsVerdicts() {
        DifferentialCheck.check(terms(500));
    }

    @Test
    void fiveHundredTermsAreNoLongerThanLibpcaps() throws FilterSyntaxException {
        LibPcap.require();
        String e = terms(500);
        ClassicProgram weir = FilterCompiler.compile(e, 1, DifferentialCheck.SNAPLEN);
        ClassicProgram pcap = LibPcap.compile(e, 1, DifferentialCheck.SNAPLEN);
        assertTrue(weir.size() <= pcap.size(), "Weir " + weir.size() + " insns, libpcap " + pcap.size());
    }
}
