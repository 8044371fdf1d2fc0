package io.weir.engine.ebpf;

/**
 * The operation of an atomic instruction, held in its immediate (RFC 9669 section 5.3). ADD, OR, AND and XOR
 * exist with and without {@link #FETCH}; XCHG and CMPXCHG always fetch.
 */
public enum AtomicOp {
    ADD(0x00, "add", "+="),
    OR(0x40, "or", "|="),
    AND(0x50, "and", "&="),
    XOR(0xa0, "xor", "^="),
    XCHG(0xe0 | 0x01, "xchg", null),
    CMPXCHG(0xf0 | 0x01, "cmpxchg", null);

    /** The flag bit that makes ADD, OR, AND and XOR return the old value in the source register. */
    public static final int FETCH = 0x01;

    private final int code;
    private final String mnemonic;
    private final String operator;

    AtomicOp(int code, String mnemonic, String operator) {
        this.code = code;
        this.mnemonic = mnemonic;
        this.operator = operator;
    }

    /** The immediate of this operation (for ADD..XOR, without the {@link #FETCH} bit). */
    public int code() {
        return code;
    }

    /** The ubpf mnemonic after {@code lock} ({@code add}, {@code cmpxchg}). */
    public String mnemonic() {
        return mnemonic;
    }

    /** The compound operator of the kernel-style disassembly, or null for XCHG and CMPXCHG. */
    public String operator() {
        return operator;
    }

    /** Whether this operation always returns the old value (XCHG, CMPXCHG). */
    public boolean alwaysFetches() {
        return operator == null;
    }

    /** The operation of an atomic immediate (with or without FETCH), or null when the immediate is invalid. */
    public static AtomicOp fromCode(int imm) {
        for (AtomicOp op : values()) {
            if (op.alwaysFetches() ? imm == op.code : (imm & ~FETCH) == op.code) {
                return op;
            }
        }
        return null;
    }
}
