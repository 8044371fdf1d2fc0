package io.weir.compiler.parse;

/**
 * One lexical token of a filter expression.
 *
 * @param kind  what the token is
 * @param text  its source text (for {@link Kind#ID} after a backslash, without the backslash)
 * @param span  where it is
 * @param num   the value of a {@link Kind#NUM}
 */
public record Token(Kind kind, String text, Span span, long num) {

    /** Token kinds, following libpcap's scanner. */
    public enum Kind {
        /** A word: a keyword or a name ({@code tcp}, {@code http}, {@code tcp-syn}, {@code 10-20}). */
        ID,
        /** A word escaped with a backslash: never a keyword ({@code \ip}). */
        ESCAPED_ID,
        /** A number: decimal, {@code 0x} hex or leading-zero octal. */
        NUM,
        /** A dotted IPv4 address, possibly short ({@code 10.1}). */
        HID,
        /** An IPv6 address. */
        HID6,
        /** A MAC address ({@code 1:2:3:4:5:6}, {@code 01-02-..}, {@code 0102.0304.0506}, {@code 010203040506}). */
        EID,
        /** Punctuation or an operator: {@code ( ) [ ] : + - * / % & | ^ << >> ! && || = == != < <= > >=}. */
        OP,
        /** A set file: {@code @PATH} (text: the path, without the {@code @}); see {@link Ast.SetPrim}. */
        SETFILE,
        /** The end of the expression. */
        EOF
    }

    /** Whether this is the operator or word {@code s}. */
    public boolean is(String s) {
        return (kind == Kind.OP || kind == Kind.ID) && text.equals(s);
    }
}
