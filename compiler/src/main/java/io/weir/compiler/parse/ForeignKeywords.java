package io.weir.compiler.parse;

import io.weir.compiler.FilterSyntaxException;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * libpcap's keywords of particular link types: raw ATM (SunATM), MTP2/SS7 (MTP2, MTP2 with pseudo-header, ERF)
 * and pflog. They are keywords everywhere, so they are never taken for a port or host name; this class parses
 * them into {@link Ast.Other} nodes with libpcap's grammar, and holds the error libpcap gives for them on other
 * link types (the lowering, which knows the link type, raises it).
 *
 * <p>Node kinds: {@code "pf WORD"} with the name operand in {@code proto} or the number in {@code num};
 * {@code "atm WORD"} and {@code "mtp WORD"}, fields with the operator ({@code = > >= < <= !=}) in {@code proto}.
 * A field followed by a parenthesized list, {@code vpi (1 or 2)}, is an {@link Ast.Or} of equalities.
 */
public final class ForeignKeywords {
    private ForeignKeywords() {
    }

    private static final String ATM = " supported only on raw ATM";
    private static final String PF = " supported only on PF linktype";

    // libpcap's own wording, typos included: oamf4ec reports 'oam4ec', the MTP2_HSL variants of sio/opc/dpc/sls
    // report the short name.
    private static final Map<String, String> MESSAGES = Map.ofEntries(
            Map.entry("vpi", "'vpi'" + ATM), Map.entry("vci", "'vci'" + ATM), Map.entry("lane", "'lane'" + ATM),
            Map.entry("metac", "'metac'" + ATM), Map.entry("bcc", "'bcc'" + ATM), Map.entry("sc", "'sc'" + ATM),
            Map.entry("ilmic", "'ilmic'" + ATM), Map.entry("oamf4ec", "'oam4ec'" + ATM),
            Map.entry("oamf4sc", "'oam4sc'" + ATM), Map.entry("oam", "'oam'" + ATM),
            Map.entry("oamf4", "'oamf4'" + ATM), Map.entry("connectmsg", "'connectmsg'" + ATM),
            Map.entry("metaconnect", "'metaconnect'" + ATM),
            Map.entry("fisu", "'fisu' supported only on MTP2"), Map.entry("lssu", "'lssu' supported only on MTP2"),
            Map.entry("msu", "'msu' supported only on MTP2"),
            Map.entry("hfisu", "'hfisu' supported only on MTP2_HSL"),
            Map.entry("hlssu", "'hlssu' supported only on MTP2_HSL"),
            Map.entry("hmsu", "'hmsu' supported only on MTP2_HSL"),
            Map.entry("sio", "'sio' supported only on SS7"), Map.entry("hsio", "'sio' supported only on SS7"),
            Map.entry("opc", "'opc' supported only on SS7"), Map.entry("hopc", "'opc' supported only on SS7"),
            Map.entry("dpc", "'dpc' supported only on SS7"), Map.entry("hdpc", "'dpc' supported only on SS7"),
            Map.entry("sls", "'sls' supported only on SS7"), Map.entry("hsls", "'sls' supported only on SS7"),
            Map.entry("on", "ifname" + PF), Map.entry("ifname", "ifname" + PF),
            Map.entry("rnr", "rnr" + PF), Map.entry("rulenum", "rnr" + PF),
            Map.entry("srnr", "srnr" + PF), Map.entry("subrulenum", "srnr" + PF),
            Map.entry("rset", "ruleset" + PF), Map.entry("ruleset", "ruleset" + PF),
            Map.entry("reason", "reason" + PF), Map.entry("action", "action" + PF));

    /** Words followed by a value with an optional relational operator, or a parenthesized list of values. */
    private static final List<String> ATM_FIELDS = List.of("vpi", "vci");
    private static final List<String> MTP_FIELDS = List.of("sio", "opc", "dpc", "sls", "hsio", "hopc", "hdpc", "hsls");
    private static final List<String> MTP_TYPES = List.of("fisu", "lssu", "msu", "hfisu", "hlssu", "hmsu");
    private static final List<String> RELOPS = List.of("=", "==", ">", ">=", "<", "<=", "!=");

