package io.weir.engine.cbpf;

import static io.weir.engine.ebpf.Reg.R0;
import static io.weir.engine.ebpf.Reg.R1;
import static io.weir.engine.ebpf.Reg.R6;
import static io.weir.engine.ebpf.Reg.R7;
import static io.weir.engine.ebpf.Reg.R8;
import static io.weir.engine.ebpf.Reg.R10;

import io.weir.engine.ebpf.AluOp;
import io.weir.engine.ebpf.JmpOp;
import io.weir.engine.ebpf.MemoryModel;
import io.weir.engine.ebpf.Program;
import io.weir.engine.ebpf.ProgramBuilder;
import io.weir.engine.ebpf.ProgramType;
import io.weir.engine.ebpf.Size;

/**
 * Translates a classic program to an eBPF socket program with the same verdict on every packet, in the manner
 * of the kernel's {@code bpf_convert_filter}:
 * <ul>
 *   <li>A lives in r0 and X in r7, both kept as zero-extended 32-bit values (all arithmetic is 32-bit ALU, all
 *       comparisons 32-bit jumps); r6 holds the context (r1 on entry), r8 is a temporary; A and X start at 0
 *       (the zeroing is left out for a register no path reads before writing);
 *   <li>M[i] is the 32-bit word at {@code r10 - 64 + 4*i} on the stack;
 *   <li>{@code len} ({@code ld #pktlen}) is {@code __sk_buff.len} read from the context;
 *   <li>packet loads are the legacy {@code ldabs}/{@code ldind} instructions.
 * </ul>
 *
 * <p><b>Why ldabs/ldind, not direct packet access.</b> ldabs/ldind have exactly classic BPF's semantics
 * (big-endian, and a load outside the captured bytes ends the program with 0), so each classic load is one eBPF
 * instruction: the interpreter dispatches once per load instead of four or five times (pointer add, compare with
 * {@code data_end}, load, byte swap), and the JIT emits {@code if (k + size > capLen) return 0} followed by a
 * big-endian array read, a comparison against a per-call constant that HotSpot's C2 hoists, and whose array
 * range checks it merges across loads at constant offsets. Direct packet access would make the JIT track
 * region-tagged packet pointers to reach the same code, for no gain on the JVM.
 *
 * <p>Where libpcap and eBPF differ the translation adds code so that libpcap wins: {@code div x}/{@code mod x}
 * by zero and a shift by X &gt;= 32 (0 in libpcap 1.10, masked in eBPF) are tested explicitly, {@code ld [x + k]}
 * is guarded so that X + k cannot wrap (unless a forward bound on X shows it cannot), and loads at offsets of
 * 2^31 or more (beyond any packet) return 0. {@code ldxb 4*([k]&0xf)}, which goes through r0, saves A in r8
 * only when A is live after it.
 * The ancillary load {@code [random]} has no translation yet (socket programs have no random helper).
 */
public final class ClassicToEbpf {
    /** The registers holding A, X, the context and a temporary. */
    public static final int REG_A = R0, REG_X = R7, REG_CTX = R6, REG_TMP = R8;
    /** Bytes of stack holding M[]: M[i] is at {@code r10 - SCRATCH_BYTES + 4 * i}. */
    public static final int SCRATCH_BYTES = ClassicOp.MEMWORDS * 4;

    private static final String RET0 = "ret0";

    /**
     * Code a caller emits in place of one classic conditional jump: a test the classic ISA cannot express (a
     * compiler's map lookup), written over a placeholder jump that keeps the classic program valid. It reads A
     * in {@link #REG_A} and must end by jumping to {@code ifTrue} or {@code ifFalse}; it may clobber r0-r5 (the
     * classic program must not read A after the placeholder without loading it again) and the stack below M[].
     */
    @FunctionalInterface
    public interface JumpOverride {
        /** Emits the replacement of the jump; the targets are labels of {@code b}. */
        void emit(ProgramBuilder b, String ifTrue, String ifFalse);
    }

