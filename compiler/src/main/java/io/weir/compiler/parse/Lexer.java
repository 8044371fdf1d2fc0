package io.weir.compiler.parse;

import io.weir.compiler.FilterSyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Splits a filter expression into tokens the way libpcap's scanner does.
 *
 * <p>A word is {@code [A-Za-z0-9_]} followed by {@code [-_.A-Za-z0-9]*} ending in a letter, digit or dot, so
 * {@code tcp-syn} and {@code 10-20} are single words (and {@code len-14} is one unknown word, as in libpcap).
 * Colons join a word only when the result is a MAC or IPv6 address, so {@code ip[0:2]} still splits.
 */
public final class Lexer {
    private static final Pattern NUM = Pattern.compile("0[xX][0-9a-fA-F]+|[0-9]+");
    private static final Pattern HID = Pattern.compile("[0-9]+(\\.[0-9]+){1,3}");
    private static final String B = "[0-9a-fA-F]{1,2}";
    private static final Pattern EID = Pattern.compile(
            B + "(:" + B + "){5}|" + B + "(-" + B + "){5}|" + B + "(\\." + B + "){5}"
                    + "|[0-9a-fA-F]{4}\\.[0-9a-fA-F]{4}\\.[0-9a-fA-F]{4}|[0-9a-fA-F]{12}");
    private static final Pattern HID6 = Pattern.compile("[0-9a-fA-F:]*:[0-9a-fA-F:.]*");

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
        if ("()[]:+-*/%&|^!=<>".indexOf(c) >= 0) {
            pos++;
            return new Token(Token.Kind.OP, String.valueOf(c), new Span(start, pos), 0);
        }
        throw new FilterSyntaxException("illegal character '" + c + "'", src, start, start + 1);
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
                if (EID.matcher(cand).matches()) {
                    pos = e;
                    return new Token(Token.Kind.EID, cand, new Span(start, e), 0);
                }
                if (HID6.matcher(cand).matches() && Addresses.parseIpv6(cand) != null) {
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
        if (NUM.matcher(w).matches()) {
            return new Token(Token.Kind.NUM, w, span, parseNumber(w, span));
        }
        if (EID.matcher(w).matches() && !w.chars().allMatch(Character::isDigit)) {
            return new Token(Token.Kind.EID, w, span, 0);
        }
        if (HID.matcher(w).matches()) {
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
                if (!w.chars().allMatch(ch -> ch >= '0' && ch <= '7')) {
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
}