    /** libpcap's error for {@code word} on link types that do not have it, or null if it is not such a keyword. */
    public static String message(String word) {
        return MESSAGES.get(word);
    }

    /**
     * Parses the primitive starting at {@code toks[pos[0]]} (one of these keywords), leaving {@code pos[0]} after
     * it; {@code reserved} says which words are keywords (and so not names).
     */
    static Ast.Expr parse(String src, List<Token> toks, int[] pos, Predicate<String> reserved)
            throws FilterSyntaxException {
        Token k = toks.get(pos[0]++);
        String w = k.text();
        if (ATM_FIELDS.contains(w) || MTP_FIELDS.contains(w)) {
            return field(src, toks, pos, k, (ATM_FIELDS.contains(w) ? "atm " : "mtp ") + w);
        }
        if (MTP_TYPES.contains(w)) {
            return new Ast.Other("mtp " + w, null, null, null, k.span());
        }
        if (!w.equals("reason") && !w.equals("action") && !MESSAGES.get(w).endsWith(PF)) {
            return new Ast.Other("atm " + w, null, null, null, k.span());
        }
        Token v = next(toks, pos);
        boolean number = w.equals("rnr") || w.equals("rulenum") || w.equals("srnr") || w.equals("subrulenum");
        boolean name = v.kind() == Token.Kind.ESCAPED_ID || v.kind() == Token.Kind.ID && !reserved.test(v.text());
        if (v.kind() == Token.Kind.NUM && (number || w.equals("reason"))) {
            return new Ast.Other("pf " + w, null, v.num(), v.span(), k.span().to(v.span()));
        }
        if (!name || number) {
            throw syntax(src, v);
        }
        return new Ast.Other("pf " + w, v.text(), null, v.span(), k.span().to(v.span()));
    }

    /** {@code FIELD [relop] NUM} or {@code FIELD ( NUM or NUM ... )}. */
    private static Ast.Expr field(String src, List<Token> toks, int[] pos, Token k, String kind)
            throws FilterSyntaxException {
        Token t = next(toks, pos);
        if (t.kind() == Token.Kind.NUM) {
            return new Ast.Other(kind, "=", t.num(), t.span(), k.span().to(t.span()));
        }
        if (t.kind() == Token.Kind.OP && RELOPS.contains(t.text())) {
            Token n = next(toks, pos);
            if (n.kind() != Token.Kind.NUM) {
                throw syntax(src, n);
            }
            String op = t.text().equals("==") ? "=" : t.text();
            return new Ast.Other(kind, op, n.num(), n.span(), k.span().to(n.span()));
        }
        if (!t.is("(")) {
            throw syntax(src, t);
        }
        Ast.Expr list = null;
        while (true) {
            Token n = next(toks, pos);
            if (n.kind() != Token.Kind.NUM) {
                throw syntax(src, n);
            }
            Ast.Expr eq = new Ast.Other(kind, "=", n.num(), n.span(), k.span().to(n.span()));
            list = list == null ? eq : new Ast.Or(list, eq, list.span().to(n.span()));
            Token sep = next(toks, pos);
            if (sep.is(")")) {
                return list;
            }
            if (!sep.is("or") && !sep.is("||")) {
                throw syntax(src, sep);
            }
        }
    }

    private static Token next(List<Token> toks, int[] pos) {
        return toks.get(Math.min(pos[0]++, toks.size() - 1));
    }

    private static FilterSyntaxException syntax(String src, Token t) {
        String what = t.kind() == Token.Kind.EOF ? "syntax error: unexpected end of expression"
                : "syntax error at '" + t.text() + "'";
        return new FilterSyntaxException(what, src, t.span().start(), Math.max(t.span().end(), t.span().start() + 1));
    }
}
