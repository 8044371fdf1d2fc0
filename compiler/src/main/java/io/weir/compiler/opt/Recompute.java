package io.weir.compiler.opt;

import io.weir.engine.cbpf.ClassicInsn;
import io.weir.engine.cbpf.ClassicOp.Codes;
import java.util.List;
import java.util.Objects;

/**
 * An emitter step: drops the leading statements of a block that only recompute what the registers already
 * hold. Tests are self-contained, so one that indexes a variable offset (an IPv6 extension-header walk, a
 * tunnel's inner frame) starts by recomputing that offset into X or a scratch word; when every path into the
 * block left the same value there, the recomputation is dropped.
 *
 * <p>A prefix {@code stmts[0..j]} goes when, simulated from the block's entry state: every X or scratch word it
 * writes is either equal (and known) to the entry's or dead before being read, A is dead after it, it has no
 * division (a zero divisor returns 0), and each packet load in it is part of a value the entry state holds, so
 * it already ran on every path and cannot fault. The rest of the block is then simulated from the entry state.
 */
final class Recompute {
    private Recompute() {
    }

    /** The index of the first statement of {@code stmts} to keep (0: nothing dropped). */
    static int prefix(Emitter.State entry, List<ClassicInsn> stmts, int jcode) {
        Emitter.State c = entry.copy();
        boolean xJump = (jcode & 0x08) != 0;
        int written = 0;
        boolean xWritten = false;
        int best = 0;
        for (int j = 0; j < stmts.size(); j++) {
            ClassicInsn insn = stmts.get(j);
            int code = insn.code();
            if (code == Codes.DIV_X || code == Codes.MOD_X || (code & 0x07) == 0x06 || (code & 0x07) == 0x05) {
                return best;
            }
            Emitter.simulate(c, insn);
            if (isLoad(code)) {
                String v = (code & 0x07) == 0x01 ? c.x : c.a;
                if (v == null || !heldBy(entry, v)) {
                    return best;
                }
            }
            if (code == Codes.ST || code == Codes.STX) {
                written |= 1 << (insn.k() & 15);
            }
            xWritten |= (code & 0x07) == 0x01 || code == Codes.TAX;
            if (ok(entry, c, stmts, j, written, xWritten, xJump)) {
                best = j + 1;
            }
        }
        return best;
    }

    private static boolean isLoad(int code) {
        int mode = code & 0xe0;
        int cls = code & 0x07;
        return (cls == 0x00 && (mode == 0x20 || mode == 0x40)) || code == Codes.LDX_MSH;
    }

    /** Whether {@code v} is (part of) a value the entry state holds. */
    private static boolean heldBy(Emitter.State s, String v) {
        if (s.x != null && s.x.contains(v) || s.a != null && s.a.contains(v)) {
            return true;
        }
        for (String m : s.mem) {
            if (m != null && m.contains(v)) {
                return true;
            }
        }
        return false;
    }

    private static boolean ok(Emitter.State entry, Emitter.State c, List<ClassicInsn> s, int j, int written,
            boolean xWritten, boolean xJump) {
        if (live(s, j, true, true)) {
            return false;
        }
        if (xWritten && !(c.x != null && c.x.equals(entry.x)) && live(s, j, false, xJump)) {
            return false;
        }
        for (int m = 0; m < 16; m++) {
            if ((written & (1 << m)) != 0 && !(c.mem[m] != null && Objects.equals(c.mem[m], entry.mem[m]))) {
                return false;
            }
        }
        return true;
    }

    /** Whether A ({@code a}) or X is read after statement {@code j} before being written; {@code end}: by the jump. */
    private static boolean live(List<ClassicInsn> s, int j, boolean a, boolean end) {
        for (int i = j + 1; i < s.size(); i++) {
            int code = s.get(i).code();
            int cls = code & 0x07;
            boolean alu = cls == 0x04;
            boolean uses;
            boolean defines;
            if (a) {
                uses = alu || code == Codes.ST || code == Codes.TAX;
                defines = cls == 0x00 || code == Codes.TXA;
            } else {
                int mode = code & 0xe0;
                uses = (cls == 0x00 && mode == 0x40) || (alu && (code & 0x08) != 0) || code == Codes.TXA
                        || code == Codes.STX;
                defines = cls == 0x01 || code == Codes.TAX;
            }
            if (uses) {
                return true;
            }
            if (defines) {
                return false;
            }
        }
        return end;
    }
}
