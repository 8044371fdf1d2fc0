package io.weir.engine.ebpf;

import java.util.Map;
import java.util.TreeMap;

/**
 * Prints instructions in two styles, both driven by the {@link Opcode} table's forms.
 *
 * <ul>
 *   <li>Kernel / llvm-objdump style, for verifier logs and {@code weir compile --ebpf}:
 *       {@code r3 = *(u16 *)(r1 + 12)}, {@code if r1 == 0x800 goto +3}, {@code w1 += 7},
 *       {@code r0 = 0x1122334455667788 ll}, {@code lock *(u64 *)(r10 - 8) += r1}.</li>
 *   <li>ubpf style, the conformance suite's assembly, which {@link Assembler} reads back exactly:
 *       {@code ldxh %r3, [%r1+12]}, {@code jeq %r1, 0x800, +3}, {@code add32 %r1, 7}.</li>
 * </ul>
 * Immediates print as the kernel prints them: decimal for arithmetic and stores, hexadecimal (decimal when
 * negative) for comparisons, unsigned hexadecimal for {@code lddw}.
 */
public final class Disassembler {
    private Disassembler() {}

    // ------------------------------------------------------------------ kernel style

    /** One instruction, kernel style, branch targets as relative slot offsets. */
    public static String kernel(Insn i) {
        Opcode op = i.op();
        boolean w = op.is64();
        String d = reg(i.dst(), w);
        String s = reg(i.src(), w);
        switch (op.form()) {
            case ALU_IMM:
                return d + " " + aluOperator(op) + " " + i.imm();
            case ALU_REG:
                return d + " " + aluOperator(op) + " " + s;
            case NEG:
                return d + " = -" + d;
            case MOVSX:
                return d + " = (s" + op.discValue() + ")" + s;
            case END:
                return reg(i.dst(), true) + " = " + op.mnemonic() + " " + reg(i.dst(), true);
            case LDDW:
                return reg(i.dst(), true) + " = " + lddwOperand(i) + " ll";
            case LDABS:
                return "r0 = *(" + op.size().cType() + " *)skb[" + i.imm() + "]";
            case LDIND:
                return "r0 = *(" + op.size().cType() + " *)skb[" + reg(i.src(), true) + signed(i.imm(), true)
                        + "]";
            case LDX:
                return reg(i.dst(), true) + " = *(" + op.size().cType() + " *)" + addr(i.src(), i.off());
            case LDXSX:
                return reg(i.dst(), true) + " = *(s" + op.size().bytes() * 8 + " *)" + addr(i.src(), i.off());
            case ST:
                return "*(" + op.size().cType() + " *)" + addr(i.dst(), i.off()) + " = " + i.imm();
            case STX:
                return "*(" + op.size().cType() + " *)" + addr(i.dst(), i.off()) + " = " + reg(i.src(), true);
            case ATOMIC:
                return atomicKernel(i);
            case JA:
                return "goto " + rel(i.off());
            case JA32:
                return "gotol " + rel(i.imm());
            case JCOND_IMM:
                return "if " + d + " " + op.jmpOp().operator() + " " + hex(i.imm()) + " goto " + rel(i.off());
            case JCOND_REG:
                return "if " + d + " " + op.jmpOp().operator() + " " + s + " goto " + rel(i.off());
            case CALL_HELPER:
                return "call " + i.imm();
            case CALL_LOCAL:
                return "call pc" + rel(i.imm());
            case CALL_KFUNC:
                return "call kfunc#" + i.imm();
            case CALLX:
                return "callx " + reg(i.dst(), true);
            case EXIT:
                return "exit";
            default:
                throw new AssertionError(op.form());
        }
    }

