package io.weir.flow;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.compiler.FilterCompiler;
import io.weir.engine.ebpf.Program;
import io.weir.engine.verifier.VerifiedProgram;
import io.weir.engine.verifier.Verifier;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every generated count program (link type x aggregation x direction mode, with and without a filter) verifies. */
class FlowProgramTest {
    static Stream<Arguments> configs() {
        List<Arguments> out = new ArrayList<>();
        for (int lt : new int[] {1, 113, 276, 101, 0, 108, 228}) {
            for (Aggregation by : Aggregation.values()) {
                out.add(Arguments.of(lt, by, true, null));
            }
            out.add(Arguments.of(lt, Aggregation.FIVE_TUPLE, false, null));
            if (FilterCompiler.supportsLinkType(lt)) {
                out.add(Arguments.of(lt, Aggregation.FIVE_TUPLE, true, "tcp or udp or icmp6"));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "linktype {0} --by {1} bidi={2} filter={3}")
    @MethodSource("configs")
    void programVerifies(int linkType, Aggregation by, boolean bidi, String expr) throws Exception {
        Program filter = expr == null ? null : FilterCompiler.compileEbpf(expr, linkType, 262144);
        Program p = FlowProgram.generate(filter, linkType, by, bidi);
        VerifiedProgram v = new Verifier(FlowProgram.verifierOptions()).check(p);
        System.out.println("flows program lt=" + linkType + " by=" + by + " bidi=" + bidi + ": " + p.size()
                + " insns, verifier processed " + v.processedInsns());
        // Kept well under the limit so that a filter of any size still fits.
        assertTrue(v.processedInsns() < 300_000, "verifier work " + v.processedInsns());
    }
}