    private final ClassicProgram classic;
    private final java.util.Map<Integer, JumpOverride> overrides;
    private final ProgramBuilder b = Program.builder(ProgramType.SOCKET);
    /** Per instruction: whether A is read later before being written (A is live after it). */
    private final boolean[] aLiveAfter;
    /** Per instruction: the largest value X can hold when it runs, unsigned. */
    private final long[] xMax;
    private boolean ret0Used;
    private int fresh;

    private ClassicToEbpf(ClassicProgram classic, java.util.Map<Integer, JumpOverride> overrides) {
        this.classic = classic;
        this.overrides = overrides;
        this.aLiveAfter = ClassicFlow.aLiveAfter(classic);
        this.xMax = ClassicFlow.xMax(classic);
    }

    /**
     * The eBPF equivalent of a classic program.
     *
     * @throws ClassicValidationException if the classic program is not valid, or uses {@code [random]}
     */
    public static Program translate(ClassicProgram classic) {
        return translate(classic, java.util.Map.of());
    }

    /**
     * The eBPF equivalent of a classic program in which the conditional jumps at the pcs of {@code overrides}
     * are replaced by the code the overrides emit.
     *
     * @throws ClassicValidationException if the classic program is not valid, uses {@code [random]}, or an
     *     override is not at a conditional jump
     */
    public static Program translate(ClassicProgram classic, java.util.Map<Integer, JumpOverride> overrides) {
        ClassicValidator.validate(classic);
        for (int pc : overrides.keySet()) {
            if (pc < 0 || pc >= classic.size() || !classic.get(pc).op().isConditionalJump()) {
                throw new ClassicValidationException(pc, "insn " + pc + ": an override must replace a conditional jump");
            }
        }
        return new ClassicToEbpf(classic, overrides).run();
    }

    private static String at(int pc) {
        return "c" + pc;
    }

    private Program run() {
        b.mov64Reg(REG_CTX, R1);
        // Classic A and X start at 0; the moves are left out when no path reads them first (fewer dispatches).
        int unset = ClassicFlow.registersReadBeforeWritten(classic);
        if ((unset & ClassicFlow.A) != 0) {
            b.mov32Imm(REG_A, 0);
        }
        if ((unset & ClassicFlow.X) != 0) {
            b.mov32Imm(REG_X, 0);
        }
        // Only reachable instructions are translated: the eBPF verifier rejects unreachable code, and a load that
        // can never succeed ends the run, so what follows it in line is dead.
        boolean[] reachable = reachable();
        for (int pc = 0; pc < classic.size(); pc++) {
            if (reachable[pc]) {
                b.label(at(pc));
                insn(pc, classic.get(pc));
            }
        }
        if (ret0Used) {
            b.label(RET0).mov32Imm(REG_A, 0).exit();
        }
        return b.build();
    }

