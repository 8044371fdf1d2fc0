package io.weir.engine.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.weir.engine.Engine;
import io.weir.engine.Engines;
import io.weir.engine.Filter;
import io.weir.engine.ebpf.Assembler;
import io.weir.engine.maps.MapType;
import io.weir.engine.ebpf.EbpfInterpreter;
import io.weir.engine.ebpf.EbpfRuntimeException;
import io.weir.engine.ebpf.Insn;
import io.weir.engine.ebpf.Opcode;
import io.weir.engine.ebpf.Program;
import io.weir.engine.ebpf.ProgramType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The verifier's case table ({@code verifier/cases.txt}): each program is accepted or rejected with the expected
 * message; every accepted program that needs no helper also runs on the eBPF interpreter (and on the JIT, when
 * the build has one, with the same results), on random packets, without an error.
 */
class VerifierCasesTest {
    static final Verifier.Options OPTIONS = Verifier.Options.DEFAULT.withComplexityLimit(200_000)
            .withMap(1, new Verifier.MapDef(4, 16))
            .withMap(2, new Verifier.MapDef(8, 8))
            .withMap(3, new Verifier.MapDef(4, 8, MapType.ARRAY))
            .withMap(4, new Verifier.MapDef(0, 0, MapType.RINGBUF))
            .withMap(5, new Verifier.MapDef(4, 16, MapType.ARRAY, true))
            .withMap(6, new Verifier.MapDef(4, 8, MapType.ARRAY))
            .withMap(8, new Verifier.MapDef(4, 8, MapType.HASH));
    private static final long SEED = Long.getLong("weir.seed", 0x5eed_0005L);

    static List<VerifierCaseFile> cases() throws IOException {
        return VerifierCaseFile.load("/verifier/cases.txt");
    }

    @TestFactory
    Stream<DynamicTest> everyCase() throws IOException {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name() + " (line " + c.line() + ")",
                () -> check(c)));
    }

    @Test
    void theTableIsLargeBalancedAndNamesAreUnique() throws IOException {
        List<VerifierCaseFile> all = cases();
        Set<String> names = new HashSet<>();
        int accept = 0;
        for (VerifierCaseFile c : all) {
            assertTrue(names.add(c.name()), "duplicate case name " + c.name());
            accept += c.accept() ? 1 : 0;
        }
        assertTrue(all.size() >= 200, "at least 200 cases, have " + all.size());
        int reject = all.size() - accept;
        assertTrue(Math.abs(accept - reject) <= all.size() / 5, accept + " accepted vs " + reject + " rejected");
    }

    private static void check(VerifierCaseFile c) {
        try {
            checkCase(c);
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("case '" + c.name() + "' (line " + c.line() + "): " + e.getMessage(), e);
        }
    }

    private static void checkCase(VerifierCaseFile c) {
        Program p = Assembler.assemble(c.program(), ProgramType.fromLabel(c.type()));
        VerifiedProgram v;
        try {
            v = new Verifier(OPTIONS).check(p);
        } catch (VerifierException e) {
            if (c.accept()) {
                fail("expected ACCEPT, rejected: " + e.getMessage() + "\n" + e.log());
            }
            assertTrue(e.getMessage().contains(c.message()), "expected a message with '" + c.message() + "', got:\n"
                    + e.getMessage() + "\n" + e.log());
            assertTrue(e.getMessage().contains("lines omitted"), e.getMessage());
            return;
        }
        if (!c.accept()) {
            fail("expected REJECT (" + c.message() + "), accepted:\n" + v.log());
        }
        runOnRandomPackets(c.name(), p);
    }

    /** Runs an accepted program on random packets; it must never fault. Programs calling helpers are skipped. */
    static void runOnRandomPackets(String name, Program p) {
        for (Insn i : p.insns()) {
            if (i.op().form() == Opcode.Form.CALL_HELPER || i.op().form() == Opcode.Form.LDDW && i.op().variant() != 0) {
                return;
            }
        }
        EbpfInterpreter interp = new EbpfInterpreter(p);
        Filter jit = Engines.available(Engine.JIT) ? Engines.filter(p, Engine.JIT) : null;
        long seed = SEED ^ name.hashCode();
        Random r = new Random(seed);
        List<Integer> lengths = new ArrayList<>(List.of(0, 1, 13, 14, 20, 33, 34, 54, 60, 64, 1514));
        for (int k = 0; k < 40; k++) {
            lengths.add(r.nextInt(200));
        }
        for (int len : lengths) {
            byte[] pkt = new byte[len + 3];
            r.nextBytes(pkt);
            int wire = len + r.nextInt(100);
            long expected = 0;
            try {
                expected = interp.run(pkt, 1, len, wire);
            } catch (EbpfRuntimeException e) {
                fail("accepted program faulted on a random packet of " + len + " bytes (seed " + seed
                        + ", -Dweir.seed=" + SEED + "): " + e.getMessage());
            }
            if (jit != null) {
                try {
                    assertEquals(expected, jit.run(pkt, 1, len, wire), "JIT and interpreter disagree on a packet of "
                            + len + " bytes (seed " + seed + ")");
                } catch (RuntimeException e) {
                    fail("accepted program failed on the JIT on a random packet of " + len + " bytes (seed " + seed
                            + "): " + e);
                }
            }
        }
        assertEquals(p, interp.program());
    }
}
