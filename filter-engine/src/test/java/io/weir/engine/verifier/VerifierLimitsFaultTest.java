package io.weir.engine.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.engine.ebpf.AluOp;
import io.weir.engine.ebpf.Insn;
import io.weir.engine.ebpf.JmpOp;
import io.weir.engine.ebpf.Program;
import io.weir.engine.ebpf.ProgramType;
import io.weir.engine.ebpf.Size;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Programs at the verifier's limits: the largest program, the complexity limit reached by a long loop and by a
 * branch explosion, the deepest call chain and recursion. Each is accepted or rejected (with the limit's message)
 * within {@link #TIME_LIMIT}, and its analysis allocates less than {@link #ALLOCATION_LIMIT} in all.
 */
class VerifierLimitsFaultTest {
    private static final Duration TIME_LIMIT = Duration.ofSeconds(60);
    private static final long ALLOCATION_LIMIT = 4L << 30;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** {name, program, options, expected message substring (null: accepted)}. */
    static List<Arguments> cases() {
        Verifier.Options dflt = Verifier.Options.DEFAULT.withBriefLog();
        return List.of(
                Arguments.of("65,536 slots: the largest program", (Supplier<Program>) () -> straight(65_535),
                        dflt, null),
                Arguments.of("65,537 slots: one too many", (Supplier<Program>) () -> straight(65_536),
                        dflt, "larger than the limit of 65536"),
                Arguments.of("loop of ten million iterations", (Supplier<Program>) () -> loop(10_000_000),
                        dflt, "complexity limit 1000000"),
                Arguments.of("loop under a lowered limit", (Supplier<Program>) () -> loop(10_000_000),
                        dflt.withComplexityLimit(5_000), "complexity limit 5000"),
                // 2^40 paths: the analysis joins them (as bounded ranges) instead of walking each, so it ends.
                Arguments.of("2^40 paths of distinct constants", (Supplier<Program>) () -> branches(40),
                        dflt, null),
                Arguments.of("8 frames: the deepest call chain", (Supplier<Program>) () -> calls(7, false),
                        dflt, null),
                Arguments.of("9 frames: one too deep", (Supplier<Program>) () -> calls(8, false),
                        dflt, "too deep"),
                Arguments.of("recursion", (Supplier<Program>) () -> calls(3, true), dflt, "recursi"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void boundedVerdict(String name, Supplier<Program> program, Verifier.Options options, String message) {
        Program p = program.get();
        Verifier v = new Verifier(options);
        assertTimeoutPreemptively(TIME_LIMIT, () -> {
            long before = THREADS.getCurrentThreadAllocatedBytes();
            if (message == null) {
                v.check(p);
            } else {
                VerifierException e = assertThrows(VerifierException.class, () -> v.check(p), name);
                assertTrue(e.getMessage().contains(message), () -> name + ": " + e.getMessage());
            }
            long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
            assertTrue(allocated < ALLOCATION_LIMIT, name + ": the analysis allocated " + allocated + " bytes");
        }, name);
    }

    /** {@code n} moves then {@code exit}: {@code n + 1} slots. */
    private static Program straight(int n) {
        List<Insn> insns = new ArrayList<>(n + 1);
        for (int i = 0; i < n; i++) {
            insns.add(Insn.mov64Imm(0, i & 0xff));
        }
        insns.add(Insn.exit());
        return new Program(ProgramType.SOCKET, insns);
    }

    /** {@code for (r2 = 0; r2 < bound; r2++)}: terminates, but only after more steps than the verifier walks. */
    private static Program loop(int bound) {
        return new Program(ProgramType.SOCKET, List.of(
                Insn.mov64Imm(2, 0),
                Insn.alu64Imm(AluOp.ADD, 2, 1),
                Insn.jmpImm(JmpOp.JLT, 2, bound, -2),
                Insn.mov64Imm(0, 0),
                Insn.exit()));
    }

    /**
     * {@code n} tests of the packet length, each adding a constant of its own on one side: walked path by path,
     * no state would include another (the register's value indexes the stack at the end).
     */
    private static Program branches(int n) {
        List<Insn> insns = new ArrayList<>();
        insns.add(Insn.ldx(Size.W, 2, 1, 0));        // r2 = skb->len: unknown
        insns.add(Insn.mov64Imm(3, 0));
        for (int i = 0; i < n; i++) {
            insns.add(Insn.jmpImm(JmpOp.JGT, 2, i * 7, 1));
            insns.add(Insn.alu64Imm(AluOp.ADD, 3, 1 << (i % 30)));
            insns.add(Insn.alu64Imm(AluOp.LSH, 3, 1));
        }
        // r3 then indexes the stack, so its exact value matters on every path (no imprecise-scalar shortcut).
        insns.add(Insn.alu64Imm(AluOp.AND, 3, 0x1f));
        insns.add(Insn.mov64Reg(4, 10));
        insns.add(Insn.alu64Imm(AluOp.ADD, 4, -64));
        insns.add(Insn.alu64Reg(AluOp.ADD, 4, 3));
        insns.add(Insn.st(Size.B, 4, 0, 0));
        insns.add(Insn.mov64Imm(0, 0));
        insns.add(Insn.exit());
        return new Program(ProgramType.SOCKET, insns);
    }

    /**
     * A chain of {@code depth} local calls (depth + 1 frames), each function calling the next; with
     * {@code recursive}, the last calls the first callee again.
     */
    private static Program calls(int depth, boolean recursive) {
        // Layout: main = [call f1, exit] at slots 0-1; f_k = [call f_(k+1) | r0 = 0, r0 = k, exit], 3 slots each.
        List<Insn> insns = new ArrayList<>();
        insns.add(call(0, 2));
        insns.add(Insn.exit());
        for (int k = 1; k <= depth; k++) {
            int here = insns.size();
            if (k < depth) {
                insns.add(call(here, here + 3));
            } else if (recursive) {
                insns.add(call(here, 2));
            } else {
                insns.add(Insn.mov64Imm(0, 0));
            }
            insns.add(Insn.mov64Imm(0, k));
            insns.add(Insn.exit());
        }
        return new Program(ProgramType.SOCKET, insns);
    }

    /** A local call at slot {@code at} to slot {@code target} (the offset counts from the next slot). */
    private static Insn call(int at, int target) {
        return Insn.of(0x85, 0, 1, 0, target - at - 1);
    }

    @org.junit.jupiter.api.Test
    void callChainLayoutIsWhatTheCasesSay() {
        // Guards the helper above: 8 frames pass and the structure check counts them.
        VerifiedProgram v = new Verifier(Verifier.Options.DEFAULT).check(calls(7, false));
        assertEquals(8, v.callFrames(), "frames of calls(7)");
    }
}
