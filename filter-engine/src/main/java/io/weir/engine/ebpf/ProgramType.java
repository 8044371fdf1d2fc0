package io.weir.engine.ebpf;

/**
 * What a program runs on, which decides its context (r1), its helpers and who guarantees its safety.
 *
 * <ul>
 *   <li>{@link #RAW}: the conformance suite's programs. r1 points at a plain memory region, r2 holds its length;
 *       the helper table is the suite's (helper 5 returns r1). These programs do pointer arithmetic and
 *       data-dependent loops and are not verifiable in the kernel's sense: every memory access is checked at run
 *       time (by the interpreter and by the JIT), and an instruction budget stops endless loops.</li>
 *   <li>{@link #SOCKET}: a socket filter. r1 points at a {@code __sk_buff}-like context (see the package
 *       documentation); the legacy {@code ldabs}/{@code ldind} loads read the packet. Returns the number of bytes
 *       to keep, 0 to drop.</li>
 *   <li>{@link #XDP}: r1 points at an {@code xdp_md}-like context ({@code data} at 0, {@code data_end} at 4,
 *       {@code data_meta} at 8). Returns an XDP action.</li>
 * </ul>
 * Packet programs (SOCKET, XDP) run only after the verifier accepts them; the run-time checks stay as a safety
 * net but are not what makes them safe.
 */
public enum ProgramType {
    RAW("raw"),
    SOCKET("socket"),
    XDP("xdp");

    private final String label;

    ProgramType(String label) {
        this.label = label;
    }

    /** The lower-case name used on the command line. */
    public String label() {
        return label;
    }

    /** Whether this type runs on a packet (SOCKET, XDP). */
    public boolean isPacketProgram() {
        return this != RAW;
    }

    /** The type named {@code name} (case-insensitive). */
    public static ProgramType fromLabel(String name) {
        for (ProgramType t : values()) {
            if (t.label.equalsIgnoreCase(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown program type '" + name + "' (raw, socket, xdp)");
    }
}
