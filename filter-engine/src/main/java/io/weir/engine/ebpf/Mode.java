package io.weir.engine.ebpf;

/** The addressing mode of a load or store: the top three bits of the opcode (RFC 9669 section 5.1). */
public enum Mode {
    /** 64-bit immediate ({@code lddw}, RFC 9669 section 5.4). */
    IMM(0x00),
    /** Legacy packet load at an absolute offset (RFC 9669 section 5.5). */
    ABS(0x20),
    /** Legacy packet load at a register plus offset (RFC 9669 section 5.5). */
    IND(0x40),
    /** Regular load or store (RFC 9669 section 5.2). */
    MEM(0x60),
    /** Sign-extending load (RFC 9669 section 5.2). */
    MEMSX(0x80),
    /** Atomic read-modify-write (RFC 9669 section 5.3). */
    ATOMIC(0xc0);

    private static final Mode[] BY_CODE = new Mode[8];

    static {
        for (Mode m : values()) {
            BY_CODE[m.code >> 5] = m;
        }
    }

    private final int code;

    Mode(int code) {
        this.code = code;
    }

    /** The mode bits as they sit in the opcode. */
    public int code() {
        return code;
    }

    /** The mode of an opcode byte, or null for the unassigned codes 0xa0 and 0xe0. */
    public static Mode fromCode(int opcode) {
        return BY_CODE[(opcode >> 5) & 0x07];
    }
}
