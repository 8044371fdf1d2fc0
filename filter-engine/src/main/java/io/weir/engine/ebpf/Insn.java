package io.weir.engine.ebpf;

import java.util.Objects;

/**
 * One eBPF instruction, immutable and always valid (it is checked against the {@link Opcode} table when made).
 *
 * <p>The kernel's encoding, 8 bytes little-endian (RFC 9669 section 3):
 * <pre>
 *  byte:   0          1            2   3        4   5   6   7
 *        +--------+-----+-----+---------+-------------------------+
 *        | opcode | src | dst |   off   |           imm           |
 *        +--------+-----+-----+---------+-------------------------+
 *  bits:   8        4     4     16 (s)    32 (signed)
 *                  (high)(low)
 *  opcode: | op or mode (4 or 3 bits) | source or size | class (3 bits) |
 * </pre>
 * {@code lddw} (opcode 0x18) is one {@code Insn} holding a 64-bit immediate, encoded as two 8-byte slots: the
 * first carries the low 32 bits, the second (opcode 0, all other fields 0) the high 32 bits. Jump offsets count
 * slots, not instructions: see {@link Program#slotOf(int)}.
 *
 * <p>Factories read like the assembly: {@code Insn.alu64Imm(AluOp.ADD, R1, 22)},
 * {@code Insn.ldx(Size.H, R3, R1, 12)}, {@code Insn.jmpImm(JmpOp.JEQ, R1, 0x800, 3)}. For generated code
 * prefer {@link ProgramBuilder}, which resolves labels.
 */
public final class Insn {
    private final Opcode op;
    private final int dst;
    private final int src;
    private final int off;
    private final long imm;

    private Insn(Opcode op, int dst, int src, int off, long imm) {
        this.op = op;
        this.dst = dst;
        this.src = src;
        this.off = off;
        this.imm = imm;
    }

    /**
     * An instruction from its raw fields (for {@code lddw}, {@code imm} is the full 64-bit value; otherwise it
     * must fit in 32 signed or unsigned bits and is kept sign-extended).
     *
     * @throws EbpfFormatException when the fields do not form a valid instruction
     */
    public static Insn of(int opcode, int dst, int src, int off, long imm) {
        opcode &= 0xff;
        if (off < Short.MIN_VALUE || off > Short.MAX_VALUE) {
            throw new EbpfFormatException(-1, opcode, "offset " + off + " does not fit in 16 bits");
        }
        if (opcode != 0x18) {
            if (imm < Integer.MIN_VALUE || imm > 0xffff_ffffL) {
                throw new EbpfFormatException(-1, opcode, "immediate " + imm + " does not fit in 32 bits");
            }
            imm = (int) imm;
        }
        Opcode o = Opcode.lookup(opcode, src, off, (int) imm);
        if (o != null && o.isWide() && o.variant() != 0 && o.variant() != 2 && o.variant() != 6 && imm >>> 32 != 0) {
            throw new EbpfFormatException(-1, opcode, "second slot of " + o.mnemonic() + " must have imm 0");
        }
        if (o == null) {
            throw new EbpfFormatException(-1, opcode, Opcode.whyUnknown(opcode, src, off, (int) imm));
        }
        String why = o.check(dst, src, off, (int) imm);
        if (why != null) {
            throw new EbpfFormatException(-1, opcode, why);
        }
        return new Insn(o, dst, o.disc() == Opcode.Disc.SRC ? o.discValue() : src, off, imm);
    }

    /** An instruction of a table entry (the discriminating field is filled from the entry). */
    public static Insn of(Opcode op, int dst, int src, int off, long imm) {
        switch (op.disc()) {
            case SRC -> src = op.discValue();
            case OFF -> off = op.discValue();
            case IMM -> imm = op.discValue();
            default -> { }
        }
        return of(op.opcode(), dst, src, off, imm);
    }

    // ------------------------------------------------------------------ factories

    /** {@code dst op= imm} on 64 bits (ADD..ARSH except NEG and END; DIV/MOD unsigned). */
    public static Insn alu64Imm(AluOp op, int dst, int imm) {
        return of(OpClass.ALU64.code() | op.code(), dst, 0, 0, imm);
    }

    /** {@code dst op= src} on 64 bits. */
    public static Insn alu64Reg(AluOp op, int dst, int src) {
        return of(OpClass.ALU64.code() | op.code() | 0x08, dst, src, 0, 0);
    }

    /** {@code dst op= imm} on 32 bits, the result zero-extended. */
    public static Insn alu32Imm(AluOp op, int dst, int imm) {
        return of(OpClass.ALU.code() | op.code(), dst, 0, 0, imm);
    }

    /** {@code dst op= src} on 32 bits, the result zero-extended. */
    public static Insn alu32Reg(AluOp op, int dst, int src) {
        return of(OpClass.ALU.code() | op.code() | 0x08, dst, src, 0, 0);
    }

    /** {@code dst = imm} (64-bit, imm sign-extended). */
    public static Insn mov64Imm(int dst, int imm) {
        return alu64Imm(AluOp.MOV, dst, imm);
    }

    /** {@code dst = src} (64-bit). */
    public static Insn mov64Reg(int dst, int src) {
        return alu64Reg(AluOp.MOV, dst, src);
    }

