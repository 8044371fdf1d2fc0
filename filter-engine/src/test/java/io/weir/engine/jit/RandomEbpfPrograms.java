package io.weir.engine.jit;

import io.weir.engine.ebpf.Insn;
import io.weir.engine.ebpf.Opcode;
import io.weir.engine.ebpf.Opcode.Form;
import io.weir.engine.ebpf.Program;
import io.weir.engine.ebpf.ProgramBuilder;
import io.weir.engine.ebpf.ProgramType;
import io.weir.engine.ebpf.Reg;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random eBPF programs drawn from the {@link Opcode} table itself, so every instruction the interpreter runs is
 * exercised: arithmetic with the corner values (0, -1, MIN, MAX), every jump forward and now and then backward
 * (loops end by exit or by the instruction budget), stack, memory, context and packet accesses mostly in range
 * and sometimes not, atomics, helper calls, {@code callx} and local calls into a subprogram (which may recurse
 * until the depth limit). Programs are not verified: faults are part of what the engines must agree on.
 *
 * <p>Register conventions that keep accesses plausible: r6 holds r1 (the memory or the context) for the whole
 * program, r10 is the frame pointer, r9 sometimes holds a copy of r10 (the stack reached through another
 * register) and, in packet programs, r8 the packet start.
 */
final class RandomEbpfPrograms {
    private static final long[] CORNERS = {0, 1, -1, 2, 7, 8, 31, 32, 63, 64, 0x7fff_ffffL, 0x8000_0000L,
        0xffff_ffffL, Long.MIN_VALUE, Long.MAX_VALUE, 0x1234_5678_9abc_def0L, -512, -8, 12, 14, 23};
    private static final List<Opcode> OPS = new ArrayList<>();

    static {
        for (Opcode o : Opcode.all()) {
            if (o.form() != Form.CALL_KFUNC && !(o.form() == Form.LDDW && o.variant() != 0)) {
                OPS.add(o);
            }
        }
    }

    private final Random r;
    private final ProgramType type;
    private final ProgramBuilder b;
    private final boolean loadable;
    private int labels;

    private RandomEbpfPrograms(Random r, ProgramType type, boolean loadable) {
        this.r = r;
        this.type = type;
        this.loadable = loadable;
        this.b = Program.builder(type);
    }

    /** A random program of about {@code length} instructions (some call unknown helpers: load errors). */
    static Program generate(Random r, ProgramType type, int length) {
        return new RandomEbpfPrograms(r, type, false).build(length);
    }

    /** A random program that loads with the conformance helpers (its static calls reach helper 5). */
    static Program loadable(Random r, ProgramType type, int length) {
        return new RandomEbpfPrograms(r, type, true).build(length);
    }

    private Program build(int length) {
        boolean sub = r.nextInt(4) == 0;
        b.mov64Reg(Reg.R6, Reg.R1);
        if (r.nextBoolean()) {
            b.mov64Reg(Reg.R9, Reg.R10);
        }
        if (type != ProgramType.RAW && r.nextBoolean()) {
            b.ldx(io.weir.engine.ebpf.Size.W, Reg.R8, Reg.R6, type == ProgramType.XDP ? 0 : 76);
        }
        body("m", length, sub);
        b.exit();
        if (sub) {
            b.label("sub");
            body("s", Math.max(2, length / 3), true);
            b.exit();
        }
        return b.build();
    }

    private void body(String prefix, int length, boolean calls) {
        int start = b.size();
        List<String> pending = new ArrayList<>();
        String end = prefix + "end" + labels++;
        for (int k = 0; k < length; k++) {
            String here = prefix + (labels++);
            b.label(here);
            pending.add(here);
            Opcode o = OPS.get(r.nextInt(OPS.size()));
            if (o.form() == Form.CALL_LOCAL) {
                if (calls) {
                    b.insn(Insn.of(o, 0, 0, 0, 0), "sub");
                }
                continue;
            }
            if (o.form() == Form.EXIT && r.nextInt(3) != 0) {
                continue;
            }
            Insn i = insn(o);
            if (i == null) {
                continue;
            }
            if (o.isBranch()) {
                String target;
                if (r.nextInt(8) == 0 && pending.size() > 1) {
                    target = pending.get(r.nextInt(pending.size()));
                } else {
                    target = r.nextInt(3) == 0 ? end : forward(prefix);
                }
                b.insn(i, target);
            } else {
                b.insn(i);
            }
        }
        for (String f : forwards) {
            if (!b.hasLabel(f)) {
                b.label(f);
            }
        }
        forwards.clear();
        b.label(end);
        if (b.size() == start) {
            b.mov64Imm(Reg.R0, 1);
        }
    }

