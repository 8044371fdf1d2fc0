package io.weir.engine.cbpf;

import java.util.ArrayList;
import java.util.List;

/**
 * tcpdump's three ways of dumping a classic program, exactly as tcpdump 4.99 with libpcap 1.10 prints them, and
 * a parser for the two machine-readable ones.
 * <ul>
 *   <li>{@code -d}: libpcap's {@code bpf_image}, one line per instruction: {@code (000) ldh      [12]};
 *   <li>{@code -dd}: a C array, {@code { 0x28, 0, 0, 0x0000000c },};
 *   <li>{@code -ddd}: the instruction count, then {@code code jt jf k} in decimal, one per line.
 * </ul>
 * {@link #parse(String)} reads {@code -dd}, {@code -ddd} and the comma-separated form of Linux's {@code bpf_asm}
 * and iptables' xt_bpf ({@code 4,40 0 0 12,21 0 1 2048,6 0 0 262144,6 0 0 0}); {@link #parseListing(String)}
 * reads {@code -d}.
 */
public final class TcpdumpFormat {
    private TcpdumpFormat() {
    }

    /** One line of {@code -d}, for instruction {@code insn} at index {@code n}, without a newline. */
    public static String image(ClassicInsn insn, int n) {
        ClassicOp op = insn.op();
        String mnemonic;
        String operand;
        if (op == null || op.operand() == ClassicOp.Operand.UNIMP) {
            mnemonic = "unimp";
            operand = "0x" + Integer.toHexString(insn.code());
        } else {
            mnemonic = op.mnemonic();
            operand = operand(op, insn.k(), n);
        }
        int code = insn.code();
        boolean condJump = (code & 0x07) == ClassicOp.CLASS_JMP && (code & 0xf0) != 0;
        if (condJump) {
            return String.format("(%03d) %-8s %-16s jt %d\tjf %d", n, mnemonic, operand, n + 1 + insn.jt(),
                    n + 1 + insn.jf());
        }
        return String.format("(%03d) %-8s %s", n, mnemonic, operand);
    }

    private static String operand(ClassicOp op, int k, int n) {
        switch (op.operand()) {
            case NONE: return "";
            case IMM_HEX: return "#0x" + Integer.toHexString(k);
            case IMM_DEC: return "#" + k;
            case ABS: {
                Ancillary a = Ancillary.fromK(k);
                return "[" + (a != null ? a.pcapName() : Integer.toString(k)) + "]";
            }
            case IND: return "[x + " + k + "]";
            case MEM: return "M[" + k + "]";
            case LEN: return "#pktlen";
            case MSH: return "4*([" + k + "]&0xf)";
            case X: return "x";
            case JA_TARGET: return Integer.toString(n + 1 + k);
            default: throw new AssertionError(op);
        }
    }

