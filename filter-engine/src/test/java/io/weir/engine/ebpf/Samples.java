package io.weir.engine.ebpf;

import java.util.ArrayList;
import java.util.List;

/** Representative instructions: one per {@link Opcode} table entry, with every used field non-trivial. */
final class Samples {
    private Samples() {}

    /** One valid instruction of entry {@code o}. */
    static Insn of(Opcode o) {
        int dst = o.dstRule() == Opcode.RegRule.ZERO ? 0 : o.form() == Opcode.Form.ST
                || o.form() == Opcode.Form.STX || o.form() == Opcode.Form.ATOMIC ? 10 : 1;
        int src = o.srcRule() == Opcode.RegRule.ZERO ? 0 : 2;
        int off = 0;
        if (o.offRule() == Opcode.ValueRule.ANY) {
            off = o.isBranch() ? 1 : -8;
        }
        long imm = 0;
        if (o.immRule() == Opcode.ValueRule.ANY) {
            imm = switch (o.form()) {
                case LDDW -> o.variant() == 0 ? 0x1122334455667788L
                        : (o.variant() == 2 || o.variant() == 6) ? 8L << 32 | 3 : 3;
                case JA32, CALL_LOCAL -> 1;
                case CALL_HELPER -> 5;
                case JCOND_IMM -> 0x800;
                default -> -42;
            };
        }
        return Insn.of(o, dst, src, off, imm);
    }

    /** A program with one instruction per table entry, each branch jumping over the next instruction. */
    static List<Insn> everyEntry() {
        List<Insn> out = new ArrayList<>();
        for (Opcode o : Opcode.all()) {
            out.add(of(o));
        }
        out.add(Insn.exit());
        out.add(Insn.exit());
        return out;
    }
}
