package io.weir.engine.cbpf;

import io.weir.engine.cbpf.ClassicOp.Alu;
import io.weir.engine.cbpf.ClassicOp.Cond;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a classic program for a code generator: jumps name labels, never offsets. {@link #build()} resolves the
 * labels and fixes classic BPF's 8-bit {@code jt}/{@code jf} limit: a conditional branch whose target is more than
 * 255 instructions away goes through a {@code ja} (32-bit offset) inserted right after the jump.
 *
 * <pre>{@code
 * ClassicProgram p = new ClassicBuilder()
 *         .ldh(12).jeq(0x800, null, "drop")     // null: the next instruction
 *         .ret(262144)
 *         .label("drop").ret(0)
 *         .build();
 * }</pre>
 * Jumps must go forward (classic BPF has no loops); {@code build()} reports a backward or unknown label with the
 * index of the jump. Not thread-safe; one builder per program.
 */
public final class ClassicBuilder {
    /** Most instructions a conditional branch can skip. */
    public static final int MAX_SHORT_JUMP = 255;

    private static final int NEXT = -1;

    /** One emitted instruction; for jumps, its targets as labels or as entry indices. */
    private static final class Entry {
        final ClassicInsn insn;
        final String trueLabel;
        final String falseLabel;
        int trueTarget;
        int falseTarget;

        Entry(ClassicInsn insn, String trueLabel, String falseLabel, int trueTarget, int falseTarget) {
            this.insn = insn;
            this.trueLabel = trueLabel;
            this.falseLabel = falseLabel;
            this.trueTarget = trueTarget;
            this.falseTarget = falseTarget;
        }
    }

    private final List<Entry> entries = new ArrayList<>();
    private final Map<String, Integer> labels = new HashMap<>();
    private int fresh;

    /** Binds {@code name} to the next instruction emitted. */
    public ClassicBuilder label(String name) {
        if (labels.putIfAbsent(name, entries.size()) != null) {
            throw new IllegalArgumentException("label '" + name + "' is defined twice");
        }
        return this;
    }

    /** A label name not used before in this builder, starting with {@code prefix}. */
    public String newLabel(String prefix) {
        String name;
        do {
            name = prefix + "." + fresh++;
        } while (labels.containsKey(name));
        return name;
    }

    /** Whether {@code name} has been bound. */
    public boolean hasLabel(String name) {
        return labels.containsKey(name);
    }

    /** Instructions emitted so far (not counting long jumps {@code build()} may add). */
    public int size() {
        return entries.size();
    }

    /**
     * Appends an instruction as it is. Jumps keep their meaning: their numeric offsets are taken relative to
     * this instruction among the emitted ones, and are re-encoded by {@code build()}.
     */
    public ClassicBuilder emit(ClassicInsn insn) {
        int at = entries.size();
        ClassicOp op = insn.op();
        if (op == ClassicOp.JA) {
            entries.add(new Entry(insn, null, null, at + 1 + insn.k(), NEXT));
        } else if (op != null && op.isConditionalJump()) {
            entries.add(new Entry(insn, null, null, at + 1 + insn.jt(), at + 1 + insn.jf()));
        } else {
            entries.add(new Entry(insn, null, null, NEXT, NEXT));
        }
        return this;
    }

    /** {@code ja label}. */
    public ClassicBuilder ja(String label) {
        entries.add(new Entry(ClassicInsn.ja(0), requireLabel(label), null, NEXT, NEXT));
        return this;
    }

    /** {@code j<cond> #k}, to {@code ifTrue} or {@code ifFalse}; a {@code null} label is the next instruction. */
    public ClassicBuilder jmp(Cond cond, int k, String ifTrue, String ifFalse) {
        return jump(ClassicInsn.jmp(cond, k, 0, 0), ifTrue, ifFalse);
    }

    /** {@code j<cond> x}, to {@code ifTrue} or {@code ifFalse}; a {@code null} label is the next instruction. */
    public ClassicBuilder jmpX(Cond cond, String ifTrue, String ifFalse) {
        return jump(ClassicInsn.jmpX(cond, 0, 0), ifTrue, ifFalse);
    }

    /** {@code jeq #k}. */
    public ClassicBuilder jeq(int k, String ifTrue, String ifFalse) {
        return jmp(Cond.JEQ, k, ifTrue, ifFalse);
    }

    /** {@code jgt #k}. */
    public ClassicBuilder jgt(int k, String ifTrue, String ifFalse) {
        return jmp(Cond.JGT, k, ifTrue, ifFalse);
    }

    /** {@code jge #k}. */
    public ClassicBuilder jge(int k, String ifTrue, String ifFalse) {
        return jmp(Cond.JGE, k, ifTrue, ifFalse);
    }

    /** {@code jset #k}. */
    public ClassicBuilder jset(int k, String ifTrue, String ifFalse) {
        return jmp(Cond.JSET, k, ifTrue, ifFalse);
    }

    private ClassicBuilder jump(ClassicInsn insn, String ifTrue, String ifFalse) {
        entries.add(new Entry(insn, ifTrue, ifFalse, NEXT, NEXT));
        return this;
    }

    private static String requireLabel(String label) {
        if (label == null) {
            throw new IllegalArgumentException("ja needs a label");
        }
        return label;
    }

    // Statements, named as in tcpdump -d.

    /** {@code ld [k]}. */
    public ClassicBuilder ld(int k) { return emit(ClassicInsn.ld(k)); }

    /** {@code ldh [k]}. */
    public ClassicBuilder ldh(int k) { return emit(ClassicInsn.ldh(k)); }

    /** {@code ldb [k]}. */
    public ClassicBuilder ldb(int k) { return emit(ClassicInsn.ldb(k)); }

    /** {@code ld [x + k]}. */
    public ClassicBuilder ldInd(int k) { return emit(ClassicInsn.ldInd(k)); }

    /** {@code ldh [x + k]}. */
    public ClassicBuilder ldhInd(int k) { return emit(ClassicInsn.ldhInd(k)); }

    /** {@code ldb [x + k]}. */
    public ClassicBuilder ldbInd(int k) { return emit(ClassicInsn.ldbInd(k)); }

    /** {@code ld #k}. */
    public ClassicBuilder ldImm(int k) { return emit(ClassicInsn.ldImm(k)); }

    /** {@code ld M[i]}. */
    public ClassicBuilder ldMem(int i) { return emit(ClassicInsn.ldMem(i)); }

    /** {@code ld #pktlen}. */
    public ClassicBuilder ldLen() { return emit(ClassicInsn.ldLen()); }

    /** {@code ldx #k}. */
    public ClassicBuilder ldxImm(int k) { return emit(ClassicInsn.ldxImm(k)); }

    /** {@code ldx M[i]}. */
    public ClassicBuilder ldxMem(int i) { return emit(ClassicInsn.ldxMem(i)); }

    /** {@code ldx #pktlen}. */
    public ClassicBuilder ldxLen() { return emit(ClassicInsn.ldxLen()); }

    /** {@code ldxb 4*([k]&0xf)}. */
    public ClassicBuilder ldxMsh(int k) { return emit(ClassicInsn.ldxMsh(k)); }

    /** {@code st M[i]}. */
    public ClassicBuilder st(int i) { return emit(ClassicInsn.st(i)); }

    /** {@code stx M[i]}. */
    public ClassicBuilder stx(int i) { return emit(ClassicInsn.stx(i)); }

    /** {@code <op> #k}. */
    public ClassicBuilder alu(Alu op, int k) { return emit(ClassicInsn.alu(op, k)); }

    /** {@code <op> x}. */
    public ClassicBuilder aluX(Alu op) { return emit(ClassicInsn.aluX(op)); }

    /** {@code neg}. */
    public ClassicBuilder neg() { return emit(ClassicInsn.neg()); }

    /** {@code tax}. */
    public ClassicBuilder tax() { return emit(ClassicInsn.tax()); }

    /** {@code txa}. */
    public ClassicBuilder txa() { return emit(ClassicInsn.txa()); }

    /** {@code ret #k}. */
    public ClassicBuilder ret(int k) { return emit(ClassicInsn.ret(k)); }

    /** {@code ret a}. */
    public ClassicBuilder retA() { return emit(ClassicInsn.retA()); }

    /**
     * Resolves labels, inserts long jumps where a branch is out of 8-bit reach, and returns the program. The
     * builder can be built again (it is not changed).
     *
     * @throws IllegalStateException for an unknown label, a label past the last instruction, or a jump that
     *     does not go forward, naming the instruction index (among the emitted ones)
     */
    public ClassicProgram build() {
        int n = entries.size();
        int[] tTarget = new int[n];
        int[] fTarget = new int[n];
        for (int i = 0; i < n; i++) {
            Entry e = entries.get(i);
            ClassicOp op = e.insn.op();
            if (op == ClassicOp.JA) {
                tTarget[i] = resolve(i, e.trueLabel, e.trueTarget, "ja");
            } else if (op != null && op.isConditionalJump()) {
                tTarget[i] = resolve(i, e.trueLabel, e.trueTarget, "true branch");
                fTarget[i] = resolve(i, e.falseLabel, e.falseTarget, "false branch");
            }
        }
        // Long-jump layout: grow the set of far branches until every short offset fits in 8 bits.
        boolean[] farT = new boolean[n];
        boolean[] farF = new boolean[n];
        int[] pos = new int[n + 1];
        boolean changed = true;
        while (changed) {
            changed = false;
            layout(farT, farF, tTarget, fTarget, pos);
            for (int i = 0; i < n; i++) {
                ClassicOp op = entries.get(i).insn.op();
                if (op == null || !op.isConditionalJump()) {
                    continue;
                }
                int next = pos[i] + 1;
                if (!farT[i] && pos[tTarget[i]] - next > MAX_SHORT_JUMP) {
                    farT[i] = true;
                    changed = true;
                }
                if (!farF[i] && pos[fTarget[i]] - next > MAX_SHORT_JUMP) {
                    farF[i] = true;
                    changed = true;
                }
            }
        }
        List<ClassicInsn> out = new ArrayList<>(pos[n]);
        for (int i = 0; i < n; i++) {
            ClassicInsn insn = entries.get(i).insn;
            ClassicOp op = insn.op();
            if (op == ClassicOp.JA) {
                out.add(ClassicInsn.ja(pos[tTarget[i]] - (pos[i] + 1)));
            } else if (op != null && op.isConditionalJump()) {
                int next = pos[i] + 1;
                boolean shared = farT[i] && farF[i] && tTarget[i] == fTarget[i];
                int jt = farT[i] ? 0 : pos[tTarget[i]] - next;
                int jf = farF[i] ? (farT[i] && !shared ? 1 : 0) : pos[fTarget[i]] - next;
                out.add(insn.withJumps(jt, jf));
                if (farT[i]) {
                    out.add(ClassicInsn.ja(pos[tTarget[i]] - out.size() - 1));
                }
                if (farF[i] && !shared) {
                    out.add(ClassicInsn.ja(pos[fTarget[i]] - out.size() - 1));
                }
            } else {
                out.add(insn);
            }
        }
        return ClassicProgram.of(out);
    }

    /** Positions of entries in the output, given which branches go through a long jump. */
    private static void layout(boolean[] farT, boolean[] farF, int[] tTarget, int[] fTarget, int[] pos) {
        int p = 0;
        for (int i = 0; i < farT.length; i++) {
            pos[i] = p;
            p += 1 + (farT[i] ? 1 : 0) + (farF[i] && !(farT[i] && tTarget[i] == fTarget[i]) ? 1 : 0);
        }
        pos[farT.length] = p;
    }

    private int resolve(int at, String label, int numeric, String what) {
        int target;
        if (label != null) {
            Integer t = labels.get(label);
            if (t == null) {
                throw new IllegalStateException("insn " + at + ": " + what + " to undefined label '" + label + "'");
            }
            target = t;
        } else {
            target = numeric == NEXT ? at + 1 : numeric;
        }
        if (target <= at) {
            throw new IllegalStateException("insn " + at + ": " + what + " to " + (label != null ? "label '"
                    + label + "' (insn " + target + ")" : "insn " + target) + " does not go forward");
        }
        if (target >= entries.size()) {
            throw new IllegalStateException("insn " + at + ": " + what + " to " + (label != null ? "label '"
                    + label + "'" : "insn " + target) + " is past the last instruction");
        }
        return target;
    }
}