    private void insn(int pc, ClassicInsn insn) {
        ClassicOp op = insn.op();
        int k = insn.k();
        switch (op) {
            case LD_ABS: case LDH_ABS: case LDB_ABS:
                if (Ancillary.fromK(k) != null) {
                    ancillary(pc, insn);
                } else if (beyondAnyPacket(k, op.loadSize())) {
                    retZero();
                } else {
                    b.ldabs(size(op), k);
                }
                break;
            case LD_IND: case LDH_IND: case LDB_IND:
                if (beyondAnyPacket(k, op.loadSize())) {
                    retZero();
                } else {
                    // X + k + size stays below 2^31 on the path that loads, so no reading of the sum can wrap;
                    // the test is left out where X is known to be small enough (after ldxb 4*([k]&0xf), ldx #k).
                    long limit = Integer.MAX_VALUE - op.loadSize() - Integer.toUnsignedLong(k);
                    if (xMax[pc] > limit) {
                        b.jmpImm(JmpOp.JGT, REG_X, (int) limit, useRet0());
                    }
                    b.ldind(size(op), REG_X, k);
                }
                break;
            case LDX_MSH:
                if (beyondAnyPacket(k, 1)) {
                    retZero();
                } else {
                    // ldabs writes r0 = A: keep A in the temporary only if it is read later.
                    if (aLiveAfter[pc]) {
                        b.mov64Reg(REG_TMP, REG_A);
                    }
                    b.ldabs(Size.B, k);
                    b.alu32Imm(AluOp.AND, REG_A, 0xf);
                    b.alu32Imm(AluOp.LSH, REG_A, 2);
                    b.mov32Reg(REG_X, REG_A);
                    if (aLiveAfter[pc]) {
                        b.mov64Reg(REG_A, REG_TMP);
                    }
                }
                break;
            case LD_IMM: b.mov32Imm(REG_A, k); break;
            case LDX_IMM: b.mov32Imm(REG_X, k); break;
            case LD_LEN: b.ldx(Size.W, REG_A, REG_CTX, MemoryModel.SKB_LEN); break;
            case LDX_LEN: b.ldx(Size.W, REG_X, REG_CTX, MemoryModel.SKB_LEN); break;
            case LD_MEM: b.ldx(Size.W, REG_A, R10, scratch(k)); break;
            case LDX_MEM: b.ldx(Size.W, REG_X, R10, scratch(k)); break;
            case ST: b.stx(Size.W, R10, scratch(k), REG_A); break;
            case STX: b.stx(Size.W, R10, scratch(k), REG_X); break;
            case ADD_K: b.alu32Imm(AluOp.ADD, REG_A, k); break;
            case SUB_K: b.alu32Imm(AluOp.SUB, REG_A, k); break;
            case MUL_K: b.alu32Imm(AluOp.MUL, REG_A, k); break;
            case DIV_K: b.alu32Imm(AluOp.DIV, REG_A, k); break;
            case MOD_K: b.alu32Imm(AluOp.MOD, REG_A, k); break;
            case AND_K: b.alu32Imm(AluOp.AND, REG_A, k); break;
            case OR_K: b.alu32Imm(AluOp.OR, REG_A, k); break;
            case XOR_K: b.alu32Imm(AluOp.XOR, REG_A, k); break;
            case LSH_K: b.alu32Imm(AluOp.LSH, REG_A, k); break;
            case RSH_K: b.alu32Imm(AluOp.RSH, REG_A, k); break;
            case ADD_X: b.alu32Reg(AluOp.ADD, REG_A, REG_X); break;
            case SUB_X: b.alu32Reg(AluOp.SUB, REG_A, REG_X); break;
            case MUL_X: b.alu32Reg(AluOp.MUL, REG_A, REG_X); break;
            case AND_X: b.alu32Reg(AluOp.AND, REG_A, REG_X); break;
            case OR_X: b.alu32Reg(AluOp.OR, REG_A, REG_X); break;
            case XOR_X: b.alu32Reg(AluOp.XOR, REG_A, REG_X); break;
            case DIV_X: case MOD_X:
                // Classic BPF ends the program with 0 on a zero divisor; eBPF would give 0 (div) or A (mod).
                b.jmpImm(JmpOp.JEQ, REG_X, 0, useRet0());
                b.alu32Reg(op == ClassicOp.DIV_X ? AluOp.DIV : AluOp.MOD, REG_A, REG_X);
                break;
            case LSH_X: case RSH_X: {
                // libpcap 1.10 gives 0 for shifts of 32 or more; eBPF masks the amount.
                String zero = "shz" + fresh++;
                String done = "shd" + fresh++;
                b.jmpImm(JmpOp.JGE, REG_X, 32, zero);
                b.alu32Reg(op == ClassicOp.LSH_X ? AluOp.LSH : AluOp.RSH, REG_A, REG_X);
                b.ja(done);
                b.label(zero).mov32Imm(REG_A, 0);
                b.label(done);
                break;
            }
            case NEG: b.alu32Imm(AluOp.NEG, REG_A, 0); break;
            case TAX: b.mov32Reg(REG_X, REG_A); break;
            case TXA: b.mov32Reg(REG_A, REG_X); break;
            case RET_K: b.mov32Imm(REG_A, k).exit(); break;
            case RET_A: b.exit(); break;
            case JA:
                if (k != 0) {
                    b.ja(at(pc + 1 + k));
                }
                break;
            default:
                conditional(pc, insn, op);
        }
    }