    /** {@code dst = imm64}: {@code lddw}, two slots. */
    public static Insn lddw(int dst, long imm64) {
        return of(0x18, dst, 0, 0, imm64);
    }

    /** {@code dst = *(size *)(src + off)}. */
    public static Insn ldx(Size size, int dst, int src, int off) {
        return of(Mode.MEM.code() | size.code() | OpClass.LDX.code(), dst, src, off, 0);
    }

    /** {@code *(size *)(dst + off) = imm}. */
    public static Insn st(Size size, int dst, int off, int imm) {
        return of(Mode.MEM.code() | size.code() | OpClass.ST.code(), dst, 0, off, imm);
    }

    /** {@code *(size *)(dst + off) = src}. */
    public static Insn stx(Size size, int dst, int off, int src) {
        return of(Mode.MEM.code() | size.code() | OpClass.STX.code(), dst, src, off, 0);
    }

    /** {@code r0 = ntoh(*(size *)(packet + imm))}: legacy absolute packet load. */
    public static Insn ldabs(Size size, int imm) {
        return of(Mode.ABS.code() | size.code() | OpClass.LD.code(), 0, 0, 0, imm);
    }

    /** {@code r0 = ntoh(*(size *)(packet + src + imm))}: legacy indirect packet load. */
    public static Insn ldind(Size size, int src, int imm) {
        return of(Mode.IND.code() | size.code() | OpClass.LD.code(), 0, src, 0, imm);
    }

    /** {@code if dst op imm goto +off} (64-bit comparison, imm sign-extended). */
    public static Insn jmpImm(JmpOp op, int dst, int imm, int off) {
        return of(OpClass.JMP.code() | op.code(), dst, 0, off, imm);
    }

    /** {@code if dst op src goto +off} (64-bit comparison). */
    public static Insn jmpReg(JmpOp op, int dst, int src, int off) {
        return of(OpClass.JMP.code() | op.code() | 0x08, dst, src, off, 0);
    }

    /** {@code goto +off}. */
    public static Insn ja(int off) {
        return of(0x05, 0, 0, off, 0);
    }

    /** {@code call imm}: a helper by id. */
    public static Insn call(int helperId) {
        return of(0x85, 0, 0, 0, helperId);
    }

    /** {@code exit}: return r0. */
    public static Insn exit() {
        return of(0x95, 0, 0, 0, 0);
    }

    // ------------------------------------------------------------------ accessors

    /** The table entry of this instruction. */
    public Opcode op() { return op; }

    /** The opcode byte. */
    public int opcode() { return op.opcode(); }

    /** The destination register field. */
    public int dst() { return dst; }

    /** The source register field (for calls and lddw, the pseudo kind). */
    public int src() { return src; }

    /** The signed 16-bit offset. */
    public int off() { return off; }

    /** The 32-bit immediate (for {@code lddw}, the low 32 bits). */
    public int imm() { return (int) imm; }

    /** The immediate as a 64-bit value: {@code lddw}'s full value, otherwise {@link #imm()} sign-extended. */
    public long imm64() { return imm; }

    /** For {@code lddw}: the high 32 bits, the second slot's immediate. */
    public int nextImm() { return (int) (imm >>> 32); }

    /** The number of 8-byte slots: 2 for {@code lddw}, 1 otherwise. */
    public int slots() { return op.isWide() ? 2 : 1; }

    /** The instruction class. */
    public OpClass opClass() { return op.opClass(); }

    /** The arithmetic operation, or null. */
    public AluOp aluOp() { return op.aluOp(); }

    /** The jump operation, or null. */
    public JmpOp jmpOp() { return op.jmpOp(); }

    /** The access size of a load or store, or null. */
    public Size size() { return op.size(); }

    /** The addressing mode of a load or store, or null. */
    public Mode mode() { return op.mode(); }

    /** The slot-relative jump distance of a branch: {@code off}, or {@code imm} for ja32. */
    public int jumpOffset() {
        return op.form() == Opcode.Form.JA32 ? (int) imm : off;
    }

    /** This branch with another slot-relative distance. */
    public Insn withJumpOffset(int newOffset) {
        if (op.form() == Opcode.Form.JA32 || op.form() == Opcode.Form.CALL_LOCAL) {
            return new Insn(op, dst, src, off, newOffset);
        }
        if (!op.isBranch()) {
            throw new IllegalStateException("not a branch: " + this);
        }
        if (newOffset < Short.MIN_VALUE || newOffset > Short.MAX_VALUE) {
            throw new EbpfFormatException(-1, op.opcode(), "jump offset " + newOffset + " does not fit in 16 bits");
        }
        return new Insn(op, dst, src, newOffset, imm);
    }

    /** The instruction as its first 64-bit little-endian word (the low slot of a lddw). */
    public long word() {
        return (op.opcode() & 0xffL) | (dst & 0xfL) << 8 | (src & 0xfL) << 12 | (off & 0xffffL) << 16
                | ((long) (int) imm) << 32;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Insn)) {
            return false;
        }
        Insn i = (Insn) o;
        return op == i.op && dst == i.dst && src == i.src && off == i.off && imm == i.imm;
    }

    @Override
    public int hashCode() {
        return Objects.hash(op.code(), dst, src, off, imm);
    }

    /** The kernel-style disassembly, jump targets relative. */
    @Override
    public String toString() {
        return Disassembler.kernel(this);
    }
}
