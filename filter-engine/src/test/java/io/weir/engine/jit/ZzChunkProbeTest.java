package io.weir.engine.jit;

import io.weir.engine.ebpf.HelperTable;
import io.weir.engine.ebpf.Program;
import io.weir.engine.ebpf.ProgramType;
import io.weir.engine.ebpf.Assembler;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ZzChunkProbeTest {
    static void probe(String name, Program p, HelperTable h) {
        JitPlan plan = new JitPlan(p, h, 1_000_000, MemoryFacts.NONE, Integer.MAX_VALUE);
        int[] sizes = ClassFileSizes.methodSizes(JitCompiler.generate(plan, "io/weir/engine/jit/Probe"));
        int chunks = plan.chunkStart.length - 1;
        double max = 0, min = 9;
        int largest = 0;
        for (int c = 0; c < chunks; c++) {
            int est = 0;
            for (int k = plan.chunkStart[c]; k < plan.chunkStart[c + 1]; k++) est += plan.estimate(k);
            int real = sizes[sizes.length - chunks + c];
            double ratio = real / (double) est;
            max = Math.max(max, ratio); min = Math.min(min, ratio);
            largest = Math.max(largest, real);
        }
        System.out.printf("PROBE %s n=%d chunks=%d largest=%d ratio %.3f..%.3f%n", name, p.size(), chunks, largest, min, max);
    }

    @Test
    void probe() {
        for (ProgramType t : new ProgramType[] {ProgramType.RAW, ProgramType.SOCKET, ProgramType.XDP}) {
            for (int seed = 0; seed < 6; seed++) {
                Random r = new Random(seed);
                Program p = RandomEbpfPrograms.loadable(r, t, 3000 + seed * 1000);
                probe(t + "/" + seed, p, t == ProgramType.RAW ? HelperTable.conformance() : HelperTable.forType(t));
            }
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 3000; i++) s.append("ldxw %r2, [%r1+76]\nldxw %r3, [%r1+80]\nmov %r4, %r2\nadd %r4, 8\njgt %r4, %r3, +2\nldxb %r5, [%r2+3]\nstxw [%r10-8], %r5\n");
        s.append("exit\n");
        probe("loads", Assembler.assemble(s.toString(), ProgramType.SOCKET), HelperTable.forType(ProgramType.SOCKET));
    }
}
