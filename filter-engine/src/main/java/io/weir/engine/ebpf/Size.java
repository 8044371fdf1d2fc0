package io.weir.engine.ebpf;

/** The access size of a load or store: bits 3-4 of the opcode (RFC 9669 section 5.1). */
public enum Size {
    W(0x00, 4, "w", "u32"),
    H(0x08, 2, "h", "u16"),
    B(0x10, 1, "b", "u8"),
    DW(0x18, 8, "dw", "u64");

    private static final Size[] BY_CODE = {W, H, B, DW};
    private final int code;
    private final int bytes;
    private final String suffix;
    private final String cType;

    Size(int code, int bytes, String suffix, String cType) {
        this.code = code;
        this.bytes = bytes;
        this.suffix = suffix;
        this.cType = cType;
    }

    /** The size bits as they sit in the opcode. */
    public int code() {
        return code;
    }

    /** The access width in bytes. */
    public int bytes() {
        return bytes;
    }

    /** The ubpf mnemonic suffix ({@code ldx} + {@code h}). */
    public String suffix() {
        return suffix;
    }

    /** The unsigned C type of the kernel-style disassembly ({@code u16}). */
    public String cType() {
        return cType;
    }

    /** The size of an opcode byte. */
    public static Size fromCode(int opcode) {
        return BY_CODE[(opcode >> 3) & 0x03];
    }
}
