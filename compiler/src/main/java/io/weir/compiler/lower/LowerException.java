package io.weir.compiler.lower;

/**
 * A semantic error found while lowering, before its location is known; the lowering attaches the span of the
 * primitive being lowered and turns it into a {@link io.weir.compiler.FilterSyntaxException}.
 */
public final class LowerException extends Exception {
    private static final long serialVersionUID = 1L;

    /** An error with libpcap's wording. */
    public LowerException(String message) {
        super(message);
    }
}
