package io.weir.compiler.parse;

import io.weir.compiler.FilterSyntaxException;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a filter expression into tokens the way libpcap's scanner does.
 *
 * <p>A word is {@code [A-Za-z0-9_]} followed by {@code [-_.A-Za-z0-9]*} ending in a letter, digit or dot, so
 * {@code tcp-syn} and {@code 10-20} are single words (and {@code len-14} is one unknown word, as in libpcap).
 * Colons join a word only when the result is a MAC or IPv6 address, so {@code ip[0:2]} still splits.
 */
public final class Lexer {
    // The word classes are matched by hand, not with java.util.regex: compiling the patterns was a large part
    // of the first compile in a fresh JVM (the CLI's -d path).

    private final String src;
    private int pos;

    private Lexer(String src) {
        this.src = src;
    }

    /** All tokens of {@code expr}, ending with one {@link Token.Kind#EOF}. */
    public static List<Token> tokenize(String expr) throws FilterSyntaxException {
        Lexer lx = new Lexer(expr);
        List<Token> out = new ArrayList<>();
        Token t;
        do {
            t = lx.next();
            out.add(t);
        } while (t.kind() != Token.Kind.EOF);
        return out;
    }

    private Token next() throws FilterSyntaxException {
        while (pos < src.length() && Character.isWhitespace(src.charAt(pos))) {
            pos++;
        }
        int start = pos;
        if (pos >= src.length()) {
            return new Token(Token.Kind.EOF, "", new Span(start, start), 0);
        }
        char c = src.charAt(pos);
        if (c == '\\' && pos + 1 < src.length() && isWordStart(src.charAt(pos + 1))) {
            pos++;
            String w = word();
            return new Token(Token.Kind.ESCAPED_ID, w, new Span(start, pos), 0);
        }
        if (c == '@') {
            return setFile(start);
        }
        if (isWordStart(c) || (c == ':' && pos + 1 < src.length() && src.charAt(pos + 1) == ':')) {
            return wordToken(start);
        }
        String[] two = {"<<", ">>", "&&", "||", "==", "!=", "<=", ">="};
        for (String op : two) {
            if (src.startsWith(op, pos)) {
                pos += 2;
                return new Token(Token.Kind.OP, op, new Span(start, pos), 0);
            }
        }
        if ("()[]:+-*/%&|^!=<>{},".indexOf(c) >= 0) {
            pos++;
            return new Token(Token.Kind.OP, String.valueOf(c), new Span(start, pos), 0);
        }
        throw new FilterSyntaxException("illegal character '" + c + "'", src, start, start + 1);
    }

    /** {@code @PATH} of a set ({@code host in @FILE}): the path runs to a blank or a parenthesis. */
    private Token setFile(int start) throws FilterSyntaxException {
        pos++;
        while (pos < src.length() && !Character.isWhitespace(src.charAt(pos)) && "()".indexOf(src.charAt(pos)) < 0) {
            pos++;
        }
        if (pos == start + 1) {
            throw new FilterSyntaxException("'@' needs a file name", src, start, start + 1);
        }
        return new Token(Token.Kind.SETFILE, src.substring(start + 1, pos), new Span(start, pos), 0);
    }

    private static boolean isWordStart(char c) {
        return c < 128 && (Character.isLetterOrDigit(c) || c == '_');
    }

    private static boolean isWordChar(char c) {
        return isWordStart(c) || c == '-' || c == '.';
    }

    /** A word without colons, backing off trailing '-' (libpcap's words end in a letter, digit or dot). */
    private String word() {
        int start = pos;
        while (pos < src.length() && isWordChar(src.charAt(pos))) {
            pos++;
        }
        while (pos > start + 1 && src.charAt(pos - 1) == '-') {
            pos--;
        }
        return src.substring(start, pos);
    }

