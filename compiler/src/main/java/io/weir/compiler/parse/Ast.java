package io.weir.compiler.parse;

/**
 * The syntax tree of a filter expression; every node keeps the {@link Span} it came from so that semantic
 * errors can point at it.
 */
public final class Ast {
    private Ast() {
    }

    /** A boolean filter expression. */
    public sealed interface Expr permits And, Or, Not, Prim, Abbrev, Other, Rel, Empty, SetPrim, Scope {
        /** Where the node is in the source. */
        Span span();
    }

    /** {@code l and r}. */
    public record And(Expr l, Expr r, Span span) implements Expr {
    }

    /** {@code l or r}. */
    public record Or(Expr l, Expr r, Span span) implements Expr {
    }

    /** {@code not e}. */
    public record Not(Expr e, Span span) implements Expr {
    }

    /** The empty expression, which accepts everything (as in libpcap). */
    public record Empty(Span span) implements Expr {
    }

    /** Address-direction qualifier. */
    public enum Dir { DEFAULT, SRC, DST, SRC_OR_DST, SRC_AND_DST, ADDR1, ADDR2, ADDR3, ADDR4, RA, TA }

    /**
     * Address-type qualifier ({@code PROTO} for {@code ip proto 6}, {@code PROTOCHAIN} for
     * {@code ip6 protochain 6}, {@code GATEWAY} for {@code gateway NAME}).
     */
    public enum Type { DEFAULT, HOST, NET, PORT, PORTRANGE, PROTO, PROTOCHAIN, GATEWAY,
        /** {@code tcp flags SYN}: Weir's readable TCP flags (README "Extensions"). */
        FLAGS }

    /**
     * The qualifiers in force for an id: written before it or inherited from the previous primitive.
     *
     * @param proto protocol keyword ({@code ether}, {@code ip}, {@code tcp}...) or null
     */
    public record Qual(String proto, Span protoSpan, Dir dir, Span dirSpan, Type type, Span typeSpan) {
    }

    /** Kinds of ids (the operand of {@code host}, {@code net}, {@code port}...). */
    public enum IdKind { NUM, NAME, HID, HID_MASK, HID_LEN, HID6, HID6_LEN, EID }

    /**
     * An id: {@code text} is the address/name text, {@code num} the number ({@link IdKind#NUM}) or prefix
     * length ({@code _LEN} kinds), {@code mask} the mask text for {@link IdKind#HID_MASK}.
     */
    public record Id(IdKind kind, String text, long num, String mask, Span span) {
    }

    /** A qualified id: {@code [proto] [dir] [type] id}. */
    public record Prim(Qual q, Id id, Span span) implements Expr {
    }

    /**
     * A set primitive, Weir's extension: {@code [proto] [dir] host|net|port in SET}, where SET is a list
     * {@code {id, id, ...}} ({@code items}, {@code file} null) or a file {@code @PATH} ({@code file}, items null)
     * of one entry per line; {@code setSpan} is the list's or the {@code @PATH}'s place in the source.
     */
    public record SetPrim(Qual q, java.util.List<Id> items, String file, Span setSpan, Span span) implements Expr {
    }

    /**
     * A tunnel scope, Weir's extension: {@code inner (e)} holds when the packet is a tunnel Weir decapsulates
     * (VXLAN, Geneve, GRE, IP-in-IP) and its inner packet matches {@code e} (README "Extensions").
     */
    public record Scope(String kind, Expr e, Span span) implements Expr {
    }

    /** A protocol name on its own: {@code tcp}, {@code ip6}, {@code arp}... */
    public record Abbrev(String proto, Span span) implements Expr {
    }

    /**
     * A keyword primitive without an address: {@code less N}, {@code greater N}, {@code [proto] broadcast},
     * {@code [proto] multicast}, {@code vlan [N]}, {@code mpls [N]}, {@code pppoed}, {@code pppoes [N]}, and
     * {@code llc [subtype]}, whose {@code proto} is the subtype name ({@code numSpan} its span) or null.
     */
    public record Other(String kind, String proto, Long num, Span numSpan, Span span) implements Expr {
    }

    /** A comparison of two arithmetic expressions: {@code ip[2:2] > 576}. */
    public record Rel(Arith l, String op, Arith r, Span span) implements Expr {
    }

    /** An arithmetic expression over packet bytes, {@code len} and constants. */
    public sealed interface Arith permits Num, Len, Load, Bin, Neg {
        /** Where the node is in the source. */
        Span span();
    }

    /** A constant. */
    public record Num(long value, Span span) implements Arith {
    }

    /** {@code len}: the packet's wire length. */
    public record Len(Span span) implements Arith {
    }

    /** {@code proto[index : size]}. */
    public record Load(String proto, Span protoSpan, Arith index, int size, Span span) implements Arith {
    }

    /** A binary operator: one of {@code + - * / % & | ^ << >>}. */
    public record Bin(String op, Arith l, Arith r, Span span) implements Arith {
    }

    /** Unary minus. */
    public record Neg(Arith a, Span span) implements Arith {
    }
}
