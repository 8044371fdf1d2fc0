package io.weir.engine.ebpf;

/**
 * A program stopped at run time: a memory access outside its regions, an unknown helper, calls nested too deep,
 * the instruction budget spent, the end of the program reached without {@code exit}. The message names the
 * instruction's slot index and its kernel-style disassembly:
 * {@code insn 5 (r0 = *(u32 *)(r1 + 60)): out-of-bounds read of 4 bytes at packet+60 in packet of length 60}.
 */
public final class EbpfRuntimeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int index;
    private final String insn;
    private final String reason;

    /**
     * @param index  the slot index of the instruction
     * @param insn   its disassembly
     * @param reason what went wrong
     */
    public EbpfRuntimeException(int index, String insn, String reason) {
        super("insn " + index + " (" + insn + "): " + reason);
        this.index = index;
        this.insn = insn;
        this.reason = reason;
    }

    /** The slot index of the failing instruction. */
    public int index() {
        return index;
    }

    /** The failing instruction, kernel style. */
    public String insn() {
        return insn;
    }

    /** What went wrong, without the location. */
    public String reason() {
        return reason;
    }
}