    private Token wordToken(int start) throws FilterSyntaxException {
        // Try the longest run including colons first: it is kept only if it is a MAC or IPv6 address.
        int end = start;
        while (end < src.length() && (isWordChar(src.charAt(end)) || src.charAt(end) == ':')) {
            end++;
        }
        String longRun = src.substring(start, end);
        if (longRun.indexOf(':') >= 0) {
            // Back off to the longest prefix that is an address.
            for (int e = end; e > start; e--) {
                String cand = src.substring(start, e);
                if (cand.indexOf(':') < 0) {
                    break;
                }
                if (isEid(cand)) {
                    pos = e;
                    return new Token(Token.Kind.EID, cand, new Span(start, e), 0);
                }
                if (isHid6(cand) && Addresses.parseIpv6(cand) != null) {
                    pos = e;
                    return new Token(Token.Kind.HID6, cand, new Span(start, e), 0);
                }
            }
        }
        if (src.charAt(start) == ':') {
            throw new FilterSyntaxException("syntax error", src, start, start + 1);
        }
        pos = start;
        String w = word();
        Span span = new Span(start, pos);
        if (isNum(w) && !(w.length() == 12 && run(w, 0, HEX) == 12)) {
            return new Token(Token.Kind.NUM, w, span, parseNumber(w, span));
        }
        if (isEid(w) && !allDigits(w) || w.length() == 12 && run(w, 0, HEX) == 12) {
            // Twelve hex digits are a MAC address to libpcap's scanner even when all are decimal digits.
            return new Token(Token.Kind.EID, w, span, 0);
        }
        if (isHid(w)) {
            return new Token(Token.Kind.HID, w, span, 0);
        }
        // "length" is libpcap's synonym of "len".
        return new Token(Token.Kind.ID, w.equals("length") ? "len" : w, span, 0);
    }

    private long parseNumber(String w, Span span) throws FilterSyntaxException {
        try {
            long v;
            if (w.startsWith("0x") || w.startsWith("0X")) {
                v = Long.parseLong(w.substring(2), 16);
            } else if (w.length() > 1 && w.charAt(0) == '0') {
                if (!allOctal(w)) {
                    throw new FilterSyntaxException("number " + w + " contains non-octal digit", src,
                            span.start(), span.end());
                }
                v = Long.parseLong(w, 8);
            } else {
                v = Long.parseLong(w);
            }
            if (v > 0xFFFFFFFFL) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new FilterSyntaxException("number " + w + " overflows 32 bits", src, span.start(), span.end());
        }
    }

    /** Whether {@code s} is non-empty and all ASCII decimal digits. */
    public static boolean allDigits(String s) {
        return !s.isEmpty() && run(s, 0, DEC) == s.length();
    }

    private static boolean allOctal(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '7') {
                return false;
            }
        }
        return true;
    }

    private static final int DEC = 10;
    private static final int HEX = 16;

    private static boolean isDigit(char c, int radix) {
        return (c >= '0' && c <= '9') || (radix == HEX && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')));
    }

    /** The end of the run of {@code radix} digits starting at {@code i}. */
    private static int run(String s, int i, int radix) {
        while (i < s.length() && isDigit(s.charAt(i), radix)) {
            i++;
        }
        return i;
    }

    /** {@code 0[xX][0-9a-fA-F]+|[0-9]+}. */
    static boolean isNum(String s) {
        if (s.length() > 2 && s.charAt(0) == '0' && (s.charAt(1) == 'x' || s.charAt(1) == 'X')) {
            return run(s, 2, HEX) == s.length();
        }
        return allDigits(s);
    }

    /** {@code [0-9]+(\.[0-9]+){1,3}}: two to four dotted decimal parts. */
    static boolean isHid(String s) {
        int parts = 0;
        int i = 0;
        while (true) {
            int e = run(s, i, DEC);
            if (e == i) {
                return false;
            }
            parts++;
            if (e == s.length()) {
                return parts >= 2 && parts <= 4;
            }
            if (s.charAt(e) != '.') {
                return false;
            }
            i = e + 1;
        }
    }

    /**
     * A MAC address: six groups of one or two hex digits joined by one of {@code : - .}, three groups of four
     * joined by dots, or twelve hex digits.
     */
    static boolean isEid(String s) {
        if (s.length() == 12 && run(s, 0, HEX) == 12) {
            return true;
        }
        if (s.length() == 14 && s.charAt(4) == '.' && s.charAt(9) == '.' && run(s, 0, HEX) == 4
                && run(s, 5, HEX) == 9 && run(s, 10, HEX) == 14) {
            return true;
        }
        char sep = 0;
        int i = 0;
        for (int g = 0; g < 6; g++) {
            if (g > 0) {
                if (i >= s.length()) {
                    return false;
                }
                char c = s.charAt(i);
                if (g == 1 && (c == ':' || c == '-' || c == '.')) {
                    sep = c;
                } else if (c != sep) {
                    return false;
                }
                i++;
            }
            int e = run(s, i, HEX);
            if (e == i || e - i > 2) {
                return false;
            }
            i = e;
        }
        return i == s.length();
    }

    /** {@code [0-9a-fA-F:]*:[0-9a-fA-F:.]*}: a colon before any dot, and only hex digits, colons and dots. */
    static boolean isHid6(String s) {
        boolean colon = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ':') {
                colon = true;
            } else if (c == '.') {
                if (!colon) {
                    return false;
                }
            } else if (!isDigit(c, HEX)) {
                return false;
            }
        }
        return colon;
    }
}
