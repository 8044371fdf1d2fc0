package io.weir.engine.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.engine.Engine;
import io.weir.engine.Engines;
import io.weir.engine.Filter;
import io.weir.engine.RawExecutable;
import io.weir.engine.ebpf.AluOp;
import io.weir.engine.ebpf.EbpfInterpreter;
import io.weir.engine.ebpf.EbpfRuntimeException;
import io.weir.engine.ebpf.HelperTable;
import io.weir.engine.ebpf.JmpOp;
import io.weir.engine.ebpf.Program;
import io.weir.engine.ebpf.ProgramBuilder;
import io.weir.engine.ebpf.ProgramType;
import io.weir.engine.ebpf.Reg;
import io.weir.engine.ebpf.Size;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How programs are laid out as JVM classes: large programs split into methods under HotSpot's limit and still
 * right (straight code, loops whose budget is charged across methods, local calls returning across methods),
 * the stack kept in locals when it can be, the {@code auto} fallback, the class dump, and one filter shared by
 * several threads.
 */
class JitLayoutTest {
    private static final long BUDGET = 1_000_000;

    /** Every generated method of {@code p}'s class, at its default layout, stays under 8000 bytes. */
    private static int largestMethod(Program p) {
        JitPlan plan = new JitPlan(p, HelperTable.forType(p.type()), BUDGET, MemoryFacts.NONE, Integer.MAX_VALUE);
        return ClassFileSizes.largestMethod(JitCompiler.generate(plan, "io/weir/engine/jit/LayoutProbe"));
    }

