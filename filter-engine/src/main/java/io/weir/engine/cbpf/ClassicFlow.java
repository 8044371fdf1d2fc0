package io.weir.engine.cbpf;

import java.util.Arrays;

/**
 * Data-flow facts about a validated classic program, used by the validator and the eBPF translation. Classic
 * programs only jump forward, so each analysis is one pass in program order (forward facts) or in reverse
 * (backward facts), merging at the targets of jumps; a path that returns or jumps does not flow into the next
 * instruction.
 */
final class ClassicFlow {
    /** Bit for the accumulator A in register sets. */
    static final int A = 1;
    /** Bit for the index register X in register sets. */
    static final int X = 2;

    private static final int ALL_SCRATCH = (1 << ClassicOp.MEMWORDS) - 1;

    private ClassicFlow() {
    }

    /**
     * The first instruction that may read a scratch word no path to it has written (the kernel's
     * {@code check_load_and_stores}), or -1. Needs in-range jumps and scratch indices.
     */
    static int firstScratchReadBeforeWrite(ClassicProgram p) {
        int n = p.size();
        int[] incoming = new int[n];
        Arrays.fill(incoming, ALL_SCRATCH);
        int written = 0;
        for (int pc = 0; pc < n; pc++) {
            written &= incoming[pc];
            ClassicInsn insn = p.get(pc);
            ClassicOp op = insn.op();
            if (op.writesScratch()) {
                written |= 1 << insn.k();
            } else if (op.readsScratch() && (written & (1 << insn.k())) == 0) {
                return pc;
            }
            written = flowOut(p, pc, incoming, written, ALL_SCRATCH);
        }
        return -1;
    }

    /** Which of A and X ({@link #A}, {@link #X} bits) some path may read before writing. */
    static int registersReadBeforeWritten(ClassicProgram p) {
        int n = p.size();
        int[] incoming = new int[n];
        Arrays.fill(incoming, A | X);
        int written = 0;
        int unset = 0;
        for (int pc = 0; pc < n; pc++) {
            written &= incoming[pc];
            ClassicInsn insn = p.get(pc);
            ClassicOp op = insn.op();
            boolean xorX = isXorX(insn);
            if ((op.readsA() || xorX) && (written & A) == 0) {
                unset |= A;
            }
            if ((op.readsX() || xorX) && (written & X) == 0) {
                unset |= X;
            }
            written |= (op.writesA() ? A : 0) | (op.writesX() ? X : 0);
            written = flowOut(p, pc, incoming, written, A | X);
        }
        return unset;
    }

    /** Per instruction, whether some path after it reads A before writing it (A is live out). */
    static boolean[] aLiveAfter(ClassicProgram p) {
        int n = p.size();
        boolean[] liveIn = new boolean[n + 1];
        boolean[] liveOut = new boolean[n];
        for (int pc = n - 1; pc >= 0; pc--) {
            ClassicInsn insn = p.get(pc);
            ClassicOp op = insn.op();
            boolean out;
            if (op == ClassicOp.JA) {
                out = liveIn[pc + 1 + insn.k()];
            } else if (op.isConditionalJump()) {
                out = liveIn[pc + 1 + insn.jt()] || liveIn[pc + 1 + insn.jf()];
            } else {
                out = !op.isReturn() && liveIn[pc + 1];
            }
            liveOut[pc] = out;
            liveIn[pc] = op.readsA() || isXorX(insn) || (out && !op.writesA());
        }
        return liveOut;
    }

    /** Per instruction, the largest unsigned value X may hold when it runs (X starts at 0). */
    static long[] xMax(ClassicProgram p) {
        int n = p.size();
        long unknown = 0xffff_ffffL;
        long[] in = new long[n];
        boolean[] reached = new boolean[n];
        reached[0] = true;
        for (int pc = 0; pc < n; pc++) {
            if (!reached[pc]) {
                in[pc] = unknown;       // unreachable: any bound will do, stay safe
            }
            ClassicInsn insn = p.get(pc);
            ClassicOp op = insn.op();
            long out = in[pc];
            if (op == ClassicOp.LDX_IMM) {
                out = insn.kUnsigned();
            } else if (op == ClassicOp.LDX_MSH) {
                out = 60;               // 4 * (byte & 0xf)
            } else if (op.writesX()) {
                out = unknown;
            }
            if (op == ClassicOp.JA) {
                maxInto(in, reached, pc + 1 + insn.k(), out);
            } else if (op.isConditionalJump()) {
                maxInto(in, reached, pc + 1 + insn.jt(), out);
                maxInto(in, reached, pc + 1 + insn.jf(), out);
            } else if (!op.isReturn() && pc + 1 < n) {
                maxInto(in, reached, pc + 1, out);
            }
        }
        return in;
    }

    private static void maxInto(long[] in, boolean[] reached, int to, long value) {
        in[to] = reached[to] ? Math.max(in[to], value) : value;
        reached[to] = true;
    }

    /**
     * For "set written on every path" analyses: sends {@code written} to the jump targets of pc (intersecting)
     * and returns what flows into pc + 1 ({@code all} after a jump or return, which do not fall through).
     */
    private static int flowOut(ClassicProgram p, int pc, int[] incoming, int written, int all) {
        ClassicInsn insn = p.get(pc);
        ClassicOp op = insn.op();
        if (op == ClassicOp.JA) {
            incoming[pc + 1 + insn.k()] &= written;
            return all;
        }
        if (op.isConditionalJump()) {
            incoming[pc + 1 + insn.jt()] &= written;
            incoming[pc + 1 + insn.jf()] &= written;
            return all;
        }
        return op.isReturn() ? all : written;
    }

    /** The Linux ancillary {@code [xor_x]}, which reads A and X though its opcode is a plain load. */
    private static boolean isXorX(ClassicInsn insn) {
        return insn.op().isAbsoluteLoad() && Ancillary.fromK(insn.k()) == Ancillary.XOR_X;
    }
}