    /** tcpdump {@code -d}: every instruction's {@link #image}, each followed by a newline. */
    public static String listing(ClassicProgram p) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < p.size(); i++) {
            sb.append(image(p.get(i), i)).append('\n');
        }
        return sb.toString();
    }

    /** tcpdump {@code -dd}: one C initializer per line. */
    public static String cArray(ClassicProgram p) {
        StringBuilder sb = new StringBuilder();
        for (ClassicInsn insn : p.insns()) {
            sb.append(insn).append(",\n");
        }
        return sb.toString();
    }

    /** tcpdump {@code -ddd}: the count, then one line of four decimal numbers per instruction. */
    public static String decimal(ClassicProgram p) {
        StringBuilder sb = new StringBuilder().append(p.size()).append('\n');
        for (ClassicInsn insn : p.insns()) {
            sb.append(insn.code()).append(' ').append(insn.jt()).append(' ').append(insn.jf()).append(' ')
                    .append(insn.kUnsigned()).append('\n');
        }
        return sb.toString();
    }

    /** The one-line form of bpf_asm and xt_bpf: {@code count,code jt jf k,...}. */
    public static String commaSeparated(ClassicProgram p) {
        StringBuilder sb = new StringBuilder().append(p.size());
        for (ClassicInsn insn : p.insns()) {
            sb.append(',').append(insn.code()).append(' ').append(insn.jt()).append(' ').append(insn.jf())
                    .append(' ').append(insn.kUnsigned());
        }
        return sb.toString();
    }

    /**
     * Reads a program printed by {@code tcpdump -dd} or {@code -ddd}, or the comma-separated form. Blank lines
     * are ignored.
     *
     * @throws IllegalArgumentException naming the line (and column for -dd) of the first thing it cannot read
     */
    public static ClassicProgram parse(String text) {
        String trimmed = text.strip();
        if (trimmed.startsWith("{")) {
            return parseCArray(text);
        }
        String[] lines = text.split("\r?\n", -1);
        int first = 0;
        while (first < lines.length && lines[first].isBlank()) {
            first++;
        }
        if (first < lines.length && lines[first].contains(",")) {
            return parseComma(lines[first].strip(), first + 1);
        }
        return parseDecimal(lines, first);
    }

    /**
     * Reads tcpdump's {@code -d} listing back into a program: {@code parseListing(listing(p))} gives {@code p}
     * for every program whose instructions carry no field their listing hides (k of {@code tax}, {@code neg},
     * {@code ret a}, {@code x} operands and {@code #pktlen}; jt/jf of non-jumps). {@code unimp 0xNN} reads back
     * as opcode 0xNN with zero fields.
     *
     * @throws IllegalArgumentException naming the line of the first instruction it cannot read
     */
    public static ClassicProgram parseListing(String text) {
        List<ClassicInsn> insns = new ArrayList<>();
        String[] lines = text.split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            if (!lines[i].isBlank()) {
                insns.add(listingLine(lines[i], insns.size(), i + 1));
            }
        }
        return ClassicProgram.of(insns);
    }

    private static final java.util.regex.Pattern LISTING_LINE = java.util.regex.Pattern.compile(
            "\\((\\d+)\\) (\\S+)\\s*(.*?)(?:\\s+jt (\\d+)\\s+jf (\\d+))?\\s*");

    private static ClassicInsn listingLine(String line, int n, int lineNo) {
        java.util.regex.Matcher m = LISTING_LINE.matcher(line);
        if (!m.matches()) {
            throw new IllegalArgumentException("line " + lineNo + ": not a tcpdump -d line: '" + line + "'");
        }
        if (Integer.parseInt(m.group(1)) != n) {
            throw new IllegalArgumentException("line " + lineNo + ": instruction number (" + m.group(1)
                    + ") is not " + n);
        }
        String mnemonic = m.group(2);
        String operand = m.group(3);
        boolean jump = m.group(4) != null;
        int jt = jump ? Integer.parseInt(m.group(4)) - n - 1 : 0;
        int jf = jump ? Integer.parseInt(m.group(5)) - n - 1 : 0;
        if (jt < 0 || jt > 255 || jf < 0 || jf > 255) {
            throw new IllegalArgumentException("line " + lineNo + ": branch targets must lie 1 to 256 ahead");
        }
        if (mnemonic.equals("unimp")) {
            return ClassicInsn.of((int) number(operand, lineNo, 0, 0xffff), jt, jf, 0);
        }
        for (ClassicOp op : ClassicOp.values()) {
            if (!op.mnemonic().equals(mnemonic) || op.isConditionalJump() != jump) {
                continue;
            }
            Integer k = operandK(op.operand(), operand, n, lineNo);
            if (k != null) {
                return ClassicInsn.of(op.code(), jt, jf, k);
            }
        }
        throw new IllegalArgumentException("line " + lineNo + ": no instruction '" + mnemonic + "' with operand '"
                + operand + "'");
    }

    /** The k an operand text gives for this operand form, or null if the text has another form. */
    private static Integer operandK(ClassicOp.Operand form, String text, int n, int lineNo) {
        switch (form) {
            case NONE: return text.isEmpty() ? 0 : null;
            case X: return text.equals("x") ? 0 : null;
            case LEN: return text.equals("#pktlen") ? 0 : null;
            case IMM_HEX: case IMM_DEC:
                return text.startsWith("#") && !text.equals("#pktlen")
                        ? (int) number(text.substring(1), lineNo, Integer.MIN_VALUE, 0xffffffffL) : null;
            case ABS: {
                if (!text.startsWith("[") || !text.endsWith("]") || text.startsWith("[x")) {
                    return null;
                }
                String inner = text.substring(1, text.length() - 1);
                for (Ancillary a : Ancillary.values()) {
                    if (a.pcapName().equals(inner)) {
                        return a.k();
                    }
                }
                return (int) number(inner, lineNo, Integer.MIN_VALUE, 0xffffffffL);
            }
            case IND:
                return text.startsWith("[x + ") && text.endsWith("]")
                        ? (int) number(text.substring(5, text.length() - 1), lineNo, Integer.MIN_VALUE, 0xffffffffL)
                        : null;
            case MEM:
                return text.startsWith("M[") && text.endsWith("]")
                        ? (int) number(text.substring(2, text.length() - 1), lineNo, Integer.MIN_VALUE, 0xffffffffL)
                        : null;
            case MSH:
                return text.startsWith("4*([") && text.endsWith("]&0xf)")
                        ? (int) number(text.substring(4, text.length() - 6), lineNo, Integer.MIN_VALUE, 0xffffffffL)
                        : null;
            case JA_TARGET:
                return text.matches("\\d+") ? (int) (Long.parseLong(text) - n - 1) : null;
            default:
                return null;
        }
    }

    private static ClassicProgram parseDecimal(String[] lines, int first) {
        if (first >= lines.length) {
            throw new IllegalArgumentException("line 1: empty program text");
        }
        int count = (int) number(lines[first].strip(), first + 1, 0, Integer.MAX_VALUE);
        List<ClassicInsn> insns = new ArrayList<>(count);
        for (int i = first + 1; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            insns.add(fourFields(lines[i].strip().split("\\s+"), i + 1));
        }
        if (insns.size() != count) {
            throw new IllegalArgumentException("line " + (first + 1) + ": count says " + count
                    + " instructions but " + insns.size() + " follow");
        }
        return ClassicProgram.of(insns);
    }

    private static ClassicProgram parseComma(String line, int lineNo) {
        String[] parts = line.split(",");
        int count = (int) number(parts[0].strip(), lineNo, 0, Integer.MAX_VALUE);
        List<ClassicInsn> insns = new ArrayList<>();
        for (int i = 1; i < parts.length; i++) {
            if (!parts[i].isBlank()) {
                insns.add(fourFields(parts[i].strip().split("\\s+"), lineNo));
            }
        }
        if (insns.size() != count) {
            throw new IllegalArgumentException("line " + lineNo + ": count says " + count + " instructions but "
                    + insns.size() + " follow");
        }
        return ClassicProgram.of(insns);
    }

    private static ClassicProgram parseCArray(String text) {
        String[] lines = text.split("\r?\n", -1);
        List<ClassicInsn> insns = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String s = lines[i].strip();
            if (s.isEmpty()) {
                continue;
            }
            int open = s.indexOf('{');
            int close = s.indexOf('}');
            if (open != 0 || close < 0) {
                throw new IllegalArgumentException("line " + (i + 1) + ", column " + (lines[i].indexOf(s) + 1)
                        + ": expected '{ code, jt, jf, k },' but found '" + s + "'");
            }
            String rest = s.substring(close + 1).strip();
            if (!rest.isEmpty() && !rest.equals(",")) {
                throw new IllegalArgumentException("line " + (i + 1) + ": unexpected text after '}': '" + rest + "'");
            }
            insns.add(fourFields(s.substring(1, close).split(","), i + 1));
        }
        return ClassicProgram.of(insns);
    }

    private static ClassicInsn fourFields(String[] f, int lineNo) {
        if (f.length != 4) {
            throw new IllegalArgumentException("line " + lineNo + ": expected 4 fields (code jt jf k) but found "
                    + f.length);
        }
        int code = (int) number(f[0].strip(), lineNo, 0, 0xffff);
        int jt = (int) number(f[1].strip(), lineNo, 0, 255);
        int jf = (int) number(f[2].strip(), lineNo, 0, 255);
        long k = number(f[3].strip(), lineNo, Integer.MIN_VALUE, 0xffffffffL);
        return ClassicInsn.of(code, jt, jf, (int) k);
    }

    private static long number(String s, int lineNo, long min, long max) {
        long v;
        try {
            if (s.startsWith("0x") || s.startsWith("0X")) {
                v = Long.parseLong(s.substring(2), 16);
            } else {
                v = Long.parseLong(s);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("line " + lineNo + ": '" + s + "' is not a number");
        }
        if (v < min || v > max) {
            throw new IllegalArgumentException("line " + lineNo + ": " + s + " is out of range " + min + ".." + max);
        }
        return v;
    }
}
