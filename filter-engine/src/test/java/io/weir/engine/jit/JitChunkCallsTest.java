package io.weir.engine.jit;

import static io.weir.engine.ebpf.Reg.R0;
import static io.weir.engine.ebpf.Reg.R1;
import static io.weir.engine.ebpf.Reg.R10;
import static io.weir.engine.ebpf.Reg.R6;
import static io.weir.engine.ebpf.Reg.R7;
import static io.weir.engine.ebpf.Reg.R8;
import static org.junit.jupiter.api.Assertions.*;

import io.weir.engine.ebpf.AluOp;
import io.weir.engine.ebpf.EbpfInterpreter;
import io.weir.engine.ebpf.HelperTable;
import io.weir.engine.ebpf.JmpOp;
import io.weir.engine.ebpf.Program;
import io.weir.engine.ebpf.ProgramBuilder;
import io.weir.engine.ebpf.ProgramType;
import io.weir.engine.ebpf.Size;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * How the chunk methods of a split program hand over ({@link ChunkCalls}): a transfer to a later chunk is a direct
 * call with the registers as arguments (at most {@link ChunkCalls#MAX_DIRECT_CHUNKS} chunks), anything else goes
 * back to the dispatcher; either way the results, memory and budget errors are the interpreter's.
 */
class JitChunkCallsTest {
    /**
     * A loop whose body spans several chunks (stack stores and loads, a forward jump over a block, a store to
     * the memory each round), run {@code rounds} times; r0 is a checksum of everything.
     */
    private static Program loop(int rounds, int blocks) {
        ProgramBuilder b = Program.builder(ProgramType.RAW);
        b.mov64Imm(R6, 7).mov64Imm(R7, 0).label("loop");
        for (int k = 0; k < blocks; k++) {
            if (k == blocks / 2) {
                b.jmpImm(JmpOp.JEQ, R7, 3, "skip" + k);   // a forward jump over a block, on one round
            }
            b.alu64Imm(AluOp.MUL, R6, 31).alu64Reg(AluOp.XOR, R6, R7).alu64Imm(AluOp.ADD, R6, k);
            b.stx(Size.DW, R10, -8 - 8 * (k % 8), R6).ldx(Size.DW, R8, R10, -8 - 8 * ((k + 3) % 8));
            b.alu64Reg(AluOp.ADD, R6, R8);
            if (k == blocks / 2) {
                b.label("skip" + k);
            }
        }
        b.stx(Size.B, R1, 0, R6);
        b.alu64Imm(AluOp.ADD, R7, 1).jmpImm(JmpOp.JLT, R7, rounds, "loop");
        return b.mov64Reg(R0, R6).exit().build();
    }

    /** Per chunk method, the chunk methods it calls. */
    private static Map<String, Set<String>> calls(byte[] classFile) {
        Map<String, Set<String>> out = new HashMap<>();
        new ClassReader(classFile).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] ex) {
                Set<String> callees = out.computeIfAbsent(name, n -> new HashSet<>());
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int op, String owner, String callee, String d, boolean itf) {
                        if (d.equals(ChunkCalls.DESC)) {
                            callees.add(callee);
                        }
                    }
                };
            }
        }, 0);
        return out;
    }

    @ParameterizedTest(name = "{0} rounds, {1} blocks, chunks of {2} estimated bytes")
    @CsvSource({"20, 12, 1200", "20, 12, 200", "20, 12, 60", "5, 40, 3000", "1000000, 12, 1200",
        "1000000, 12, 60"})
    void splitProgramsRunAsTheInterpreter(int rounds, int blocks, int maxChunk) {
        Program p = loop(rounds, blocks);
        long budget = 100_000;
        JitProgram jit = JitCompiler.compile(p, HelperTable.conformance(), budget, MemoryFacts.NONE, maxChunk);
        EbpfInterpreter interp = new EbpfInterpreter(p, HelperTable.conformance(), budget);
        for (int run = 0; run < 3; run++) {   // the state is reused from run to run
            byte[] a = new byte[8];
            byte[] b = new byte[8];
            String name = rounds + " rounds, chunk budget " + maxChunk + ", run " + run;
            String expected = JitDifferentialTest.outcome(() -> interp.run(a));
            assertEquals(expected, JitDifferentialTest.outcome(() -> jit.run(b)), name);
            assertArrayEquals(a, b, name);
        }
    }

    @ParameterizedTest(name = "chunks of {0} estimated bytes")
    @CsvSource({"1200", "200", "60"})
    void forwardTransfersAreCallsUpToTheLimit(int maxChunk) {
        JitPlan plan = new JitPlan(loop(20, 12), HelperTable.conformance(), 100_000, MemoryFacts.NONE, maxChunk);
        int chunks = plan.chunkStart.length - 1;
        Map<String, Set<String>> calls = calls(JitCompiler.generate(plan, "io/weir/engine/jit/ChunkCallsProbe"));
        assertTrue(calls.get("exec").contains("c0"), "the dispatcher starts at chunk 0");
        boolean anyDirect = false;
        for (int c = 0; c < chunks; c++) {
            for (String callee : calls.get("c" + c)) {
                anyDirect = true;
                assertTrue(Integer.parseInt(callee.substring(1)) > c, "c" + c + " calls " + callee + ": not later");
            }
        }
        assertEquals(chunks <= ChunkCalls.MAX_DIRECT_CHUNKS, anyDirect, chunks + " chunks");
    }
}
