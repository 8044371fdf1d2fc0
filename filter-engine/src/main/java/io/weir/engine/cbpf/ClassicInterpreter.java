package io.weir.engine.cbpf;

import io.weir.engine.Filter;
import io.weir.engine.cbpf.ClassicOp.Codes;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Runs a classic program with the semantics of libpcap's {@code bpf_filter}:
 * <ul>
 *   <li>packet loads are big-endian; a load that does not fit in the captured bytes ends the program with 0;
 *   <li>{@code ld #pktlen}/{@code ldx #pktlen} read the length on the wire, loads are checked against the
 *       captured length;
 *   <li>{@code div x}/{@code mod x} with X = 0 end the program with 0; shifts by X &gt;= 32 give 0 (libpcap 1.10);
 *   <li>comparisons and division are unsigned; {@code ret} returns k or A as an unsigned 32-bit value;
 *   <li>the Linux ancillary loads {@code [xor_x]} and {@code [random]} run as in the kernel (see
 *       {@link Ancillary}); the validator rejects the others.
 * </ul>
 * The program is validated ({@link ClassicValidator}) and decoded once, into one 64-bit word per instruction
 * (opcode, absolute jump targets, constant); {@code run} allocates nothing and switches on the opcode (a dense
 * table switch).
 * Programs that use scratch memory M[] take a per-thread 16-word array, which needs no clearing because the
 * validator proves each word is written before it is read.
 *
 * <p>Thread-safe.
 */
public final class ClassicInterpreter implements Filter {
    private static final VarHandle INT_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle SHORT_BE =
            MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle BB_INT_BE =
            MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle BB_SHORT_BE =
            MethodHandles.byteBufferViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final ThreadLocal<int[]> SCRATCH = ThreadLocal.withInitial(() -> new int[ClassicOp.MEMWORDS]);

    /** Pseudo-opcodes for ancillary loads, decoded from ld [k]; never valid classic opcodes (class LD, mode 0xe0). */
    private static final int ANC_XOR_X = 0xe0;
    private static final int ANC_RANDOM = 0xe8;

    private final ClassicProgram program;
    /**
     * One word per instruction, so a dispatch is one array read: opcode in bits 56-63, the absolute true-branch
     * (or ja) target in 44-55, the false-branch target in 32-43 (targets are below 4096), k in 0-31.
     */
    private final long[] insns;
    private final boolean usesScratch;

    private ClassicInterpreter(ClassicProgram program) {
        this.program = program;
        int n = program.size();
        insns = new long[n];
        boolean scratch = false;
        for (int pc = 0; pc < n; pc++) {
            ClassicInsn insn = program.get(pc);
            ClassicOp op = insn.op();
            long code = insn.code();
            long jt = 0;
            long jf = 0;
            if (op == ClassicOp.JA) {
                jt = pc + 1 + insn.k();
            } else if (op.isConditionalJump()) {
                jt = pc + 1 + insn.jt();
                jf = pc + 1 + insn.jf();
            } else if (op.isAbsoluteLoad() && Ancillary.fromK(insn.k()) != null) {
                code = Ancillary.fromK(insn.k()) == Ancillary.XOR_X ? ANC_XOR_X : ANC_RANDOM;
            }
            insns[pc] = code << 56 | jt << 44 | jf << 32 | insn.kUnsigned();
            scratch |= op.readsScratch() || op.writesScratch();
        }
        usesScratch = scratch;
    }

    /**
     * An interpreter for {@code program}.
     *
     * @throws ClassicValidationException if the program is not valid
     */
    public static ClassicInterpreter of(ClassicProgram program) {
        return new ClassicInterpreter(ClassicValidator.validate(program));
    }

    /** The program this interpreter runs. */
    public ClassicProgram program() {
        return program;
    }

    @Override
    public long run(byte[] packet, int offset, int capLen, int wireLen) {
        Filter.checkSlice(packet, offset, capLen);
        return exec(packet, null, offset, capLen, wireLen);
    }

    /**
     * {@inheritDoc} A direct buffer is read in place with absolute reads, which check the buffer's limit: the
     * captured bytes must lie below it.
     */
    @Override
    public long run(ByteBuffer packet, int offset, int capLen, int wireLen) {
        Filter.checkSlice(packet, offset, capLen);
        if (packet.hasArray()) {
            return exec(packet.array(), null, packet.arrayOffset() + offset, capLen, wireLen);
        }
        return exec(null, packet, offset, capLen, wireLen);
    }

    private long exec(byte[] arr, ByteBuffer buf, int base, int capLen, int wireLen) {
        final long[] insns = this.insns;
        final long buflen = capLen;
        int[] mem = usesScratch ? SCRATCH.get() : null;
        int a = 0;
        int x = 0;
        int pc = 0;
        while (true) {
            long w = insns[pc];
            int kk = (int) w;
            switch ((int) (w >>> 56)) {
                case Codes.RET_K:
                    return kk & 0xffffffffL;
                case Codes.RET_A:
                    return a & 0xffffffffL;
                case Codes.LD_ABS: {
                    long at = kk & 0xffffffffL;
                    if (at + 4 > buflen) {
                        return 0;
                    }
                    a = arr != null ? (int) INT_BE.get(arr, base + (int) at)
                            : (int) BB_INT_BE.get(buf, base + (int) at);
                    break;
                }
                case Codes.LDH_ABS: {
                    long at = kk & 0xffffffffL;
                    if (at + 2 > buflen) {
                        return 0;
                    }
                    a = (arr != null ? (short) SHORT_BE.get(arr, base + (int) at)
                            : (short) BB_SHORT_BE.get(buf, base + (int) at)) & 0xffff;
                    break;
                }
                case Codes.LDB_ABS: {
                    long at = kk & 0xffffffffL;
                    if (at >= buflen) {
                        return 0;
                    }
                    a = (arr != null ? arr[base + (int) at] : buf.get(base + (int) at)) & 0xff;
                    break;
                }
                case Codes.LD_IND: {
                    long at = (x & 0xffffffffL) + (kk & 0xffffffffL);
                    if (at + 4 > buflen) {
                        return 0;
                    }
                    a = arr != null ? (int) INT_BE.get(arr, base + (int) at)
                            : (int) BB_INT_BE.get(buf, base + (int) at);
                    break;
                }
                case Codes.LDH_IND: {
                    long at = (x & 0xffffffffL) + (kk & 0xffffffffL);
                    if (at + 2 > buflen) {
                        return 0;
                    }
                    a = (arr != null ? (short) SHORT_BE.get(arr, base + (int) at)
                            : (short) BB_SHORT_BE.get(buf, base + (int) at)) & 0xffff;
                    break;
                }
                case Codes.LDB_IND: {
                    long at = (x & 0xffffffffL) + (kk & 0xffffffffL);
                    if (at >= buflen) {
                        return 0;
                    }
                    a = (arr != null ? arr[base + (int) at] : buf.get(base + (int) at)) & 0xff;
                    break;
                }
                case Codes.LDX_MSH: {
                    long at = kk & 0xffffffffL;
                    if (at >= buflen) {
                        return 0;
                    }
                    x = ((arr != null ? arr[base + (int) at] : buf.get(base + (int) at)) & 0xf) << 2;
                    break;
                }
                case Codes.LD_IMM: a = kk; break;
                case Codes.LDX_IMM: x = kk; break;
                case Codes.LD_LEN: a = wireLen; break;
                case Codes.LDX_LEN: x = wireLen; break;
                case Codes.LD_MEM: a = mem[kk]; break;
                case Codes.LDX_MEM: x = mem[kk]; break;
                case Codes.ST: mem[kk] = a; break;
                case Codes.STX: mem[kk] = x; break;
                case Codes.ADD_K: a += kk; break;
                case Codes.SUB_K: a -= kk; break;
                case Codes.MUL_K: a *= kk; break;
                case Codes.DIV_K: a = Integer.divideUnsigned(a, kk); break;
                case Codes.MOD_K: a = Integer.remainderUnsigned(a, kk); break;
                case Codes.AND_K: a &= kk; break;
                case Codes.OR_K: a |= kk; break;
                case Codes.XOR_K: a ^= kk; break;
                case Codes.LSH_K: a <<= kk; break;
                case Codes.RSH_K: a >>>= kk; break;
                case Codes.ADD_X: a += x; break;
                case Codes.SUB_X: a -= x; break;
                case Codes.MUL_X: a *= x; break;
                case Codes.DIV_X:
                    if (x == 0) {
                        return 0;
                    }
                    a = Integer.divideUnsigned(a, x);
                    break;
                case Codes.MOD_X:
                    if (x == 0) {
                        return 0;
                    }
                    a = Integer.remainderUnsigned(a, x);
                    break;
                case Codes.AND_X: a &= x; break;
                case Codes.OR_X: a |= x; break;
                case Codes.XOR_X: a ^= x; break;
                case Codes.LSH_X: a = Integer.compareUnsigned(x, 32) < 0 ? a << x : 0; break;
                case Codes.RSH_X: a = Integer.compareUnsigned(x, 32) < 0 ? a >>> x : 0; break;
                case Codes.NEG: a = -a; break;
                case Codes.TAX: x = a; break;
                case Codes.TXA: a = x; break;
                case Codes.JA: pc = ifTrue(w); continue;
                case Codes.JEQ_K: pc = a == kk ? ifTrue(w) : ifFalse(w); continue;
                case Codes.JGT_K: pc = Integer.compareUnsigned(a, kk) > 0 ? ifTrue(w) : ifFalse(w); continue;
                case Codes.JGE_K: pc = Integer.compareUnsigned(a, kk) >= 0 ? ifTrue(w) : ifFalse(w); continue;
                case Codes.JSET_K: pc = (a & kk) != 0 ? ifTrue(w) : ifFalse(w); continue;
                case Codes.JEQ_X: pc = a == x ? ifTrue(w) : ifFalse(w); continue;
                case Codes.JGT_X: pc = Integer.compareUnsigned(a, x) > 0 ? ifTrue(w) : ifFalse(w); continue;
                case Codes.JGE_X: pc = Integer.compareUnsigned(a, x) >= 0 ? ifTrue(w) : ifFalse(w); continue;
                case Codes.JSET_X: pc = (a & x) != 0 ? ifTrue(w) : ifFalse(w); continue;
                case ANC_XOR_X: a ^= x; break;
                case ANC_RANDOM: a = ThreadLocalRandom.current().nextInt(); break;
                default:
                    // Unreachable: the validator admits only the opcodes above.
                    throw new IllegalStateException("insn " + pc + ": opcode 0x" + Long.toHexString(w >>> 56));
            }
            pc++;
        }
    }

    /** The true-branch (or ja) target of a decoded word. */
    private static int ifTrue(long w) {
        return (int) (w >>> 44) & 0xfff;
    }

    /** The false-branch target of a decoded word. */
    private static int ifFalse(long w) {
        return (int) (w >>> 32) & 0xfff;
    }

    @Override
    public String toString() {
        return "ClassicInterpreter[" + program.size() + " insns]";
    }
}
