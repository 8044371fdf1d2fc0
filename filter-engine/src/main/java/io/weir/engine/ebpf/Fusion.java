package io.weir.engine.ebpf;

/**
 * The interpreter's pass "fuse": superinstructions for the commonest sequences of packet programs, so that they
 * cost one dispatch instead of two or four. Fused codes live in opcode bytes no instruction has (0xe0-0xe8); the
 * interpreter's switch handles them next to the real ones.
 */
final class Fusion {
    private Fusion() {}

    /** The JMP32 immediate conditions that fuse with a preceding packet load; the index goes in bits 20-23. */
    private static final int[] FUSED_JUMPS = {0x16, 0x56, 0x26, 0x36, 0x46, 0xa6, 0xb6};
    static final int LDABS = 0xe0;  // + 0, 1, 2 for W, H, B; then the jump at the next index
    static final int LDIND = 0xe3;  // + 0, 1, 2 for W, H, B
    static final int MSH = 0xe6;    // ldabsb k; w0 &= 15; w0 <<= 2; wX = w0
    static final int RET32 = 0xe7;  // w0 = imm; exit
    static final int RET64 = 0xe8;  // r0 = imm; exit

    /**
     * Rewrites the dispatch words {@code ops} of {@code p}: common sequences become one dispatch each: a legacy
     * packet load followed by a 32-bit comparison of r0 with an immediate (every classic BPF load-and-test), the classic
     * {@code ldx 4*([k]&0xf)} sequence, and {@code r0 = imm; exit}. Every instruction keeps its own slot and
     * code too, so a branch into the middle of a fused sequence runs the original instructions.
     */
    static void fuse(Program p, int[] ops) {
        int n = p.size();
        for (int k = 0; k + 1 < n; k++) {
            Insn a = p.insn(k);
            Insn b = p.insn(k + 1);
            Opcode.Form fa = a.op().form();
            if ((fa == Opcode.Form.LDABS || fa == Opcode.Form.LDIND) && b.op().form() == Opcode.Form.JCOND_IMM
                    && b.dst() == Reg.R0 && b.opClass() == OpClass.JMP32) {
                int j = indexOf(FUSED_JUMPS, b.opcode());
                if (j >= 0) {
                    int base = fa == Opcode.Form.LDABS ? LDABS : LDIND;
                    ops[k] = (ops[k] & ~0xfff) | (base + sizeIndex(a.size())) | j << 20;
                }
            } else if (fa == Opcode.Form.LDABS && a.size() == Size.B && k + 3 < n
                    && p.insn(k + 1).equals(Insn.alu32Imm(AluOp.AND, Reg.R0, 0xf))
                    && p.insn(k + 2).equals(Insn.alu32Imm(AluOp.LSH, Reg.R0, 2))
                    && p.insn(k + 3).op().opcode() == 0xbc && p.insn(k + 3).op().variant() == 0
                    && p.insn(k + 3).src() == Reg.R0) {
                ops[k] = MSH | p.insn(k + 3).dst() << 12;
            } else if (a.op().form() == Opcode.Form.ALU_IMM && a.dst() == Reg.R0 && b.op().form() == Opcode.Form.EXIT
                    && (a.opcode() == 0xb4 || a.opcode() == 0xb7)) {
                ops[k] = a.opcode() == 0xb4 ? RET32 : RET64;
            }
        }
    }

    private static int indexOf(int[] a, int v) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == v) {
                return i;
            }
        }
        return -1;
    }

    private static int sizeIndex(Size s) {
        return s == Size.W ? 0 : s == Size.H ? 1 : 2;
    }

    /** The fused comparison {@code FUSED_JUMPS[cond]} of a loaded value with an immediate. */
    static boolean condition(int cond, int v, int k) {
        switch (cond) {
            case 0: return v == k;
            case 1: return v != k;
            case 2: return Integer.compareUnsigned(v, k) > 0;
            case 3: return Integer.compareUnsigned(v, k) >= 0;
            case 4: return (v & k) != 0;
            case 5: return Integer.compareUnsigned(v, k) < 0;
            default: return Integer.compareUnsigned(v, k) <= 0;
        }
    }
}
