package io.weir.engine.ebpf;

/**
 * The eleven eBPF registers (RFC 9669 section 2.5), as plain ints so generated code and the interpreter's
 * pre-decoded arrays stay primitive. R0 holds return values, R1-R5 arguments (clobbered by calls), R6-R9 are
 * callee-saved, R10 is the read-only frame pointer.
 */
public final class Reg {
    public static final int R0 = 0;
    public static final int R1 = 1;
    public static final int R2 = 2;
    public static final int R3 = 3;
    public static final int R4 = 4;
    public static final int R5 = 5;
    public static final int R6 = 6;
    public static final int R7 = 7;
    public static final int R8 = 8;
    public static final int R9 = 9;
    /** The frame pointer: read-only, the top of the current 512-byte stack frame. */
    public static final int R10 = 10;
    /** Alias of {@link #R10}. */
    public static final int FP = R10;
    /** The number of registers. */
    public static final int COUNT = 11;

    private Reg() {}

    /** Whether {@code r} names a register (0..10). */
    public static boolean isValid(int r) {
        return r >= 0 && r < COUNT;
    }

    /** The kernel-style name, {@code r3}, or {@code w3} for a 32-bit view. */
    public static String name(int r, boolean wide) {
        return (wide ? "r" : "w") + r;
    }
}