    @Test
    void thousandsOfInstructionsBecomeManySmallMethods() {
        for (int seed = 0; seed < 4; seed++) {
            Random r = new Random(seed);
            Program p = RandomEbpfPrograms.loadable(r, ProgramType.RAW, 6000);
            JitProgram jit = JitCompiler.compile(p, HelperTable.conformance(), BUDGET);
            assertFalse(jit.toString().contains(" in 1 method"), jit.toString());
            assertTrue(largestMethod(p) < JitCompiler.HUGE_METHOD_LIMIT, "largest method " + largestMethod(p));
            byte[] mem = new byte[72];
            r.nextBytes(mem);
            byte[] a = mem.clone();
            byte[] b = mem.clone();
            EbpfInterpreter interp = new EbpfInterpreter(p, HelperTable.conformance(), BUDGET);
            assertEquals(JitDifferentialTest.outcome(() -> interp.run(a)),
                    JitDifferentialTest.outcome(() -> jit.run(b)), "seed " + seed);
            assertEquals(new String(a, java.nio.charset.StandardCharsets.ISO_8859_1),
                    new String(b, java.nio.charset.StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void aLoopOverManyMethodsIsChargedLikeTheInterpreter() {
        // r1 counts down from 3000 through 4000 straight-line instructions, then loops back: 3000 * 4000 > budget.
        ProgramBuilder b = Program.builder(ProgramType.RAW).mov64Imm(Reg.R1, 3000).mov64Imm(Reg.R0, 0).label("top");
        for (int k = 0; k < 4000; k++) {
            b.alu64Imm(AluOp.ADD, Reg.R0, k % 7).alu32Imm(AluOp.XOR, Reg.R2, k);
        }
        b.alu64Imm(AluOp.SUB, Reg.R1, 1).jmpImm(JmpOp.JNE, Reg.R1, 0, "top").exit();
        Program p = b.build();
        for (long budget : new long[] {BUDGET, 100_000_000L}) {
            RawExecutable jit = JitCompiler.compile(p, HelperTable.conformance(), budget);
            RawExecutable interp = new EbpfInterpreter(p, HelperTable.conformance(), budget);
            assertEquals(JitDifferentialTest.outcome(() -> interp.run(null)),
                    JitDifferentialTest.outcome(() -> jit.run(null)), "budget " + budget);
        }
        assertThrows(EbpfRuntimeException.class, () -> JitCompiler.compile(p, HelperTable.conformance(), BUDGET)
                .run(null));
    }

    @Test
    void localCallsReturnAcrossMethods() {
        // main calls f 40 times; f is far away (past 3000 instructions of padding) and recurses 5 deep.
        ProgramBuilder b = Program.builder(ProgramType.RAW).mov64Imm(Reg.R6, 40).mov64Imm(Reg.R7, 0).label("again")
                .mov64Imm(Reg.R1, 5).callLocal("f").alu64Reg(AluOp.ADD, Reg.R7, Reg.R0)
                .alu64Imm(AluOp.SUB, Reg.R6, 1).jmpImm(JmpOp.JNE, Reg.R6, 0, "again").mov64Reg(Reg.R0, Reg.R7).exit();
        for (int k = 0; k < 3000; k++) {
            b.alu64Imm(AluOp.ADD, Reg.R3, k);
        }
        b.exit().label("f").stx(Size.DW, Reg.R10, -8, Reg.R1).mov64Reg(Reg.R0, Reg.R1)
                .jmpImm(JmpOp.JEQ, Reg.R1, 0, "ret").alu64Imm(AluOp.SUB, Reg.R1, 1).callLocal("f")
                .ldx(Size.DW, Reg.R1, Reg.R10, -8).alu64Reg(AluOp.ADD, Reg.R0, Reg.R1).label("ret").exit();
        Program p = b.build();
        JitProgram jit = JitCompiler.compile(p, HelperTable.conformance(), BUDGET);
        assertFalse(jit.toString().contains(" in 1 method"), jit.toString());
        assertEquals(40L * (5 + 4 + 3 + 2 + 1), jit.run((byte[]) null));
        assertEquals(new EbpfInterpreter(p).run((byte[]) null), jit.run((byte[]) null));
    }

    @Test
    void constantStackSlotsLiveInLocals() {
        Program p = Program.builder(ProgramType.SOCKET).stx(Size.W, Reg.R10, -4, Reg.R1)
                .st(Size.H, Reg.R10, -8, 0x1234).st(Size.B, Reg.R10, -7, 0x56)
                .ldx(Size.W, Reg.R0, Reg.R10, -8).ldx(Size.W, Reg.R2, Reg.R1, 0)
                .alu64Reg(AluOp.ADD, Reg.R0, Reg.R2).exit().build();
        JitProgram jit = JitCompiler.compile(p);
        assertTrue(jit.toString().contains("stack locals") && !jit.toString().contains("per-thread"), jit.toString());
        byte[] pkt = new byte[20];
        assertEquals(0x5634 + 1000, jit.run(pkt, 0, 20, 1000));
        assertEquals(new EbpfInterpreter(p).run(pkt, 0, 20, 1000), jit.run(pkt, 0, 20, 1000));
    }

    @Test
    void packetLoadsTheVerifierProvedSkipTheCheck() {
        // Direct packet access: r2 = data, r3 = data_end; the load of [r2 + 12] is proven by the comparison.
        Program p = Program.builder(ProgramType.SOCKET).ldx(Size.W, Reg.R2, Reg.R1, 76).ldx(Size.W, Reg.R3, Reg.R1, 80)
                .mov64Reg(Reg.R4, Reg.R2).alu64Imm(AluOp.ADD, Reg.R4, 14).jmpReg(JmpOp.JGT, Reg.R4, Reg.R3, "short")
                .ldx(Size.H, Reg.R0, Reg.R2, 12).exit().label("short").mov64Imm(Reg.R0, 0).exit().build();
        io.weir.engine.verifier.VerifiedProgram v = io.weir.engine.verifier.Verifier.verify(p);
        assertTrue(MemoryFacts.of(v).packetAccessInRange(5), "the verifier proves the load at index 5");
        JitProgram proven = JitCompiler.compile(v);
        JitProgram checked = JitCompiler.compile(p);
        assertFalse(proven.toString().contains("per-thread"), "no checked access is left: " + proven);
        assertTrue(checked.toString().contains("per-thread"), "the load is checked: " + checked);
        EbpfInterpreter interp = new EbpfInterpreter(p);
        Random r = new Random(6);
        for (int len = 0; len < 40; len++) {
            byte[] pkt = new byte[len + 3];
            r.nextBytes(pkt);
            long want = interp.run(pkt, 1, len, len);
            assertEquals(want, proven.run(pkt, 1, len, len), "length " + len);
            assertEquals(want, checked.run(pkt, 1, len, len), "length " + len);
        }
    }

    @Test
    void engineChoice() {
        Program p = Program.builder(ProgramType.SOCKET).mov64Imm(Reg.R0, 7).exit().build();
        assertTrue(Engines.available(Engine.JIT));
        assertInstanceOf(JitProgram.class, Engines.filter(p, Engine.JIT));
        assertInstanceOf(JitProgram.class, Engines.filter(p, Engine.AUTO));
        assertInstanceOf(EbpfInterpreter.class, Engines.filter(p, Engine.INTERPRETER));
    }

    @Test
    void autoFallsBackToTheInterpreterWhenNoClassCanBeMade() {
        // 40000 distinct 64-bit constants overflow a class file's constant pool (65535 entries).
        ProgramBuilder b = Program.builder(ProgramType.SOCKET).mov64Imm(Reg.R0, 0);
        for (int k = 0; k < 40_000; k++) {
            b.lddw(Reg.R2, 0x1_0000_0000L + k).alu64Reg(AluOp.XOR, Reg.R0, Reg.R2);
        }
        Program p = b.exit().build();
        assertThrows(JitException.class, () -> Engines.filter(p, Engine.JIT));
        Filter auto = Engines.filter(p, Engine.AUTO);
        assertInstanceOf(EbpfInterpreter.class, auto);
        assertEquals(new EbpfInterpreter(p).run(new byte[0], 0, 0, 0), auto.run(new byte[0], 0, 0, 0));
    }

    @Test
    void dumpWritesTheClassFile(@TempDir Path dir) throws IOException {
        System.setProperty(JitCompiler.DUMP_PROPERTY, dir.toString());
        try {
            JitCompiler.compile(Program.builder(ProgramType.SOCKET).mov64Imm(Reg.R0, 1).exit().build());
        } finally {
            System.clearProperty(JitCompiler.DUMP_PROPERTY);
        }
        try (Stream<Path> files = Files.list(dir)) {
            Path f = files.filter(x -> x.toString().endsWith(".class")).findFirst().orElseThrow();
            byte[] bytes = Files.readAllBytes(f);
            assertEquals(0xcafebabe, java.nio.ByteBuffer.wrap(bytes).getInt(), "a class file: " + f);
        }
    }

    @Test
    void oneFilterOnSeveralThreads() throws Exception {
        // Uses the per-thread state (a helper call, an escaping stack pointer) and the stack in parallel.
        Program p = Program.builder(ProgramType.RAW).mov64Reg(Reg.R6, Reg.R1).mov64Reg(Reg.R3, Reg.R10)
                .alu64Imm(AluOp.ADD, Reg.R3, -16).ldx(Size.DW, Reg.R4, Reg.R6, 0).stx(Size.DW, Reg.R3, 0, Reg.R4)
                .mov64Imm(Reg.R1, 3).call(5).ldx(Size.DW, Reg.R5, Reg.R10, -16).alu64Reg(AluOp.ADD, Reg.R0, Reg.R5)
                .exit().build();
        RawExecutable jit = JitCompiler.compile(p, HelperTable.conformance(), BUDGET);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Future<?>[] fs = new Future<?>[4];
            for (int t = 0; t < fs.length; t++) {
                long base = t * 1_000_000L;
                fs[t] = pool.submit(() -> {
                    for (long i = base; i < base + 20_000; i++) {
                        byte[] mem = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                                .putLong(i).array();
                        assertEquals(i + 3, jit.run(mem));
                    }
                    return null;
                });
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }
}
