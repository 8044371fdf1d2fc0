package io.weir.engine.jit;

import static org.junit.jupiter.api.Assertions.*;

import io.weir.engine.ebpf.Assembler;
import io.weir.engine.ebpf.EbpfInterpreter;
import io.weir.engine.ebpf.HelperTable;
import io.weir.engine.ebpf.Program;
import io.weir.engine.ebpf.ProgramType;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The chunk-size calibration ({@link JitPlan#CHUNK_BUDGET}, {@link JitPlan#estimate}): at the default layout every
 * generated method of large programs stays under HotSpot's 8000 bytes at the first attempt, the estimate stays an
 * upper bound of every full chunk's real bytecode, and a plan forced far over the limit is re-planned in
 * proportion into methods HotSpot compiles, with the interpreter's results.
 */
class JitChunkSizeTest {
    private static final long BUDGET = 1_000_000;

    /** A load-heavy packet program (bounds check, checked load, stack store), the flow counter's shape. */
    private static Program loads(int reps) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < reps; i++) {
            s.append("ldxw %r2, [%r1+76]\nldxw %r3, [%r1+80]\nmov %r4, %r2\nadd %r4, 8\njgt %r4, %r3, +2\n")
                    .append("ldxb %r5, [%r2+").append(i % 8).append("]\nstxw [%r10-8], %r5\n");
        }
        return Assembler.assemble(s.append("mov %r0, %r5\nexit\n").toString(), ProgramType.SOCKET);
    }

    /** name, program, helpers. */
    static Stream<Arguments> programs() {
        Stream.Builder<Arguments> out = Stream.builder();
        for (int seed = 0; seed < 4; seed++) {
            Program p = RandomEbpfPrograms.loadable(new Random(seed), ProgramType.RAW, 3000 + 2000 * seed);
            out.add(Arguments.of("random seed " + seed, p, HelperTable.conformance()));
        }
        out.add(Arguments.of("loads", loads(3000), HelperTable.forType(ProgramType.SOCKET)));
        return out.build();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("programs")
    void defaultChunksFitAtTheFirstAttemptAndTheEstimateBoundsThem(String name, Program p, HelperTable h) {
        JitPlan plan = new JitPlan(p, h, BUDGET, MemoryFacts.NONE, Integer.MAX_VALUE);
        int[] sizes = ClassFileSizes.methodSizes(JitCompiler.generate(plan, "io/weir/engine/jit/ChunkProbe"));
        int chunks = plan.chunkStart.length - 1;
        assertTrue(chunks > 1, name);
        for (int c = 0; c < chunks; c++) {
            int estimate = 0;
            for (int k = plan.chunkStart[c]; k < plan.chunkStart[c + 1]; k++) {
                estimate += plan.estimate(k);
            }
            int real = sizes[sizes.length - chunks + c];
            assertTrue(real < JitCompiler.RETRY_TARGET, name + ": chunk " + c + " has " + real + " bytes");
            if (c + 1 < chunks) { // a full chunk: the per-instruction bounds hold (the last may be tiny)
                assertTrue(real <= estimate, name + ": chunk " + c + " has " + real + " bytes, estimated " + estimate);
            }
        }
        for (int size : sizes) {
            assertTrue(size < JitCompiler.HUGE_METHOD_LIMIT, name + ": a method of " + size + " bytes");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("programs")
    void anOversizedPlanIsReplannedInProportion(String name, Program p, HelperTable h) {
        // One method of the whole program is far over 8000 bytes: the compiler must cut it, and run it right.
        JitPlan huge = new JitPlan(p, h, BUDGET, MemoryFacts.NONE, 1 << 30);
        assertEquals(2, huge.chunkStart.length, "planned as one method");
        JitProgram jit = JitCompiler.compile(p, h, BUDGET, MemoryFacts.NONE, 1 << 30);
        assertFalse(jit.toString().contains(" in 1 method"), jit.toString());
        byte[] mem = new byte[72];
        new Random(name.hashCode()).nextBytes(mem);
        byte[] a = mem.clone();
        byte[] b = mem.clone();
        EbpfInterpreter interp = new EbpfInterpreter(p, h, BUDGET);
        assertEquals(JitDifferentialTest.outcome(() -> interp.run(a)), JitDifferentialTest.outcome(() -> jit.run(b)),
                name);
        assertArrayEquals(a, b, name);
    }
}
