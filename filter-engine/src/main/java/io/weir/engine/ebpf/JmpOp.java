package io.weir.engine.ebpf;

/**
 * The jump operation: the high four bits of a {@link OpClass#JMP} or {@link OpClass#JMP32} opcode (RFC 9669
 * section 4.3). {@code CALL} and {@code EXIT} exist only in the JMP class; in JMP32, {@code JA} is the
 * {@code ja32} (gotol) form with a 32-bit offset in the immediate.
 */
public enum JmpOp {
    JA(0x00, "ja", null, false),
    JEQ(0x10, "jeq", "==", false),
    JGT(0x20, "jgt", ">", false),
    JGE(0x30, "jge", ">=", false),
    JSET(0x40, "jset", "&", false),
    JNE(0x50, "jne", "!=", false),
    JSGT(0x60, "jsgt", "s>", true),
    JSGE(0x70, "jsge", "s>=", true),
    CALL(0x80, "call", null, false),
    EXIT(0x90, "exit", null, false),
    JLT(0xa0, "jlt", "<", false),
    JLE(0xb0, "jle", "<=", false),
    JSLT(0xc0, "jslt", "s<", true),
    JSLE(0xd0, "jsle", "s<=", true);

    private static final JmpOp[] BY_CODE = new JmpOp[16];

    static {
        for (JmpOp op : values()) {
            BY_CODE[op.code >> 4] = op;
        }
    }

    private final int code;
    private final String mnemonic;
    private final String operator;
    private final boolean signed;

    JmpOp(int code, String mnemonic, String operator, boolean signed) {
        this.code = code;
        this.mnemonic = mnemonic;
        this.operator = operator;
        this.signed = signed;
    }

    /** The operation bits as they sit in the opcode (0x00, 0x10, ... 0xd0). */
    public int code() {
        return code;
    }

    /** The ubpf-style mnemonic ({@code jeq}, {@code jsgt}, ...). */
    public String mnemonic() {
        return mnemonic;
    }

    /** The comparison operator of the kernel-style disassembly, or null for JA, CALL and EXIT. */
    public String operator() {
        return operator;
    }

    /** Whether this is a conditional jump (compares dst with src or imm). */
    public boolean isConditional() {
        return operator != null;
    }

    /** Whether the comparison is signed. */
    public boolean isSigned() {
        return signed;
    }

    /** The operation of an opcode byte, or null for the unassigned codes 0xe0 and 0xf0. */
    public static JmpOp fromCode(int opcode) {
        return BY_CODE[(opcode >> 4) & 0x0f];
    }
}
