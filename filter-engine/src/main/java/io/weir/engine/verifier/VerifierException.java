package io.weir.engine.verifier;

/**
 * The verifier rejected a program. {@link #getMessage()} is the short form: the reason, naming the instruction
 * by its slot index and disassembly ({@code insn 7: r2 = *(u32 *)(r1 + 80): invalid access to packet, off=80
 * size=4, R1 range=[0,54)}), one line of context (the state before that instruction) and how many log lines
 * were left out; {@link #log()} is the whole trace.
 */
public final class VerifierException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int slot;
    private final String reason;
    private final String log;

    VerifierException(int slot, String headline, String reason, String context, long omitted, String log) {
        super(headline + (context == null ? "" : "\n  " + context) + "\n  (" + omitted + " lines omitted)");
        this.slot = slot;
        this.reason = reason;
        this.log = log;
    }

    /** The slot index of the rejected instruction, or -1 when the problem is the whole program. */
    public int slot() {
        return slot;
    }

    /** The reason alone, without location. */
    public String reason() {
        return reason;
    }

    /** The first line of the message: location and reason. */
    public String headline() {
        String m = getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** The full log, ending with the error line. */
    public String log() {
        return log;
    }
}
