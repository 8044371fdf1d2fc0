package io.weir.engine.ebpf;

/**
 * The instruction class: the low three bits of an eBPF opcode (RFC 9669 section 3.3).
 */
public enum OpClass {
    /** Non-standard load operations: {@code lddw} and the legacy packet loads (RFC 9669 section 5). */
    LD(0x00),
    /** Load into register (RFC 9669 section 5). */
    LDX(0x01),
    /** Store from immediate (RFC 9669 section 5). */
    ST(0x02),
    /** Store from register, and atomics (RFC 9669 section 5). */
    STX(0x03),
    /** 32-bit arithmetic (RFC 9669 section 4.1). */
    ALU(0x04),
    /** 64-bit jumps, calls and exit (RFC 9669 section 4.3). */
    JMP(0x05),
    /** 32-bit jumps (RFC 9669 section 4.3). */
    JMP32(0x06),
    /** 64-bit arithmetic (RFC 9669 section 4.1). */
    ALU64(0x07);

    private static final OpClass[] BY_CODE = values();
    private final int code;

    OpClass(int code) {
        this.code = code;
    }

    /** The class bits, 0 to 7. */
    public int code() {
        return code;
    }

    /** The class of an opcode byte (only its low three bits are read). */
    public static OpClass fromCode(int opcode) {
        return BY_CODE[opcode & 0x07];
    }

    /** Whether this is one of the arithmetic classes. */
    public boolean isAlu() {
        return this == ALU || this == ALU64;
    }

    /** Whether this is one of the jump classes. */
    public boolean isJump() {
        return this == JMP || this == JMP32;
    }

    /** Whether this class loads or stores memory. */
    public boolean isLoadStore() {
        return code <= 0x03;
    }
}
