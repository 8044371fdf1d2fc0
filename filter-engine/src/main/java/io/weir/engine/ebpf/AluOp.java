package io.weir.engine.ebpf;

/**
 * The arithmetic operation: the high four bits of an {@link OpClass#ALU} or {@link OpClass#ALU64} opcode
 * (RFC 9669 section 4.1). Signed division and modulo share {@code DIV}/{@code MOD} with offset 1; sign-extending
 * moves share {@code MOV} with offset 8, 16 or 32; the byte swaps are {@code END} (RFC 9669 section 4.2).
 */
public enum AluOp {
    ADD(0x00, "add", "+="),
    SUB(0x10, "sub", "-="),
    MUL(0x20, "mul", "*="),
    DIV(0x30, "div", "/="),
    OR(0x40, "or", "|="),
    AND(0x50, "and", "&="),
    LSH(0x60, "lsh", "<<="),
    RSH(0x70, "rsh", ">>="),
    NEG(0x80, "neg", null),
    MOD(0x90, "mod", "%="),
    XOR(0xa0, "xor", "^="),
    MOV(0xb0, "mov", "="),
    ARSH(0xc0, "arsh", "s>>="),
    END(0xd0, "end", null);

    private static final AluOp[] BY_CODE = new AluOp[16];

    static {
        for (AluOp op : values()) {
            BY_CODE[op.code >> 4] = op;
        }
    }

    private final int code;
    private final String mnemonic;
    private final String operator;

    AluOp(int code, String mnemonic, String operator) {
        this.code = code;
        this.mnemonic = mnemonic;
        this.operator = operator;
    }

    /** The operation bits as they sit in the opcode (0x00, 0x10, ... 0xd0). */
    public int code() {
        return code;
    }

    /** The ubpf-style mnemonic ({@code add}, {@code lsh}, ...). */
    public String mnemonic() {
        return mnemonic;
    }

    /** The compound operator of the kernel-style disassembly ({@code +=}), or null for NEG and END. */
    public String operator() {
        return operator;
    }

    /** The operation of an opcode byte, or null for the two unassigned codes 0xe0 and 0xf0. */
    public static AluOp fromCode(int opcode) {
        return BY_CODE[(opcode >> 4) & 0x0f];
    }
}
