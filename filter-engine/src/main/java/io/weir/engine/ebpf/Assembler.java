package io.weir.engine.ebpf;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the ubpf-style assembly of the conformance suite's {@code -- asm} sections (and {@code weir verify} /
 * {@code weir run} files): one instruction per line, {@code #} comments, {@code name:} labels.
 *
 * <pre>
 *   mov %r2, 0xe                  add32 %r1, -3          neg %r1          be16 %r3      movsx832 %r2, %r1
 *   ldxh %r3, [%r1+12]            stxdw [%r10-8], %r0     stw [%r10-4], 7  lddw %r0, 0x1122334455667788
 *   jne %r3, 0x81, L1             jeq32 %r1, %r2, +3      ja L2            ja32 L2
 *   call 5        call %r2 (callx)     call local func1    call runtime 7 (kfunc)     exit
 *   lock add [%r10-8], %r1        lock fetch xor32 [%r10-4], %r2         lock cmpxchg [%r10-8], %r1
 *   ldabsh 12     ldindb %r1, 14  lddw %r1, map_by_fd(3)  lddw %r1, map_val_by_fd(3,8)
 * </pre>
 * Mnemonics come from the {@link Opcode} table; {@code add64}-style suffixes, {@code swap16} and {@code rN}
 * without {@code %} are accepted too. Jump targets are labels or slot-relative offsets ({@code +3}); as in the
 * suite, an undefined label {@code exit} means the first {@code exit} instruction. Whatever
 * {@link Disassembler#ubpf(Program)} prints assembles back to the same program.
 */
public final class Assembler {
    private static final Pattern REG = Pattern.compile("%?r(\\d+)");
    private static final Pattern MEM = Pattern.compile("\\[\\s*(%?r\\d+)\\s*(?:([+-])\\s*(\\w+))?\\s*]");
    private static final Pattern PSEUDO = Pattern.compile("(\\w+)\\(\\s*([-\\w]+)\\s*(?:,\\s*([-\\w]+)\\s*)?\\)");
    private static final String[] PSEUDO_NAMES = {null, "map_by_fd", "map_val_by_fd", "var_addr", "code_addr",
        "map_by_idx", "map_val_by_idx"};

    private Assembler() {}

    private record Fixup(int index, String label, int line, String source) {}

    /** Assembles {@code text} into a program of {@code type}. */
    public static Program assemble(String text, ProgramType type) {
        List<Insn> insns = new ArrayList<>();
        List<Integer> lineOf = new ArrayList<>();
        Map<String, Integer> labels = new HashMap<>();
        List<Fixup> fixups = new ArrayList<>();
        int firstExit = -1;
        String[] lines = text.split("\r?\n", -1);
        for (int ln = 0; ln < lines.length; ln++) {
            String source = lines[ln];
            String line = source;
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            line = line.strip();
            // Label definitions, possibly followed by an instruction on the same line.
            Matcher lm = Pattern.compile("^([A-Za-z_.$][\\w.$]*)\\s*:").matcher(line);
            while (lm.find()) {
                String name = lm.group(1);
                if (labels.putIfAbsent(name, insns.size()) != null) {
                    throw new AsmException(ln + 1, "Duplicate label (" + name + ")", source);
                }
                line = line.substring(lm.end()).strip();
                lm = Pattern.compile("^([A-Za-z_.$][\\w.$]*)\\s*:").matcher(line);
            }
            if (line.isEmpty()) {
                continue;
            }
            try {
                Parsed p = parse(line);
                if (p.insn.op().form() == Opcode.Form.EXIT && firstExit < 0) {
                    firstExit = insns.size();
                }
                if (p.label != null) {
                    fixups.add(new Fixup(insns.size(), p.label, ln + 1, source));
                }
                insns.add(p.insn);
                lineOf.add(ln + 1);
            } catch (EbpfFormatException e) {
                throw new AsmException(ln + 1, e.reason(), source);
            } catch (IllegalArgumentException e) {
                throw new AsmException(ln + 1, e.getMessage(), source);
            }
        }
        if (!labels.containsKey("exit") && firstExit >= 0) {
            labels.put("exit", firstExit);
        }
        ProgramBuilder b = new ProgramBuilder(type);
        int f = 0;
        for (int k = 0; k < insns.size(); k++) {
            b.label("@" + k);
            if (f < fixups.size() && fixups.get(f).index == k) {
                Fixup fx = fixups.get(f++);
                Integer target = labels.get(fx.label);
                if (target == null) {
                    throw new AsmException(fx.line, "Invalid label: " + fx.label, fx.source);
                }
                b.insn(insns.get(k), "@" + target);
            } else {
                b.insn(insns.get(k));
            }
        }
        b.label("@" + insns.size());
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new AsmException(0, e.getMessage(), null);
        }
    }

    private record Parsed(Insn insn, String label) {}

    /** One instruction; {@code label} is the symbolic target still to resolve (or null). */
    private static Parsed parse(String line) {
        String mnemonic;
        String rest;
        int sp = indexOfSpace(line);
        mnemonic = sp < 0 ? line : line.substring(0, sp);
        rest = sp < 0 ? "" : line.substring(sp).strip();
        if (mnemonic.equals("lock")) {
            int sp2 = indexOfSpace(rest);
            String word = sp2 < 0 ? rest : rest.substring(0, sp2);
            rest = sp2 < 0 ? "" : rest.substring(sp2).strip();
            mnemonic = "lock " + word;
            if (word.equals("fetch")) {
                int sp3 = indexOfSpace(rest);
                mnemonic += " " + (sp3 < 0 ? rest : rest.substring(0, sp3));
                rest = sp3 < 0 ? "" : rest.substring(sp3).strip();
            }
            if (split(rest).size() != 2) {
                throw new IllegalArgumentException("Invalid number of operands for lock");
            }
            if (Opcode.forMnemonic(mnemonic).isEmpty()) {
                throw new IllegalArgumentException("Invalid mnemonic: " + mnemonic.substring(5));
            }
        }
        List<String> ops = split(rest);
        if (mnemonic.equals("call")) {
            return parseCall(ops);
        }
        if (mnemonic.equals("lddw")) {
            expect(ops, 2, mnemonic);
            return new Parsed(lddw(reg(ops.get(0)), ops.get(1)), null);
        }
        List<Opcode> candidates = Opcode.forMnemonic(canonical(mnemonic));
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("Invalid mnemonic: " + mnemonic);
        }
        Opcode op = candidates.get(0);
        switch (op.form()) {
            case ALU_IMM:
            case ALU_REG:
            case MOVSX: {
                expect(ops, 2, mnemonic);
                boolean reg = isReg(ops.get(1));
                Opcode o = pick(candidates, reg ? Opcode.Form.ALU_REG : Opcode.Form.ALU_IMM, op);
                return new Parsed(reg ? Insn.of(o, reg(ops.get(0)), reg(ops.get(1)), 0, 0)
                        : Insn.of(o, reg(ops.get(0)), 0, 0, imm32(ops.get(1))), null);
            }
            case NEG:
            case END:
                expect(ops, 1, mnemonic);
                return new Parsed(Insn.of(op, reg(ops.get(0)), 0, 0, 0), null);
            case LDABS:
                expect(ops, 1, mnemonic);
                return new Parsed(Insn.of(op, 0, 0, 0, imm32(ops.get(0))), null);
            case LDIND:
                expect(ops, 2, mnemonic);
                return new Parsed(Insn.of(op, 0, reg(ops.get(0)), 0, imm32(ops.get(1))), null);
            case LDX:
            case LDXSX: {
                expect(ops, 2, mnemonic);
                int[] m = mem(ops.get(1));
                return new Parsed(Insn.of(op, reg(ops.get(0)), m[0], m[1], 0), null);
            }
            case ST: {
                expect(ops, 2, mnemonic);
                int[] m = mem(ops.get(0));
                return new Parsed(Insn.of(op, m[0], 0, m[1], imm32(ops.get(1))), null);
            }
            case STX:
            case ATOMIC: {
                expect(ops, 2, mnemonic);
                int[] m = mem(ops.get(0));
                return new Parsed(Insn.of(op, m[0], reg(ops.get(1)), m[1], 0), null);
            }
            case JA:
            case JA32: {
                expect(ops, 1, mnemonic);
                String t = ops.get(0);
                if (isRelative(t)) {
                    return new Parsed(op.form() == Opcode.Form.JA ? Insn.of(op, 0, 0, off16(t), 0)
                            : Insn.of(op, 0, 0, 0, imm32(t)), null);
                }
                return new Parsed(Insn.of(op, 0, 0, 0, 0), label(t));
            }
            case JCOND_IMM:
            case JCOND_REG: {
                expect(ops, 3, mnemonic);
                boolean reg = isReg(ops.get(1));
                Opcode o = pick(candidates, reg ? Opcode.Form.JCOND_REG : Opcode.Form.JCOND_IMM, op);
                String t = ops.get(2);
                int off = isRelative(t) ? off16(t) : 0;
                Insn i = reg ? Insn.of(o, reg(ops.get(0)), reg(ops.get(1)), off, 0)
                        : Insn.of(o, reg(ops.get(0)), 0, off, imm32(ops.get(1)));
                return new Parsed(i, isRelative(t) ? null : label(t));
            }
            case EXIT:
                expect(ops, 0, mnemonic);
                return new Parsed(Insn.exit(), null);
            default:
                throw new IllegalArgumentException("Invalid mnemonic: " + mnemonic);
        }
    }

    private static Parsed parseCall(List<String> ops) {
        if (ops.size() != 1) {
            throw new IllegalArgumentException("Invalid number of operands for mnemonic: call");
        }
        String a = ops.get(0);
        if (isReg(a)) {
            return new Parsed(Insn.of(0x8d, reg(a), 0, 0, 0), null);
        }
        int sp = indexOfSpace(a);
        if (sp < 0) {
            return new Parsed(Insn.call((int) imm32(a)), null);
        }
        String mode = a.substring(0, sp);
        String t = a.substring(sp).strip();
        switch (mode) {
            case "helper":
                return new Parsed(Insn.call((int) imm32(t)), null);
            case "runtime":
                return new Parsed(Insn.of(0x85, 0, 2, 0, imm32(t)), null);
            case "local":
                if (isRelative(t)) {
                    return new Parsed(Insn.of(0x85, 0, 1, 0, imm32(t)), null);
                }
                return new Parsed(Insn.of(0x85, 0, 1, 0, 0), label(t));
            default:
                throw new IllegalArgumentException("Invalid call mode");
        }
    }

    private static Insn lddw(int dst, String operand) {
        Matcher m = PSEUDO.matcher(operand);
        if (m.matches()) {
            for (int src = 1; src < PSEUDO_NAMES.length; src++) {
                if (PSEUDO_NAMES[src].equals(m.group(1))) {
                    long lo = imm32(m.group(2)) & 0xffff_ffffL;
                    long hi = m.group(3) == null ? 0 : imm32(m.group(3)) & 0xffff_ffffL;
                    return Insn.of(0x18, dst, src, 0, hi << 32 | lo);
                }
            }
            throw new IllegalArgumentException("Invalid lddw pseudo source: " + m.group(1));
        }
        return Insn.lddw(dst, imm64(operand));
    }

    private static String canonical(String m) {
        if (m.startsWith("swap")) {
            return "b" + m;
        }
        if (m.endsWith("64") && !m.startsWith("movsx") && !m.startsWith("be") && !m.startsWith("le")
                && !m.startsWith("bswap")) {
            return m.substring(0, m.length() - 2);
        }
        return m;
    }

    private static Opcode pick(List<Opcode> candidates, Opcode.Form form, Opcode fallback) {
        for (Opcode o : candidates) {
            if (o.form() == form) {
                return o;
            }
        }
        return fallback;
    }

    private static void expect(List<String> ops, int n, String mnemonic) {
        if (ops.size() != n) {
            throw new IllegalArgumentException("Invalid number of operands for mnemonic: " + mnemonic);
        }
    }

    private static int indexOfSpace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    /** Splits operands on commas outside brackets and parentheses. */
    private static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        if (s.isBlank()) {
            return out;
        }
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '[' || c == '(') {
                depth++;
            } else if (c == ']' || c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                out.add(s.substring(start, i).strip());
                start = i + 1;
            }
        }
        out.add(s.substring(start).strip());
        return out;
    }

    private static boolean isReg(String s) {
        return REG.matcher(s).matches();
    }

    private static int reg(String s) {
        Matcher m = REG.matcher(s);
        if (!m.matches() || m.group(1).length() > 2 || Integer.parseInt(m.group(1)) > 10) {
            throw new IllegalArgumentException("Invalid register: " + s);
        }
        return Integer.parseInt(m.group(1));
    }

    private static int[] mem(String s) {
        Matcher m = MEM.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("Failed to decode register and offset: " + s);
        }
        int base = reg(m.group(1));
        int off = 0;
        if (m.group(2) != null) {
            long v = number(m.group(3));
            v = m.group(2).equals("-") ? -v : v;
            if (v < Short.MIN_VALUE || v > Short.MAX_VALUE) {
                throw new IllegalArgumentException("Offset out of 16-bit range: " + s);
            }
            off = (int) v;
        }
        return new int[] {base, off};
    }

    private static boolean isRelative(String s) {
        return s.startsWith("+") || s.startsWith("-");
    }

    private static String label(String s) {
        if (!s.matches("[A-Za-z_.$][\\w.$]*")) {
            throw new IllegalArgumentException("Invalid label: " + s);
        }
        return s;
    }

    private static int off16(String s) {
        long v = number(s);
        if (v < Short.MIN_VALUE || v > Short.MAX_VALUE) {
            throw new IllegalArgumentException("Offset out of 16-bit range: " + s);
        }
        return (int) v;
    }

    private static long imm32(String s) {
        long v = number(s);
        if (v < Integer.MIN_VALUE || v > 0xffff_ffffL) {
            throw new IllegalArgumentException("Immediate out of 32-bit range: " + s);
        }
        return v;
    }

    private static long imm64(String s) {
        String t = s.strip();
        boolean neg = t.startsWith("-");
        String body = neg || t.startsWith("+") ? t.substring(1) : t;
        try {
            long v;
            if (body.startsWith("0x") || body.startsWith("0X")) {
                v = Long.parseUnsignedLong(body.substring(2), 16);
            } else {
                v = Long.parseUnsignedLong(body);
                if (neg && Long.compareUnsigned(v, Long.MIN_VALUE) > 0) {
                    throw new NumberFormatException();
                }
            }
            return neg ? -v : v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Invalid number: " + s);
        }
    }

    /** A decimal or 0x-hexadecimal number with an optional sign, within 64 signed bits plus 32 unsigned. */
    private static long number(String s) {
        String t = s.strip();
        boolean neg = t.startsWith("-");
        String body = neg || t.startsWith("+") ? t.substring(1) : t;
        try {
            long v = body.startsWith("0x") || body.startsWith("0X") ? Long.parseLong(body.substring(2), 16)
                    : Long.parseLong(body);
            return neg ? -v : v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Invalid number: " + s);
        }
    }
}
