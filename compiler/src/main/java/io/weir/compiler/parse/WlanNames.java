package io.weir.compiler.parse;

import io.weir.compiler.FilterSyntaxException;
import java.util.List;
import java.util.Map;

/**
 * The 802.11 frame-control primitives' operands, with libpcap's names and errors: {@code type T},
 * {@code type T subtype S}, {@code subtype S} (the first frame type that names S) and {@code dir D}. Each
 * becomes an {@link Ast.Other}: {@code "wlan type"} with the mask and value of frame control byte 0 packed as
 * {@code mask << 8 | value}, or {@code "wlan dir"} with the DS value.
 */
final class WlanNames {
    private static final int TYPE_MASK = 0x0c;
    private static final int SUBTYPE_MASK = 0xf0;

    /** Frame types, in libpcap's search order for a bare {@code subtype}. */
    private static final List<String> TYPES = List.of("mgt", "ctl", "data");
    private static final Map<String, Integer> TYPE_VALUES = Map.of("mgt", 0x00, "ctl", 0x04, "data", 0x08);
    private static final Map<String, Map<String, Integer>> SUBTYPES = Map.of(
            "mgt", Map.ofEntries(Map.entry("assoc-req", 0x00), Map.entry("assoc-resp", 0x10),
                    Map.entry("reassoc-req", 0x20), Map.entry("reassoc-resp", 0x30), Map.entry("probe-req", 0x40),
                    Map.entry("probe-resp", 0x50), Map.entry("beacon", 0x80), Map.entry("atim", 0x90),
                    Map.entry("disassoc", 0xa0), Map.entry("auth", 0xb0), Map.entry("deauth", 0xc0)),
            "ctl", Map.of("ps-poll", 0xa0, "rts", 0xb0, "cts", 0xc0, "ack", 0xd0, "cf-end", 0xe0,
                    "cf-end-ack", 0xf0),
            "data", Map.ofEntries(Map.entry("data", 0x00), Map.entry("data-cf-ack", 0x10),
                    Map.entry("data-cf-poll", 0x20), Map.entry("data-cf-ack-poll", 0x30), Map.entry("null", 0x40),
                    Map.entry("cf-ack", 0x50), Map.entry("cf-poll", 0x60), Map.entry("cf-ack-poll", 0x70),
                    Map.entry("qos-data", 0x80), Map.entry("qos-data-cf-ack", 0x90),
                    Map.entry("qos-data-cf-poll", 0xa0), Map.entry("qos-data-cf-ack-poll", 0xb0),
                    Map.entry("qos", 0xc0), Map.entry("qos-cf-poll", 0xe0), Map.entry("qos-cf-ack-poll", 0xf0)));
    private static final Map<String, Integer> DIRS = Map.of("nods", 0, "tods", 1, "fromds", 2, "dstods", 3);

    private WlanNames() {
    }

    /** The 802.11 address qualifier a word names ({@code addr1}..{@code addr4}, {@code address1}.., {@code ra}, {@code ta}), or null. */
    static Ast.Dir addressQualifier(String word) {
        switch (word) {
            case "addr1": case "address1": return Ast.Dir.ADDR1;
            case "addr2": case "address2": return Ast.Dir.ADDR2;
            case "addr3": case "address3": return Ast.Dir.ADDR3;
            case "addr4": case "address4": return Ast.Dir.ADDR4;
            case "ra": return Ast.Dir.RA;
            case "ta": return Ast.Dir.TA;
            default: return null;
        }
    }

    private static FilterSyntaxException error(String src, String msg, Token t) {
        return new FilterSyntaxException(msg, src, t.span().start(), t.span().end());
    }

    private static boolean isName(Token t) {
        return t.kind() == Token.Kind.ID || t.kind() == Token.Kind.ESCAPED_ID;
    }

    /**
     * The primitive {@code kw value [subtype sub]} ({@code sub} null when absent); {@code kw} is {@code type},
     * {@code subtype} or {@code dir}. Operands that are neither a number nor a name are syntax errors, as are
     * numbers after a bare {@code subtype}.
     */
    static Ast.Other primitive(String src, Token kw, Token value, Token sub) throws FilterSyntaxException {
        Span span = kw.span().to((sub != null ? sub : value).span());
        if (kw.is("dir")) {
            long d;
            if (value.kind() == Token.Kind.NUM) {
                d = value.num();
            } else if (isName(value)) {
                Integer v = DIRS.get(value.text());
                if (v == null) {
                    throw error(src, "unknown 802.11 direction", value);
                }
                d = v;
            } else {
                throw syntax(src, value);
            }
            return new Ast.Other("wlan dir", null, d, value.span(), span);
        }
        if (kw.is("subtype")) {
            if (!isName(value)) {
                throw syntax(src, value);
            }
            for (String type : TYPES) {
                Integer s = SUBTYPES.get(type).get(value.text());
                if (s != null) {
                    return fc(TYPE_MASK | SUBTYPE_MASK, TYPE_VALUES.get(type) | s, value, span);
                }
            }
            throw error(src, "unknown 802.11 type name", value);
        }
        int type;
        String typeName = null;
        if (value.kind() == Token.Kind.NUM) {
            if ((value.num() & ~TYPE_MASK) != 0) {
                throw error(src, String.format("invalid 802.11 type value 0x%02x", value.num()), value);
            }
            type = (int) value.num();
        } else if (isName(value)) {
            Integer v = TYPE_VALUES.get(value.text());
            if (v == null) {
                throw error(src, "unknown 802.11 type name \"" + value.text() + "\"", value);
            }
            type = v;
            typeName = value.text();
        } else {
            throw syntax(src, value);
        }
        if (sub == null) {
            return fc(TYPE_MASK, type, value, span);
        }
        int subtype;
        if (sub.kind() == Token.Kind.NUM) {
            if ((sub.num() & ~SUBTYPE_MASK) != 0) {
                throw error(src, String.format("invalid 802.11 subtype value 0x%02x", sub.num()), sub);
            }
            subtype = (int) sub.num();
        } else if (isName(sub)) {
            Map<String, Integer> names = typeName != null ? SUBTYPES.get(typeName) : byValue(type);
            Integer v = names == null ? null : names.get(sub.text());
            if (v == null) {
                throw error(src, "unknown 802.11 subtype name \"" + sub.text() + "\"", sub);
            }
            subtype = v;
        } else {
            throw syntax(src, sub);
        }
        return fc(TYPE_MASK | SUBTYPE_MASK, type | subtype, value, span);
    }

    private static Map<String, Integer> byValue(int type) {
        for (String t : TYPES) {
            if (TYPE_VALUES.get(t) == type) {
                return SUBTYPES.get(t);
            }
        }
        return null;
    }

    private static Ast.Other fc(int mask, int value, Token operand, Span span) {
        return new Ast.Other("wlan type", null, (long) (mask << 8 | value), operand.span(), span);
    }

    private static FilterSyntaxException syntax(String src, Token t) {
        String what = t.kind() == Token.Kind.EOF ? "syntax error: unexpected end of expression"
                : "syntax error at '" + t.text() + "'";
        return new FilterSyntaxException(what, src, t.span().start(), Math.max(t.span().end(), t.span().start() + 1));
    }
}
