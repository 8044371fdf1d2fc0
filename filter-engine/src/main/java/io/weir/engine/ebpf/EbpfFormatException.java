package io.weir.engine.ebpf;

/**
 * An instruction that is not valid eBPF: unknown opcode, bad register, non-zero unused field, truncated
 * {@code lddw}. The message names the instruction (its slot index, when known) and its opcode:
 * {@code insn 3 (opcode 0x8c): unknown opcode}.
 */
public final class EbpfFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final int index;
    private final int opcode;
    private final String reason;

    /**
     * @param index  the slot index of the instruction, or -1 when unknown
     * @param opcode the opcode byte
     * @param reason what is wrong, without the location
     */
    public EbpfFormatException(int index, int opcode, String reason) {
        super((index >= 0 ? "insn " + index + " " : "") + String.format("(opcode 0x%02x): ", opcode & 0xff)
                + reason);
        this.index = index;
        this.opcode = opcode & 0xff;
        this.reason = reason;
    }

    /** The slot index of the instruction, or -1 when unknown. */
    public int index() {
        return index;
    }

    /** The opcode byte. */
    public int opcode() {
        return opcode;
    }

    /** What is wrong, without the location. */
    public String reason() {
        return reason;
    }

    /** The same error located at slot {@code index}. */
    public EbpfFormatException at(int newIndex) {
        return new EbpfFormatException(newIndex, opcode, reason);
    }
}
