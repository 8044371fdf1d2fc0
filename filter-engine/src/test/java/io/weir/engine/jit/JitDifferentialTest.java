package io.weir.engine.jit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.weir.engine.Filter;
import io.weir.engine.RawExecutable;
import io.weir.engine.ebpf.EbpfFormatException;
import io.weir.engine.ebpf.EbpfInterpreter;
import io.weir.engine.ebpf.EbpfRuntimeException;
import io.weir.engine.ebpf.HelperTable;
import io.weir.engine.ebpf.Program;
import io.weir.engine.ebpf.ProgramType;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.function.LongSupplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The JIT against the interpreter on thousands of random programs ({@link RandomEbpfPrograms}): the same r0 or
 * the same error (message and instruction), the same bytes of memory afterwards, for every program type and
 * every entry point. Each case names its seed; rerun one with {@code -Dweir.jit.seed=N}.
 */
class JitDifferentialTest {
    private static final long BUDGET = 5_000;

    @ParameterizedTest(name = "{0}: {1} programs of up to {2} instructions")
    @CsvSource({"raw, 2500, 40", "socket, 2000, 40", "xdp, 700, 40", "raw, 150, 400", "socket, 100, 1500"})
    void sameOutcomeAsTheInterpreter(String typeName, int count, int maxLength) {
        ProgramType type = ProgramType.fromLabel(typeName);
        long base = Long.getLong("weir.jit.seed", System.nanoTime());
        System.out.println("JitDifferentialTest " + typeName + ": first seed " + base);
        int count1 = Long.getLong("weir.jit.seed") != null ? 1 : count;
        for (int n = 0; n < count1; n++) {
            long seed = base + n;
            Random r = new Random(seed);
            Program p = RandomEbpfPrograms.generate(r, type, 1 + r.nextInt(maxLength));
            try {
                compare(p, r, seed);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + seed + " (-Dweir.jit.seed=" + seed + "), program:\n" + p, e);
            }
        }
    }

    private static void compare(Program p, Random r, long seed) {
        HelperTable helpers = HelperTable.conformance();
        EbpfInterpreter interp;
        try {
            interp = new EbpfInterpreter(p, helpers, BUDGET);
        } catch (EbpfFormatException e) {
            String jit = outcome(() -> JitCompiler.compile(p, helpers, BUDGET).run(new byte[0]));
            assertEquals("load error " + e.getMessage(), jit, "the JIT rejects what the interpreter rejects");
            return;
        }
        JitProgram jit = JitCompiler.compile(p, helpers, BUDGET);
        byte[] mem = new byte[r.nextInt(4) == 0 ? r.nextInt(8) : 64 + r.nextInt(16)];
        r.nextBytes(mem);
        if (p.type() == ProgramType.RAW) {
            rawCase(interp, jit, mem);
            return;
        }
        int offset = r.nextInt(5);
        byte[] buf = new byte[offset + mem.length + r.nextInt(3)];
        System.arraycopy(mem, 0, buf, offset, mem.length);
        int wire = mem.length + r.nextInt(3) * 100;
        byte[] before = buf.clone();
        String want = outcome(() -> interp.run(buf, offset, mem.length, wire));
        assertEquals(want, outcome(() -> jit.run(buf, offset, mem.length, wire)), "byte[] entry");
        assertArrayEquals(before, buf, "a packet program never writes its packet");
        Filter f = jit;
        switch (r.nextInt(3)) {
            case 0 -> assertEquals(want, outcome(() -> f.run(ByteBuffer.wrap(buf), offset, mem.length, wire)),
                    "heap ByteBuffer entry");
            case 1 -> {
                ByteBuffer d = ByteBuffer.allocateDirect(buf.length);
                d.put(buf).clear();
                assertEquals(want, outcome(() -> f.run(d, offset, mem.length, wire)), "direct ByteBuffer entry");
            }
            default -> rawCase(interp, jit, mem);
        }
    }

    private static void rawCase(RawExecutable interp, RawExecutable jit, byte[] mem) {
        byte[] a = mem.clone();
        byte[] b = mem.clone();
        String want = outcome(() -> interp.run(a));
        assertEquals(want, outcome(() -> jit.run(b)), "run(byte[]) result");
        assertArrayEquals(a, b, "memory after the run");
    }

    /** r0 in hex or the error, as a comparable string. */
    static String outcome(LongSupplier run) {
        try {
            return "r0 " + Long.toHexString(run.getAsLong());
        } catch (EbpfRuntimeException e) {
            return "error " + e.getMessage() + " @" + e.index();
        } catch (EbpfFormatException e) {
            return "load error " + e.getMessage();
        }
    }
}
