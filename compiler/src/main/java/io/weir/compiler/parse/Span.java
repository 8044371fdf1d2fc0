package io.weir.compiler.parse;

/** A half-open range {@code [start, end)} of character indexes in the filter expression. */
public record Span(int start, int end) {
    /** The smallest span covering both. */
    public Span to(Span other) {
        return new Span(Math.min(start, other.start), Math.max(end, other.end));
    }
}
