package io.weir.compiler;

/**
 * A filter expression that Weir (like libpcap) refuses, with the span of the offending token.
 *
 * <p>{@link #getMessage()} is the bare reason in tcpdump's words; {@link #render()} adds the expression and a
 * caret line under the span, as a compiler would:
 * <pre>
 * weir: error: 'port' is not a valid qualifier for 'ether'
 *   ether port 80
 *         ^~~~
 * </pre>
 */
public final class FilterSyntaxException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String expression;
    private final int start;
    private final int end;

    /** An error over {@code [start, end)} of {@code expression} (0-based character indexes). */
    public FilterSyntaxException(String message, String expression, int start, int end) {
        super(message);
        this.expression = expression;
        this.start = Math.max(0, Math.min(start, expression.length()));
        this.end = Math.max(this.start, Math.min(end, expression.length()));
    }

    /** The whole expression that failed. */
    public String expression() {
        return expression;
    }

    /** 1-based column of the first offending character (one past the end for "unexpected end"). */
    public int column() {
        return start + 1;
    }

    /** 0-based start index of the offending span. */
    public int start() {
        return start;
    }

    /** 0-based end index (exclusive) of the offending span. */
    public int end() {
        return end;
    }

    /** Three lines: {@code weir: error: <message>}, the expression, and a caret under the offending span. */
    public String render() {
        StringBuilder caret = new StringBuilder();
        for (int i = 0; i < start; i++) {
            caret.append(expression.charAt(i) == '\t' ? '\t' : ' ');
        }
        caret.append('^');
        for (int i = start + 1; i < end; i++) {
            caret.append('~');
        }
        return "weir: error: " + getMessage() + " (column " + column() + ")\n  " + expression + "\n  " + caret;
    }
}
