package io.weir.engine.ebpf;

/**
 * An error in eBPF assembly text, with its line: {@code line 4: Invalid register: %r12}. The reason texts follow
 * the conformance suite's assembler ({@code Invalid mnemonic: foo}, {@code Invalid label: L9}).
 */
public final class AsmException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final int line;
    private final String reason;
    private final String source;

    /**
     * @param line   the 1-based line number
     * @param reason what is wrong
     * @param source the text of that line
     */
    public AsmException(int line, String reason, String source) {
        super("line " + line + ": " + reason + (source == null ? "" : "\n  " + source.strip()));
        this.line = line;
        this.reason = reason;
        this.source = source;
    }

    /** The 1-based line number. */
    public int line() {
        return line;
    }

    /** What is wrong, without the location. */
    public String reason() {
        return reason;
    }

    /** The offending line's text. */
    public String source() {
        return source;
    }
}