    /** A classic two-way branch as at most one conditional and one unconditional eBPF jump. */
    private void conditional(int pc, ClassicInsn insn, ClassicOp op) {
        int jt = insn.jt();
        int jf = insn.jf();
        JumpOverride override = overrides.get(pc);
        if (override != null) {
            override.emit(b, at(pc + 1 + jt), at(pc + 1 + jf));
            return;
        }
        if (jt == jf) {
            if (jt != 0) {
                b.ja(at(pc + 1 + jt));
            }
            return;
        }
        boolean x = (insn.code() & 0x08) != 0;
        JmpOp cond;
        JmpOp inverse;
        switch (op) {
            case JEQ_K: case JEQ_X: cond = JmpOp.JEQ; inverse = JmpOp.JNE; break;
            case JGT_K: case JGT_X: cond = JmpOp.JGT; inverse = JmpOp.JLE; break;
            case JGE_K: case JGE_X: cond = JmpOp.JGE; inverse = JmpOp.JLT; break;
            case JSET_K: case JSET_X: cond = JmpOp.JSET; inverse = null; break;
            default: throw new AssertionError(op);
        }
        if (jt == 0 && inverse != null) {
            jump32(inverse, x, insn.k(), at(pc + 1 + jf));
            return;
        }
        jump32(cond, x, insn.k(), at(pc + 1 + jt));
        if (jf != 0) {
            b.ja(at(pc + 1 + jf));
        }
    }

    private void jump32(JmpOp op, boolean x, int k, String label) {
        if (x) {
            b.jmp32Reg(op, REG_A, REG_X, label);
        } else {
            b.jmp32Imm(op, REG_A, k, label);
        }
    }

    private void ancillary(int pc, ClassicInsn insn) {
        Ancillary a = Ancillary.fromK(insn.k());
        if (a == Ancillary.XOR_X) {
            b.alu32Reg(AluOp.XOR, REG_A, REG_X);
            return;
        }
        throw new ClassicValidationException(pc, "insn " + pc + ": ancillary load [" + a.pcapName()
                + "] has no eBPF translation: socket programs have no random-number helper yet");
    }

    /** Whether a load of {@code size} bytes at unsigned offset k lies past any packet (at most 2^31 - 1 bytes). */
    /** The classic instructions that some path reaches, given that a load past any packet ends the run. */
    private boolean[] reachable() {
        int n = classic.size();
        boolean[] reached = new boolean[n];
        reached[0] = true;
        for (int pc = 0; pc < n; pc++) {
            if (!reached[pc]) {
                continue;
            }
            ClassicInsn insn = classic.get(pc);
            ClassicOp op = insn.op();
            if (op == ClassicOp.JA) {
                reached[pc + 1 + insn.k()] = true;
            } else if (op.isConditionalJump()) {
                reached[pc + 1 + insn.jt()] = true;
                reached[pc + 1 + insn.jf()] = true;
            } else if (!op.isReturn() && !alwaysFails(insn) && pc + 1 < n) {
                reached[pc + 1] = true;
            }
        }
        return reached;
    }

    /** A packet load that no packet can satisfy: it is translated to {@code return 0}. */
    private static boolean alwaysFails(ClassicInsn insn) {
        switch (insn.op()) {
            case LD_ABS: case LDH_ABS: case LDB_ABS:
                return Ancillary.fromK(insn.k()) == null && beyondAnyPacket(insn.k(), insn.op().loadSize());
            case LD_IND: case LDH_IND: case LDB_IND:
                return beyondAnyPacket(insn.k(), insn.op().loadSize());
            case LDX_MSH:
                return beyondAnyPacket(insn.k(), 1);
            default:
                return false;
        }
    }

    private static boolean beyondAnyPacket(int k, int size) {
        return Integer.toUnsignedLong(k) > (long) Integer.MAX_VALUE - size;
    }

    private void retZero() {
        b.mov32Imm(REG_A, 0).exit();
    }

    private String useRet0() {
        ret0Used = true;
        return RET0;
    }

    private static int scratch(int i) {
        return -SCRATCH_BYTES + 4 * i;
    }

    private static Size size(ClassicOp op) {
        switch (op.loadSize()) {
            case 4: return Size.W;
            case 2: return Size.H;
            default: return Size.B;
        }
    }
}
