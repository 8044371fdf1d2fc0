package io.weir.engine.cbpf;

/**
 * A classic program the validator rejects. The message names the instruction index and shows the instruction as
 * tcpdump's {@code -d} would: {@code insn 3: div #0: division by constant zero}.
 */
public final class ClassicValidationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int index;

    /** A rejection of instruction {@code index} ({@code -1} for the program as a whole). */
    public ClassicValidationException(int index, String message) {
        super(message);
        this.index = index;
    }

    /** The index of the offending instruction, or {@code -1} when the fault is the program's (empty, too long). */
    public int index() {
        return index;
    }
}
