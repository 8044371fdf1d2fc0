package io.weir.engine.cbpf;

import io.weir.engine.cbpf.ClassicOp.Alu;
import io.weir.engine.cbpf.ClassicOp.Cond;
import io.weir.engine.cbpf.ClassicOp.Codes;

/**
 * One classic BPF instruction, as libpcap's {@code struct bpf_insn} and Linux's {@code struct sock_filter}:
 * <pre>
 *  0               16       24       32                              64
 * +----------------+--------+--------+-------------------------------+
 * |     code       |   jt   |   jf   |              k                |
 * +----------------+--------+--------+-------------------------------+
 * </pre>
 * {@code jt} and {@code jf} are unsigned 8-bit forward offsets relative to the next instruction; {@code k} is a
 * 32-bit value held in an {@code int} (use {@link #kUnsigned()} for its unsigned reading).
 *
 * <p>Immutable. An instance may hold an opcode outside {@link ClassicOp} (decoded from bytes or parsed from
 * text): {@link #op()} is then {@code null} and the validator rejects it. The static factories read like the
 * assembly: {@code ldh(12)}, {@code jeq(0x800, 0, 1)}, {@code ret(262144)}.
 */
public final class ClassicInsn {
    private final int code;
    private final int jt;
    private final int jf;
    private final int k;

    private ClassicInsn(int code, int jt, int jf, int k) {
        if (code < 0 || code > 0xffff) {
            throw new IllegalArgumentException("opcode out of range: " + code);
        }
        if (jt < 0 || jt > 255 || jf < 0 || jf > 255) {
            throw new IllegalArgumentException("jt/jf out of 0..255: jt=" + jt + " jf=" + jf);
        }
        this.code = code;
        this.jt = jt;
        this.jf = jf;
        this.k = k;
    }

    /** Any instruction, from its four fields (the opcode need not be valid). */
    public static ClassicInsn of(int code, int jt, int jf, int k) {
        return new ClassicInsn(code, jt, jf, k);
    }

    /** A non-jump instruction. */
    public static ClassicInsn stmt(int code, int k) {
        return new ClassicInsn(code, 0, 0, k);
    }

    /** {@code ld [k]}: A = 32-bit big-endian word at packet offset k. */
    public static ClassicInsn ld(int k) {
        return stmt(Codes.LD_ABS, k);
    }

    /** {@code ldh [k]}. */
    public static ClassicInsn ldh(int k) {
        return stmt(Codes.LDH_ABS, k);
    }

    /** {@code ldb [k]}. */
    public static ClassicInsn ldb(int k) {
        return stmt(Codes.LDB_ABS, k);
    }

    /** {@code ld [x + k]}. */
    public static ClassicInsn ldInd(int k) {
        return stmt(Codes.LD_IND, k);
    }

    /** {@code ldh [x + k]}. */
    public static ClassicInsn ldhInd(int k) {
        return stmt(Codes.LDH_IND, k);
    }

    /** {@code ldb [x + k]}. */
    public static ClassicInsn ldbInd(int k) {
        return stmt(Codes.LDB_IND, k);
    }

    /** {@code ld #k}. */
    public static ClassicInsn ldImm(int k) {
        return stmt(Codes.LD_IMM, k);
    }

    /** {@code ld M[i]}. */
    public static ClassicInsn ldMem(int i) {
        return stmt(Codes.LD_MEM, i);
    }

    /** {@code ld #pktlen}: A = the packet's length on the wire. */
    public static ClassicInsn ldLen() {
        return stmt(Codes.LD_LEN, 0);
    }

    /** {@code ldx #k}. */
    public static ClassicInsn ldxImm(int k) {
        return stmt(Codes.LDX_IMM, k);
    }

    /** {@code ldx M[i]}. */
    public static ClassicInsn ldxMem(int i) {
        return stmt(Codes.LDX_MEM, i);
    }

