package io.weir.engine.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.weir.engine.Engine;
import io.weir.engine.Engines;
import io.weir.engine.Filter;
import io.weir.engine.ebpf.Assembler;
import io.weir.engine.ebpf.HelperTable;
import io.weir.engine.maps.BpfMap;
import io.weir.engine.maps.MapHelpers;
import io.weir.engine.maps.MapLinker;
import io.weir.engine.maps.MapSpec;
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

    /**
     * Runs an accepted program on random packets; it must never fault, and the JIT must agree with the
     * interpreter. A program using maps runs against live maps of {@link #OPTIONS}' shapes (one set per engine,
     * fed the same packets); one calling a helper whose result is not reproducible (time, random, slot) is only
     * checked for faults.
     */
    static void runOnRandomPackets(String name, Program p) {
        boolean maps = false;
        boolean reproducible = true;
        for (Insn i : p.insns()) {
            Opcode.Form f = i.op().form();
            maps |= f == Opcode.Form.CALL_HELPER || f == Opcode.Form.LDDW && i.op().variant() != 0;
            reproducible &= f != Opcode.Form.CALL_HELPER || i.imm() != 5 && i.imm() != 7 && i.imm() != 8;
        }
        List<BpfMap> setA = maps ? caseMaps() : List.of();
        List<BpfMap> setB = maps ? caseMaps() : List.of();
        try {
            Program a = maps ? MapLinker.link(p, setA) : p;
            Program b = maps ? MapLinker.link(p, setB) : p;
            HelperTable helpers = maps ? MapHelpers.table() : HelperTable.forType(p.type());
            EbpfInterpreter interp = new EbpfInterpreter(a, helpers, Engines.DEFAULT_BUDGET);
            Filter jit = Engines.available(Engine.JIT)
                    ? Engines.backend(Engine.JIT).filter(b, helpers, Engines.DEFAULT_BUDGET) : null;
            runBoth(name, interp, jit, reproducible);
            assertEquals(a, interp.program());
        } finally {
            setA.forEach(BpfMap::close);
            setB.forEach(BpfMap::close);
        }
    }

    /** Live maps for the fds of {@link #OPTIONS} (the list index is the fd; 0 and 7 are unused fillers). */
    private static List<BpfMap> caseMaps() {
        return List.of(
                new MapSpec("unused0", MapType.ARRAY, 4, 8, 1, 0).create(),
                new MapSpec("fd1", MapType.HASH, 4, 16, 8, 0).create(),
                new MapSpec("fd2", MapType.HASH, 8, 8, 8, 0).create(),
                new MapSpec("fd3", MapType.ARRAY, 4, 8, 4, 0).create(),
                new MapSpec("fd4", MapType.RINGBUF, 0, 0, 4096, 0).create(),
                new MapSpec(".rodata", MapType.ARRAY, 4, 16, 1, MapSpec.F_RDONLY_PROG).create(),
                new MapSpec(".bss", MapType.ARRAY, 4, 8, 1, 0).create(),
                new MapSpec("unused7", MapType.ARRAY, 4, 8, 1, 0).create(),
                new MapSpec("fd8", MapType.HASH, 4, 8, 8, 0).create());
    }

    private static void runBoth(String name, EbpfInterpreter interp, Filter jit, boolean reproducible) {
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
                long got;
                try {
                    got = jit.run(pkt, 1, len, wire);
                } catch (RuntimeException e) {
                    throw new AssertionError("accepted program failed on the JIT on a random packet of " + len
                            + " bytes (seed " + seed + "): " + e, e);
                }
                if (reproducible) {
                    assertEquals(expected, got, "JIT and interpreter disagree on a packet of " + len + " bytes (seed "
                            + seed + ")");
                }
            }
        }
    }
}
