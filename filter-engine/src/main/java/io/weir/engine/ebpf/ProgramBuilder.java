package io.weir.engine.ebpf;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link Program} with named labels instead of numeric offsets: jumps and local calls name a label,
 * and {@link #build()} resolves every offset (in slots). A {@code ja} whose distance does not fit in 16 bits
 * becomes {@code ja32}; a conditional jump that does not fit is an error naming the label.
 *
 * <pre>{@code
 * Program p = Program.builder(ProgramType.SOCKET)
 *         .ldabs(Size.H, 12).jmpImm(JmpOp.JNE, R0, 0x0800, "drop")
 *         .mov64Imm(R0, 0xffff).exit()
 *         .label("drop").mov64Imm(R0, 0).exit()
 *         .build();
 * }</pre>
 */
public final class ProgramBuilder {
    private final ProgramType type;
    private final List<Insn> insns = new ArrayList<>();
    private final Map<String, Integer> labels = new HashMap<>();
    private final List<Fixup> fixups = new ArrayList<>();

    private record Fixup(int index, String label) {}

    ProgramBuilder(ProgramType type) {
        this.type = type;
    }

    /** Places {@code name} at the next instruction. */
    public ProgramBuilder label(String name) {
        if (labels.putIfAbsent(name, insns.size()) != null) {
            throw new IllegalArgumentException("duplicate label '" + name + "'");
        }
        return this;
    }

    /** Whether {@code name} has been placed. */
    public boolean hasLabel(String name) {
        return labels.containsKey(name);
    }

    /** The number of instructions so far. */
    public int size() {
        return insns.size();
    }

    /** Appends an instruction as it is (its offsets are used verbatim). */
    public ProgramBuilder insn(Insn i) {
        insns.add(i);
        return this;
    }

    /** Appends a branch or local call whose target is {@code label}, resolved in {@link #build()}. */
    public ProgramBuilder insn(Insn i, String label) {
        fixups.add(new Fixup(insns.size(), label));
        insns.add(i);
        return this;
    }

    // ------------------------------------------------------------------ the assembly-like DSL

    public ProgramBuilder alu64Imm(AluOp op, int dst, int imm) { return insn(Insn.alu64Imm(op, dst, imm)); }

    public ProgramBuilder alu64Reg(AluOp op, int dst, int src) { return insn(Insn.alu64Reg(op, dst, src)); }

    public ProgramBuilder alu32Imm(AluOp op, int dst, int imm) { return insn(Insn.alu32Imm(op, dst, imm)); }

    public ProgramBuilder alu32Reg(AluOp op, int dst, int src) { return insn(Insn.alu32Reg(op, dst, src)); }

    public ProgramBuilder mov64Imm(int dst, int imm) { return insn(Insn.mov64Imm(dst, imm)); }

    public ProgramBuilder mov64Reg(int dst, int src) { return insn(Insn.mov64Reg(dst, src)); }

    public ProgramBuilder mov32Imm(int dst, int imm) { return alu32Imm(AluOp.MOV, dst, imm); }

    public ProgramBuilder mov32Reg(int dst, int src) { return alu32Reg(AluOp.MOV, dst, src); }

    /** {@code dst = be16/32/64 dst} (to big-endian = network order on a little-endian machine). */
    public ProgramBuilder be(int dst, int bits) { return insn(Insn.of(0xdc, dst, 0, 0, bits)); }

    /** {@code dst = le16/32/64 dst}. */
    public ProgramBuilder le(int dst, int bits) { return insn(Insn.of(0xd4, dst, 0, 0, bits)); }

    public ProgramBuilder lddw(int dst, long imm64) { return insn(Insn.lddw(dst, imm64)); }

    public ProgramBuilder ldx(Size size, int dst, int src, int off) { return insn(Insn.ldx(size, dst, src, off)); }

    public ProgramBuilder st(Size size, int dst, int off, int imm) { return insn(Insn.st(size, dst, off, imm)); }

    public ProgramBuilder stx(Size size, int dst, int off, int src) { return insn(Insn.stx(size, dst, off, src)); }

    public ProgramBuilder ldabs(Size size, int imm) { return insn(Insn.ldabs(size, imm)); }

    public ProgramBuilder ldind(Size size, int src, int imm) { return insn(Insn.ldind(size, src, imm)); }

    /** {@code lock *(size *)(dst + off) op= src}, or its fetching form. */
    public ProgramBuilder atomic(AtomicOp op, boolean fetch, Size size, int dst, int off, int src) {
        int imm = op.code() | (fetch ? AtomicOp.FETCH : 0);
        return insn(Insn.of(Mode.ATOMIC.code() | size.code() | OpClass.STX.code(), dst, src, off, imm));
    }

    /** {@code if dst op imm goto label} (64-bit). */
    public ProgramBuilder jmpImm(JmpOp op, int dst, int imm, String label) {
        return insn(Insn.jmpImm(op, dst, imm, 0), label);
    }

    /** {@code if dst op src goto label} (64-bit). */
    public ProgramBuilder jmpReg(JmpOp op, int dst, int src, String label) {
        return insn(Insn.jmpReg(op, dst, src, 0), label);
    }

    /** {@code if wdst op imm goto label} (32-bit). */
    public ProgramBuilder jmp32Imm(JmpOp op, int dst, int imm, String label) {
        return insn(Insn.of(OpClass.JMP32.code() | op.code(), dst, 0, 0, imm), label);
    }

    /** {@code if wdst op wsrc goto label} (32-bit). */
    public ProgramBuilder jmp32Reg(JmpOp op, int dst, int src, String label) {
        return insn(Insn.of(OpClass.JMP32.code() | op.code() | 0x08, dst, src, 0, 0), label);
    }

    /** {@code goto label}. */
    public ProgramBuilder ja(String label) { return insn(Insn.ja(0), label); }

    /** {@code call id}: a helper. */
    public ProgramBuilder call(int helperId) { return insn(Insn.call(helperId)); }

    /** {@code call local label}: a bpf-to-bpf call. */
    public ProgramBuilder callLocal(String label) { return insn(Insn.of(0x85, 0, 1, 0, 0), label); }

    /** {@code callx reg}: a helper whose id is in {@code reg}. */
    public ProgramBuilder callx(int reg) { return insn(Insn.of(0x8d, reg, 0, 0, 0)); }

    public ProgramBuilder exit() { return insn(Insn.exit()); }

    /** Resolves every label and returns the program. */
    public Program build() {
        List<Insn> out = new ArrayList<>(insns);
        // A ja that grows into ja32 keeps its slot count, so one pass over slot positions suffices.
        int[] slot = new int[out.size() + 1];
        for (int k = 0; k < out.size(); k++) {
            slot[k + 1] = slot[k] + out.get(k).slots();
        }
        for (Fixup f : fixups) {
            Integer target = labels.get(f.label);
            Insn i = out.get(f.index);
            if (target == null) {
                throw new IllegalArgumentException("insn " + slot[f.index] + " (" + Disassembler.kernel(i)
                        + "): undefined label '" + f.label + "'");
            }
            int rel = slot[target] - slot[f.index] - 1;
            Opcode.Form form = i.op().form();
            if (form == Opcode.Form.JA && (rel < Short.MIN_VALUE || rel > Short.MAX_VALUE)) {
                out.set(f.index, Insn.of(0x06, 0, 0, 0, rel));
            } else if (form == Opcode.Form.JA || form == Opcode.Form.JA32 || form == Opcode.Form.CALL_LOCAL
                    || form == Opcode.Form.JCOND_IMM || form == Opcode.Form.JCOND_REG) {
                try {
                    out.set(f.index, i.withJumpOffset(rel));
                } catch (EbpfFormatException e) {
                    throw new IllegalArgumentException("insn " + slot[f.index] + ": label '" + f.label
                            + "' is too far for a 16-bit jump offset (" + rel + " slots)", e);
                }
            } else {
                throw new IllegalArgumentException("insn " + slot[f.index] + " (" + Disassembler.kernel(i)
                        + "): not a branch, cannot target label '" + f.label + "'");
            }
        }
        return new Program(type, out);
    }
}