    /** A whole program, kernel style: one line per instruction, {@code "%4d: "} slot index first. */
    public static String kernel(Program p) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < p.size(); k++) {
            sb.append(String.format("%4d: ", p.slotOf(k))).append(kernel(p.insn(k))).append('\n');
        }
        return sb.toString();
    }

    private static String aluOperator(Opcode op) {
        AluOp a = op.aluOp();
        if (op.variant() == 1 && (a == AluOp.DIV || a == AluOp.MOD)) {
            return "s" + a.operator();
        }
        return a.operator();
    }

    private static String atomicKernel(Insn i) {
        Opcode op = i.op();
        boolean w = op.size() == Size.DW;
        String ptr = "(" + op.size().cType() + " *)" + addr(i.dst(), i.off());
        String s = reg(i.src(), w);
        AtomicOp a = op.atomicOp();
        if (!op.atomicFetches()) {
            return "lock *" + ptr + " " + a.operator() + " " + s;
        }
        if (a == AtomicOp.CMPXCHG) {
            return reg(0, w) + " = atomic_cmpxchg(" + ptr + ", " + reg(0, w) + ", " + s + ")";
        }
        String name = a == AtomicOp.XCHG ? "atomic_xchg" : "atomic_fetch_" + a.mnemonic();
        return s + " = " + name + "(" + ptr + ", " + s + ")";
    }

    private static String lddwOperand(Insn i) {
        long v = i.imm64();
        int lo = i.imm();
        int hi = i.nextImm();
        switch (i.src()) {
            case 0:
                return "0x" + Long.toHexString(v);
            case 1:
                return "map_by_fd(" + lo + ")";
            case 2:
                return "map_val_by_fd(" + lo + "," + hi + ")";
            case 3:
                return "var_addr(" + lo + ")";
            case 4:
                return "code_addr(" + lo + ")";
            case 5:
                return "map_by_idx(" + lo + ")";
            default:
                return "map_val_by_idx(" + lo + "," + hi + ")";
        }
    }

    private static String reg(int r, boolean wide) {
        return (wide ? "r" : "w") + r;
    }

    private static String addr(int base, int off) {
        return "(r" + base + signed(off, true) + ")";
    }

    private static String signed(int v, boolean spaced) {
        String sep = spaced ? " " : "";
        return v < 0 ? sep + "-" + sep + (-(long) v) : sep + "+" + sep + v;
    }

    private static String rel(int v) {
        return v < 0 ? Integer.toString(v) : "+" + v;
    }

    private static String hex(int v) {
        return v < 0 ? Integer.toString(v) : "0x" + Integer.toHexString(v);
    }

    // ------------------------------------------------------------------ ubpf style

    /** One instruction, ubpf style, branch targets as relative slot offsets ({@code +3}). */
    public static String ubpf(Insn i) {
        return ubpf(i, null);
    }

    private static String ubpf(Insn i, String target) {
        Opcode op = i.op();
        String m = op.mnemonic();
        String d = "%r" + i.dst();
        String s = "%r" + i.src();
        switch (op.form()) {
            case ALU_IMM:
                return m + " " + d + ", " + i.imm();
            case ALU_REG:
            case MOVSX:
                return m + " " + d + ", " + s;
            case NEG:
            case END:
                return m + " " + d;
            case LDDW:
                return "lddw " + d + ", " + lddwOperand(i);
            case LDABS:
                return m + " " + i.imm();
            case LDIND:
                return m + " " + s + ", " + i.imm();
            case LDX:
            case LDXSX:
                return m + " " + d + ", " + mem(i.src(), i.off());
            case ST:
                return m + " " + mem(i.dst(), i.off()) + ", " + i.imm();
            case STX:
            case ATOMIC:
                return m + " " + mem(i.dst(), i.off()) + ", " + s;
            case JA:
                return "ja " + (target != null ? target : rel(i.off()));
            case JA32:
                return "ja32 " + (target != null ? target : rel(i.imm()));
            case JCOND_IMM:
                return m + " " + d + ", " + hex(i.imm()) + ", " + (target != null ? target : rel(i.off()));
            case JCOND_REG:
                return m + " " + d + ", " + s + ", " + (target != null ? target : rel(i.off()));
            case CALL_HELPER:
                return "call " + i.imm();
            case CALL_LOCAL:
                return "call local " + (target != null ? target : rel(i.imm()));
            case CALL_KFUNC:
                return "call runtime " + i.imm();
            case CALLX:
                return "call " + d;
            case EXIT:
                return "exit";
            default:
                throw new AssertionError(op.form());
        }
    }

    private static String mem(int base, int off) {
        return "[%r" + base + (off == 0 ? "" : signed(off, false)) + "]";
    }

    /** A whole program, ubpf style, one instruction per line; branch targets are relative offsets. */
    public static String ubpf(Program p) {
        return ubpf(p, false);
    }

    /**
     * A whole program, ubpf style. With {@code labels}, every branch and local-call target gets a label line
     * ({@code L5:}, named by its slot index) and branches name it; targets outside the program stay numeric.
     */
    public static String ubpf(Program p, boolean labels) {
        Map<Integer, String> names = new TreeMap<>();
        if (labels) {
            for (int k = 0; k < p.size(); k++) {
                Opcode.Form f = p.insn(k).op().form();
                if (p.insn(k).op().isBranch() || f == Opcode.Form.CALL_LOCAL) {
                    int t = p.targetOf(k);
                    if (t >= 0) {
                        names.put(t, "L" + p.slotOf(t));
                    }
                }
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < p.size(); k++) {
            String name = names.get(k);
            if (name != null) {
                sb.append(name).append(":\n");
            }
            Insn i = p.insn(k);
            String target = null;
            if (labels && (i.op().isBranch() || i.op().form() == Opcode.Form.CALL_LOCAL)) {
                int t = p.targetOf(k);
                target = t >= 0 ? names.get(t) : null;
            }
            sb.append(ubpf(i, target)).append('\n');
        }
        return sb.toString();
    }
}
