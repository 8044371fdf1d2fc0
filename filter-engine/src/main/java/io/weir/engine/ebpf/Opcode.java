package io.weir.engine.ebpf;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One valid eBPF instruction variant, and the table of all of them: the single source of truth for decoding,
 * validation, the assembler, the disassembler and the interpreter's dispatch.
 *
 * <p>An opcode byte alone does not always name an operation: signed division is DIV with offset 1, a
 * sign-extending move is MOV with offset 8/16/32, a byte swap's width is its immediate, an atomic operation is
 * in the immediate, a call's kind is in the source field and {@code lddw}'s pseudo kind too. Each such choice is
 * a separate entry here, told apart by its <em>discriminating field</em>, and gets its own {@link #code()}:
 * {@code opcode | variant << 8}. The interpreter switches on {@code code & 0xff} and, for the few opcodes with
 * variants, on the variant.
 *
 * <p>For every field an entry says what it may hold: {@code dst} must be zero, may be any register, or must be
 * a writable register (not r10); {@code src} must be zero or be a register; {@code off} and {@code imm} must be
 * zero or may be anything. A field that is neither read nor discriminating must be zero (RFC 9669 section 3:
 * "unused fields ... shall be cleared to zero"), which is what the conformance suite's
 * {@code negative/unused-*.data} check.
 *
 * <p>Sections quoted per entry are those of RFC 9669; versions are the conformance suite's cpu versions
 * (v1 base, v2 adds JLT..JSLE, v3 adds JMP32, atomics and local calls, v4 adds signed division, sign-extending
 * moves and loads, {@code bswap} and {@code ja32}).
 */
public final class Opcode {

    /** The shape of an instruction: how it is printed, parsed and checked. */
    public enum Form {
        ALU_IMM, ALU_REG, NEG, MOVSX, END, LDDW, LDABS, LDIND, LDX, LDXSX, ST, STX, ATOMIC,
        JA, JA32, JCOND_IMM, JCOND_REG, CALL_HELPER, CALL_LOCAL, CALL_KFUNC, CALLX, EXIT
    }

    /** What a register field may hold. */
    public enum RegRule {
        /** Unused: must be 0. */
        ZERO,
        /** Read: r0..r10. */
        READ,
        /** Written: r0..r9 (r10 is read-only). */
        WRITE
    }

    /** What the off or imm field may hold. */
    public enum ValueRule {
        /** Unused: must be 0. */
        ZERO,
        /** Operand: any value. */
        ANY,
        /** Discriminating: the fixed value of this entry ({@link #discValue()}). */
        FIXED
    }

    /** Which field tells this entry apart from the other variants of its opcode byte. */
    public enum Disc { NONE, SRC, OFF, IMM }

    private final int opcode;
    private final int variant;
    private final String mnemonic;
    private final Form form;
    private final Disc disc;
    private final int discValue;
    private final RegRule dst;
    private final RegRule src;
    private final ValueRule off;
    private final ValueRule imm;
    private final String section;
    private final int version;

    private Opcode(int opcode, int variant, String mnemonic, Form form, Disc disc, int discValue, RegRule dst,
            RegRule src, ValueRule off, ValueRule imm, String section, int version) {
        this.opcode = opcode;
        this.variant = variant;
        this.mnemonic = mnemonic;
        this.form = form;
        this.disc = disc;
        this.discValue = discValue;
        this.dst = dst;
        this.src = src;
        this.off = off;
        this.imm = imm;
        this.section = section;
        this.version = version;
    }

    /** The opcode byte. */
    public int opcode() { return opcode; }

    /** The variant number among the entries of this opcode byte (0 for most). */
    public int variant() { return variant; }

    /** The dispatch code, unique per entry: {@code opcode | variant << 8}. */
    public int code() { return opcode | variant << 8; }

    /** The ubpf-style mnemonic: {@code add32}, {@code ldxh}, {@code lock fetch add}, {@code call local}. */
    public String mnemonic() { return mnemonic; }

    /** The instruction's shape. */
    public Form form() { return form; }

    /** The discriminating field, NONE when the opcode byte has a single entry. */
    public Disc disc() { return disc; }

    /** The value the discriminating field must hold. */
    public int discValue() { return discValue; }

    /** What the dst field may hold. */
    public RegRule dstRule() { return dst; }

    /** What the src field may hold (ignored when src discriminates). */
    public RegRule srcRule() { return src; }

    /** What the off field may hold. */
    public ValueRule offRule() { return off; }

    /** What the imm field may hold. */
    public ValueRule immRule() { return imm; }

    /** The RFC 9669 section that defines this instruction. */
    public String rfcSection() { return section; }

    /** The conformance suite's cpu version that introduced this instruction (1..4). */
    public int version() { return version; }

    /** The instruction class. */
    public OpClass opClass() { return OpClass.fromCode(opcode); }

    /** Whether the source operand is a register (the BPF_X bit of ALU and JMP opcodes). */
    public boolean isRegSource() { return (opcode & 0x08) != 0; }

    /** Whether this operates on 64 bits: ALU64, JMP, and DW accesses (64-bit registers for lddw/ldx). */
    public boolean is64() {
        OpClass c = opClass();
        return switch (c) {
            case ALU64, JMP -> true;
            case ALU, JMP32 -> false;
            default -> size() == Size.DW;
        };
    }

    /** The arithmetic operation, or null when this is not ALU/ALU64. */
    public AluOp aluOp() { return opClass().isAlu() ? AluOp.fromCode(opcode) : null; }

    /** The jump operation, or null when this is not JMP/JMP32. */
    public JmpOp jmpOp() { return opClass().isJump() ? JmpOp.fromCode(opcode) : null; }

    /** The access size, or null when this is not a load or store. */
    public Size size() { return opClass().isLoadStore() ? Size.fromCode(opcode) : null; }

    /** The addressing mode, or null when this is not a load or store. */
    public Mode mode() { return opClass().isLoadStore() ? Mode.fromCode(opcode) : null; }

    /** The atomic operation, or null when this is not an atomic. */
    public AtomicOp atomicOp() { return form == Form.ATOMIC ? AtomicOp.fromCode(discValue) : null; }

    /** Whether an atomic returns the old value (FETCH, XCHG, CMPXCHG). */
    public boolean atomicFetches() { return form == Form.ATOMIC && (discValue & AtomicOp.FETCH) != 0; }

    /** Whether this instruction takes two 8-byte slots ({@code lddw}). */
    public boolean isWide() { return form == Form.LDDW; }

    /** Whether this is a jump whose offset (or, for ja32, immediate) is a slot-relative target. */
    public boolean isBranch() { return form == Form.JA || form == Form.JA32 || form == Form.JCOND_IMM
            || form == Form.JCOND_REG; }

    @Override
    public String toString() {
        return String.format("%s (0x%02x, RFC 9669 %s)", mnemonic, opcode, section);
    }

    // ------------------------------------------------------------------ the table

    private static final List<Opcode> ALL;
    private static final Opcode[][] BY_OPCODE = new Opcode[256][];
    private static final Map<String, List<Opcode>> BY_MNEMONIC = new HashMap<>();

    static {
        List<Opcode> t = new ArrayList<>();
        // RFC 9669 section 4.1: arithmetic, ALU (32-bit, "add32") and ALU64 ("add").
        for (OpClass c : new OpClass[] {OpClass.ALU, OpClass.ALU64}) {
            boolean w = c == OpClass.ALU64;
            String sfx = w ? "" : "32";
            for (AluOp a : AluOp.values()) {
                int k = c.code() | a.code();
                int x = k | 0x08;
                switch (a) {
                    case NEG -> t.add(e(k, 0, cat("neg", sfx), Form.NEG, Disc.NONE, 0, RegRule.WRITE, RegRule.ZERO,
                            ValueRule.ZERO, ValueRule.ZERO, "4.1", 1));
                    case END -> {
                        // RFC 9669 section 4.2: byte swaps; ALU|K = le, ALU|X = be, ALU64|K = bswap.
                        String[] names = w ? new String[] {"bswap", null} : new String[] {"le", "be"};
                        int[] ops = {k, x};
                        for (int s = 0; s < 2; s++) {
                            if (names[s] == null) {
                                continue;
                            }
                            int[] widths = {16, 32, 64};
                            for (int v = 0; v < 3; v++) {
                                t.add(e(ops[s], v + 1, cat(names[s], widths[v]), Form.END, Disc.IMM, widths[v],
                                        RegRule.WRITE, RegRule.ZERO, ValueRule.ZERO, ValueRule.FIXED, "4.2",
                                        w ? 4 : 1));
                            }
                        }
                    }
                    case DIV, MOD -> {
                        String s = a == AluOp.DIV ? "sdiv" : "smod";
                        t.add(e(k, 0, cat(a.mnemonic(), sfx), Form.ALU_IMM, Disc.OFF, 0, RegRule.WRITE, RegRule.ZERO,
                                ValueRule.FIXED, ValueRule.ANY, "4.1", 1));
                        t.add(e(k, 1, cat(s, sfx), Form.ALU_IMM, Disc.OFF, 1, RegRule.WRITE, RegRule.ZERO,
                                ValueRule.FIXED, ValueRule.ANY, "4.1", 4));
                        t.add(e(x, 0, cat(a.mnemonic(), sfx), Form.ALU_REG, Disc.OFF, 0, RegRule.WRITE, RegRule.READ,
                                ValueRule.FIXED, ValueRule.ZERO, "4.1", 1));
                        t.add(e(x, 1, cat(s, sfx), Form.ALU_REG, Disc.OFF, 1, RegRule.WRITE, RegRule.READ,
                                ValueRule.FIXED, ValueRule.ZERO, "4.1", 4));
                    }
                    case MOV -> {
                        t.add(e(k, 0, cat("mov", sfx), Form.ALU_IMM, Disc.NONE, 0, RegRule.WRITE, RegRule.ZERO,
                                ValueRule.ZERO, ValueRule.ANY, "4.1", 1));
                        t.add(e(x, 0, cat("mov", sfx), Form.ALU_REG, Disc.OFF, 0, RegRule.WRITE, RegRule.READ,
                                ValueRule.FIXED, ValueRule.ZERO, "4.1", 1));
                        int[] widths = w ? new int[] {8, 16, 32} : new int[] {8, 16};
                        for (int v = 0; v < widths.length; v++) {
                            t.add(e(x, v + 1, cat("movsx", widths[v], w ? "64" : "32"), Form.MOVSX, Disc.OFF,
                                    widths[v], RegRule.WRITE, RegRule.READ, ValueRule.FIXED, ValueRule.ZERO,
                                    "4.1", 4));
                        }
                    }
                    default -> {
                        t.add(e(k, 0, cat(a.mnemonic(), sfx), Form.ALU_IMM, Disc.NONE, 0, RegRule.WRITE, RegRule.ZERO,
                                ValueRule.ZERO, ValueRule.ANY, "4.1", 1));
                        t.add(e(x, 0, cat(a.mnemonic(), sfx), Form.ALU_REG, Disc.NONE, 0, RegRule.WRITE, RegRule.READ,
                                ValueRule.ZERO, ValueRule.ZERO, "4.1", 1));
                    }
                }
            }
        }
        // RFC 9669 section 4.3: jumps. JMP32 has no call/exit, and its JA is ja32 (offset in imm).
        for (OpClass c : new OpClass[] {OpClass.JMP, OpClass.JMP32}) {
            boolean w = c == OpClass.JMP;
            String sfx = w ? "" : "32";
            for (JmpOp j : JmpOp.values()) {
                int k = c.code() | j.code();
                if (j.isConditional()) {
                    int v = j.ordinal() >= JmpOp.JLT.ordinal() ? 2 : 1;
                    int ver = w ? v : 3;
                    t.add(e(k, 0, cat(j.mnemonic(), sfx), Form.JCOND_IMM, Disc.NONE, 0, RegRule.READ, RegRule.ZERO,
                            ValueRule.ANY, ValueRule.ANY, "4.3", ver));
                    t.add(e(k | 0x08, 0, cat(j.mnemonic(), sfx), Form.JCOND_REG, Disc.NONE, 0, RegRule.READ,
                            RegRule.READ, ValueRule.ANY, ValueRule.ZERO, "4.3", ver));
                } else if (j == JmpOp.JA) {
                    if (w) {
                        t.add(e(k, 0, "ja", Form.JA, Disc.NONE, 0, RegRule.ZERO, RegRule.ZERO, ValueRule.ANY,
                                ValueRule.ZERO, "4.3", 1));
                    } else {
                        t.add(e(k, 0, "ja32", Form.JA32, Disc.NONE, 0, RegRule.ZERO, RegRule.ZERO, ValueRule.ZERO,
                                ValueRule.ANY, "4.3", 4));
                    }
                } else if (w && j == JmpOp.CALL) {
                    t.add(e(k, 0, "call", Form.CALL_HELPER, Disc.SRC, 0, RegRule.ZERO, RegRule.ZERO,
                            ValueRule.ZERO, ValueRule.ANY, "4.3.1", 1));
                    t.add(e(k, 1, "call local", Form.CALL_LOCAL, Disc.SRC, 1, RegRule.ZERO, RegRule.ZERO,
                            ValueRule.ZERO, ValueRule.ANY, "4.3.2", 3));
                    t.add(e(k, 2, "call kfunc", Form.CALL_KFUNC, Disc.SRC, 2, RegRule.ZERO, RegRule.ZERO,
                            ValueRule.ZERO, ValueRule.ANY, "4.3.1", 3));
                    // callx: the conformance suite's optional group; the target register is in dst.
                    t.add(e(k | 0x08, 0, "callx", Form.CALLX, Disc.NONE, 0, RegRule.READ, RegRule.ZERO,
                            ValueRule.ZERO, ValueRule.ZERO, "4.3", 1));
                } else if (w && j == JmpOp.EXIT) {
                    t.add(e(k, 0, "exit", Form.EXIT, Disc.NONE, 0, RegRule.ZERO, RegRule.ZERO, ValueRule.ZERO,
                            ValueRule.ZERO, "4.3", 1));
                }
            }
        }
        // RFC 9669 section 5.4: lddw, one entry per pseudo source (0 = plain 64-bit immediate).
        String[] pseudo = {"lddw", "lddw map_by_fd", "lddw map_val_by_fd", "lddw var_addr", "lddw code_addr",
            "lddw map_by_idx", "lddw map_val_by_idx"};
        for (int s = 0; s < pseudo.length; s++) {
            t.add(e(0x18, s, pseudo[s], Form.LDDW, Disc.SRC, s, RegRule.WRITE, RegRule.ZERO, ValueRule.ZERO,
                    ValueRule.ANY, "5.4", 1));
        }
        for (Size s : new Size[] {Size.W, Size.H, Size.B}) {
            // RFC 9669 section 5.5: legacy packet access, result in r0.
            t.add(e(Mode.ABS.code() | s.code() | OpClass.LD.code(), 0, cat("ldabs", s.suffix()), Form.LDABS, Disc.NONE,
                    0, RegRule.ZERO, RegRule.ZERO, ValueRule.ZERO, ValueRule.ANY, "5.5", 1));
            t.add(e(Mode.IND.code() | s.code() | OpClass.LD.code(), 0, cat("ldind", s.suffix()), Form.LDIND, Disc.NONE,
                    0, RegRule.ZERO, RegRule.READ, ValueRule.ZERO, ValueRule.ANY, "5.5", 1));
            // RFC 9669 section 5.2: sign-extending loads.
            t.add(e(Mode.MEMSX.code() | s.code() | OpClass.LDX.code(), 0, cat("ldxs", s.suffix()), Form.LDXSX,
                    Disc.NONE, 0, RegRule.WRITE, RegRule.READ, ValueRule.ANY, ValueRule.ZERO, "5.2", 4));
        }
        for (Size s : Size.values()) {
            // RFC 9669 section 5.2: regular loads and stores.
            t.add(e(Mode.MEM.code() | s.code() | OpClass.LDX.code(), 0, cat("ldx", s.suffix()), Form.LDX, Disc.NONE, 0,
                    RegRule.WRITE, RegRule.READ, ValueRule.ANY, ValueRule.ZERO, "5.2", 1));
            t.add(e(Mode.MEM.code() | s.code() | OpClass.ST.code(), 0, cat("st", s.suffix()), Form.ST, Disc.NONE, 0,
                    RegRule.READ, RegRule.ZERO, ValueRule.ANY, ValueRule.ANY, "5.2", 1));
            t.add(e(Mode.MEM.code() | s.code() | OpClass.STX.code(), 0, cat("stx", s.suffix()), Form.STX, Disc.NONE, 0,
                    RegRule.READ, RegRule.READ, ValueRule.ANY, ValueRule.ZERO, "5.2", 1));
        }
        // RFC 9669 section 5.3: atomics, 32 and 64 bit; the operation is in imm.
        int[] atomicImms = {0x00, 0x01, 0x40, 0x41, 0x50, 0x51, 0xa0, 0xa1, 0xe1, 0xf1};
        for (Size s : new Size[] {Size.W, Size.DW}) {
            int op = Mode.ATOMIC.code() | s.code() | OpClass.STX.code();
            for (int v = 0; v < atomicImms.length; v++) {
                AtomicOp a = AtomicOp.fromCode(atomicImms[v]);
                boolean fetch = (atomicImms[v] & AtomicOp.FETCH) != 0 && !a.alwaysFetches();
                String name = cat("lock ", fetch ? "fetch " : "", a.mnemonic(), s == Size.W ? "32" : "");
                t.add(e(op, v, name, Form.ATOMIC, Disc.IMM, atomicImms[v], RegRule.READ, RegRule.READ,
                        ValueRule.ANY, ValueRule.FIXED, "5.3", 3));
            }
        }
        ALL = Collections.unmodifiableList(t);
        List<List<Opcode>> by = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            by.add(new ArrayList<>());
        }
        for (Opcode o : ALL) {
            by.get(o.opcode).add(o);
            List<Opcode> same = BY_MNEMONIC.get(o.mnemonic);
            if (same == null) {
                same = new ArrayList<>();
                BY_MNEMONIC.put(o.mnemonic, same);
            }
            same.add(o);
        }
        for (int i = 0; i < 256; i++) {
            BY_OPCODE[i] = by.get(i).toArray(new Opcode[0]);
        }
    }

    /**
     * Concatenation without {@code +}: javac compiles {@code +} to an invokedynamic whose first use costs
     * milliseconds, and this table is built on the conformance plugin's start-up path (one JVM per test).
     */
    private static String cat(Object... parts) {
        StringBuilder sb = new StringBuilder();
        for (Object o : parts) {
            sb.append(o);
        }
        return sb.toString();
    }

    private static Opcode e(int opcode, int variant, String mnemonic, Form form, Disc disc, int discValue,
            RegRule dst, RegRule src, ValueRule off, ValueRule imm, String section, int version) {
        return new Opcode(opcode, variant, mnemonic, form, disc, discValue, dst, src, off, imm, section, version);
    }

    /** Every valid entry, in table order. */
    public static List<Opcode> all() {
        return ALL;
    }

    /** Whether some valid instruction has this opcode byte. */
    public static boolean isAssigned(int opcode) {
        return BY_OPCODE[opcode & 0xff].length > 0;
    }

    /** The entries of an opcode byte (empty when unassigned). */
    public static List<Opcode> forOpcode(int opcode) {
        return List.of(BY_OPCODE[opcode & 0xff]);
    }

    /** The entries with this ubpf mnemonic ({@code add} has an immediate and a register entry). */
    public static List<Opcode> forMnemonic(String mnemonic) {
        return BY_MNEMONIC.getOrDefault(mnemonic, List.of());
    }

    /**
     * The entry of an encoded instruction's fields, or null when the opcode byte is unassigned or the
     * discriminating field holds no valid value. Operand rules are not checked here: see {@link #check}.
     */
    public static Opcode lookup(int opcode, int src, int off, int imm) {
        for (Opcode o : BY_OPCODE[opcode & 0xff]) {
            switch (o.disc) {
                case NONE:
                    return o;
                case SRC:
                    if (src == o.discValue) {
                        return o;
                    }
                    break;
                case OFF:
                    if (off == o.discValue) {
                        return o;
                    }
                    break;
                default:
                    if (imm == o.discValue) {
                        return o;
                    }
                    break;
            }
        }
        return null;
    }

    /** The entry with this dispatch {@link #code()}, or null. */
    public static Opcode forCode(int code) {
        Opcode[] row = BY_OPCODE[code & 0xff];
        int v = code >>> 8;
        for (Opcode o : row) {
            if (o.variant == v) {
                return o;
            }
        }
        return null;
    }

    /**
     * Checks the fields of an instruction against this entry's rules; returns null when they are valid, else
     * what is wrong ({@code "unused field imm must be 0, is 1"}). For {@code lddw} the second slot is checked
     * by the codec.
     */
    public String check(int dstReg, int srcReg, int offset, int immediate) {
        String why = checkReg("dst", dst, dstReg);
        if (why == null && disc != Disc.SRC) {
            why = checkReg("src", src, srcReg);
        }
        if (why == null && off == ValueRule.ZERO && offset != 0) {
            why = "unused field off must be 0, is " + offset;
        }
        if (why == null && imm == ValueRule.ZERO && immediate != 0) {
            why = "unused field imm must be 0, is " + immediate;
        }
        return why;
    }

    private static String checkReg(String field, RegRule rule, int r) {
        switch (rule) {
            case ZERO:
                return r == 0 ? null : "unused field " + field + " must be 0, is " + r;
            case READ:
                return Reg.isValid(r) ? null : "invalid " + field + " register r" + r;
            default:
                if (r == Reg.R10) {
                    return "frame pointer r10 is read-only";
                }
                return Reg.isValid(r) ? null : "invalid " + field + " register r" + r;
        }
    }

    /** Why no entry matched an opcode byte with these fields (for error messages), given lookup returned null. */
    static String whyUnknown(int opcode, int src, int off, int imm) {
        Opcode[] row = BY_OPCODE[opcode & 0xff];
        if (row.length == 0) {
            return "unknown opcode";
        }
        return switch (row[0].disc) {
            case SRC -> "invalid src " + src + " for " + row[0].mnemonic;
            case OFF -> "invalid offset " + off + " for " + row[0].mnemonic;
            default -> "invalid immediate " + imm + " for " + row[0].mnemonic;
        };
    }
}