    private final List<String> forwards = new ArrayList<>();

    /** A label placed later in the current body (at the next instruction or further). */
    private String forward(String prefix) {
        String name = prefix + "f" + labels++;
        forwards.add(name);
        int pick = forwards.size() > 1 ? r.nextInt(forwards.size()) : 0;
        // Place some earlier-promised labels right away so forward targets spread over the body.
        if (pick > 0 && r.nextBoolean()) {
            String f = forwards.remove(0);
            if (!b.hasLabel(f)) {
                b.label(f);
            }
        }
        return name;
    }

    private Insn insn(Opcode o) {
        int dst = writable();
        int src = readable();
        int off = 0;
        long imm = corner32();
        switch (o.form()) {
            case LDX, LDXSX -> {
                src = base();
                off = offset(src, o.size().bytes());
            }
            case ST, STX, ATOMIC -> {
                dst = base();
                off = offset(dst, o.size().bytes());
                if (o.form() == Form.ATOMIC && r.nextBoolean()) {
                    off = offset(dst, o.size().bytes()) & ~(o.size().bytes() - 1);
                }
            }
            case LDABS, LDIND -> imm = r.nextInt(4) == 0 ? corner32() : r.nextInt(70) - 2;
            case CALL_HELPER -> imm = r.nextInt(6) == 0 && !loadable ? r.nextInt(8) : 5;
            case CALLX -> dst = r.nextBoolean() ? readable() : Reg.R6;
            case LDDW -> imm = r.nextBoolean() ? corner() : r.nextLong();
            default -> { }
        }
        if (o.dstRule() == Opcode.RegRule.ZERO) {
            dst = 0;
        }
        if (o.srcRule() == Opcode.RegRule.ZERO || o.disc() == Opcode.Disc.SRC) {
            src = 0;
        }
        if (o.offRule() == Opcode.ValueRule.ZERO) {
            off = 0;
        }
        if (o.immRule() == Opcode.ValueRule.ZERO) {
            imm = 0;
        }
        if (o.form() == Form.CALLX && dst != Reg.R10 && r.nextBoolean()) {
            // callx's target register usually holds the helper id: emit it as a mov first.
            b.mov64Imm(dst, 5);
        }
        try {
            return Insn.of(o, dst, src, off, imm);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private int writable() {
        int[] regs = {Reg.R0, Reg.R0, Reg.R1, Reg.R2, Reg.R3, Reg.R4, Reg.R5, Reg.R7};
        return regs[r.nextInt(regs.length)];
    }

    private int readable() {
        return r.nextInt(11);
    }

    private int base() {
        int k = r.nextInt(10);
        if (k < 4) {
            return Reg.R10;
        }
        if (k < 6) {
            return Reg.R6;
        }
        if (k < 7) {
            return Reg.R9;
        }
        if (k < 8 && type != ProgramType.RAW) {
            return Reg.R8;
        }
        return readable();
    }

    private int offset(int base, int size) {
        if (base == Reg.R10 || base == Reg.R9) {
            return r.nextInt(10) == 0 ? r.nextInt(40) - 530 : -size * (1 + r.nextInt(64 / size + 4));
        }
        if (base == Reg.R6 && type != ProgramType.RAW) {
            int[] fields = {0, 76, 80, 4, 8, 12, 16, 20, 2};
            return fields[r.nextInt(fields.length)];
        }
        return r.nextInt(80) - 4;
    }

    private long corner() {
        return CORNERS[r.nextInt(CORNERS.length)];
    }

    private long corner32() {
        return r.nextBoolean() ? (int) corner() : r.nextInt(200) - 100;
    }
}