    /** {@code ldx #pktlen}. */
    public static ClassicInsn ldxLen() {
        return stmt(Codes.LDX_LEN, 0);
    }

    /** {@code ldxb 4*([k]&0xf)}: X = the IPv4 header length at offset k. */
    public static ClassicInsn ldxMsh(int k) {
        return stmt(Codes.LDX_MSH, k);
    }

    /** {@code st M[i]}. */
    public static ClassicInsn st(int i) {
        return stmt(Codes.ST, i);
    }

    /** {@code stx M[i]}. */
    public static ClassicInsn stx(int i) {
        return stmt(Codes.STX, i);
    }

    /** {@code <op> #k}: A = A op k. */
    public static ClassicInsn alu(Alu op, int k) {
        return stmt(op.opcode(false), k);
    }

    /** {@code <op> x}: A = A op X. */
    public static ClassicInsn aluX(Alu op) {
        return stmt(op.opcode(true), 0);
    }

    /** {@code neg}: A = -A. */
    public static ClassicInsn neg() {
        return stmt(Codes.NEG, 0);
    }

    /** {@code ja}, k instructions forward of the next one. */
    public static ClassicInsn ja(int k) {
        return stmt(Codes.JA, k);
    }

    /** {@code j<cond> #k}, jumping jt or jf instructions forward of the next one. */
    public static ClassicInsn jmp(Cond cond, int k, int jt, int jf) {
        return new ClassicInsn(cond.opcode(false), jt, jf, k);
    }

    /** {@code j<cond> x}. */
    public static ClassicInsn jmpX(Cond cond, int jt, int jf) {
        return new ClassicInsn(cond.opcode(true), jt, jf, 0);
    }

    /** {@code jeq #k}. */
    public static ClassicInsn jeq(int k, int jt, int jf) {
        return jmp(Cond.JEQ, k, jt, jf);
    }

    /** {@code ret #k}. */
    public static ClassicInsn ret(int k) {
        return stmt(Codes.RET_K, k);
    }

    /** {@code ret a}. */
    public static ClassicInsn retA() {
        return stmt(Codes.RET_A, 0);
    }

    /** {@code tax}: X = A. */
    public static ClassicInsn tax() {
        return stmt(Codes.TAX, 0);
    }

    /** {@code txa}: A = X. */
    public static ClassicInsn txa() {
        return stmt(Codes.TXA, 0);
    }

    /** The opcode (16 bits; valid ones fit in 8). */
    public int code() {
        return code;
    }

    /** The operation, or {@code null} if the opcode is not valid. */
    public ClassicOp op() {
        return ClassicOp.fromCode(code);
    }

    /** Offset of the true branch, relative to the next instruction. */
    public int jt() {
        return jt;
    }

    /** Offset of the false branch, relative to the next instruction. */
    public int jf() {
        return jf;
    }

    /** The 32-bit constant. */
    public int k() {
        return k;
    }

    /** The constant as an unsigned value. */
    public long kUnsigned() {
        return k & 0xffffffffL;
    }

    /** The instruction class, {@code code & 7}. */
    public int opClass() {
        return code & 0x07;
    }

    /** A copy with other jump offsets. */
    public ClassicInsn withJumps(int jt, int jf) {
        return new ClassicInsn(code, jt, jf, k);
    }

    /** A copy with another k. */
    public ClassicInsn withK(int k) {
        return new ClassicInsn(code, jt, jf, k);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClassicInsn && ((ClassicInsn) o).code == code && ((ClassicInsn) o).jt == jt
                && ((ClassicInsn) o).jf == jf && ((ClassicInsn) o).k == k;
    }

    @Override
    public int hashCode() {
        return ((code * 31 + jt) * 31 + jf) * 31 + k;
    }

    /** The -dd form, {@code { 0x28, 0, 0, 0x0000000c }}. */
    @Override
    public String toString() {
        return String.format("{ 0x%x, %d, %d, 0x%08x }", code, jt, jf, k);
    }
}
