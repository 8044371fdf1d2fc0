package io.weir.compiler.parse;

import io.weir.compiler.FilterSyntaxException;
import io.weir.compiler.parse.Ast.Arith;
import io.weir.compiler.parse.Ast.Dir;
import io.weir.compiler.parse.Ast.Expr;
import io.weir.compiler.parse.Ast.Id;
import io.weir.compiler.parse.Ast.IdKind;
import io.weir.compiler.parse.Ast.Qual;
import io.weir.compiler.parse.Ast.Type;
import java.util.List;
import java.util.Set;

/**
 * Recursive-descent parser for pcap-filter(7) with libpcap's grammar: {@code and} and {@code or} have equal
 * precedence and associate to the left, {@code not} binds tightest, and a bare id after {@code and}/{@code or}
 * inherits the qualifiers of the primitive before it ({@code tcp port 22 or 80}).
 *
 * <p>Arithmetic precedence, lowest first: {@code |}, {@code &}, shifts, {@code + -}, {@code * /}, unary
 * minus. {@code %} and {@code ^} have no precedence in libpcap's grammar (1.10), so its parser shifts on every
 * conflict with them: each binds to the operand just before it and takes everything after it as its right
 * operand ({@code len % 3 + 1} is {@code len % (3 + 1)}, {@code -len ^ 3} is {@code -(len ^ 3)}).
 */
public final class Parser {
    /** Protocol qualifiers Weir compiles. */
    public static final Set<String> PROTOS = Set.of("ether", "link", "ip", "ip6", "arp", "rarp", "tcp", "udp",
            "sctp", "icmp", "icmp6", "igmp", "fddi", "tr", "wlan", "ppp", "slip", "igrp", "pim", "vrrp", "carp",
            "atalk", "aarp", "decnet", "lat", "sca", "moprc", "mopdl", "ah", "esp", "iso", "esis", "es-is", "isis",
            "is-is", "l1", "l2", "iih", "lsp", "snp", "csnp", "psnp", "clnp", "stp", "ipx", "netbeui", "radio");
    /** libpcap keywords outside Weir's subset: rejected with a located "not supported" message. */
    private static final Set<String> UNSUPPORTED = Set.of();
    private static final Set<String> KEYWORDS = Set.of("src", "dst", "host", "net", "mask", "port", "portrange",
            "proto", "less", "greater", "broadcast", "multicast", "and", "or", "not", "len", "vlan", "mpls",
            "protochain", "gateway", "byte", "llc", "pppoed", "pppoes", "geneve", "inbound", "outbound", "ifindex",
            "type", "subtype", "dir", "addr1", "addr2", "addr3", "addr4", "address1", "address2", "address3",
            "address4", "ra", "ta");
    /** Link-layer names libpcap accepts for byte-offset loads: {@code ppp[5]} is {@code ether[5]}. */
    private static final Set<String> LINK_ALIASES = Set.of("fddi", "tr", "wlan", "ppp", "slip");
    private static final Set<String> RELOPS = Set.of("=", "==", "!=", "<", "<=", ">", ">=");
    private static final Set<String> ARITH_OPS = Set.of("+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>");

    private final String src;
    private final List<Token> toks;
    private int p;

    private Parser(String src, List<Token> toks) {
        this.src = src;
        this.toks = toks;
    }

    /** Parses a whole expression; an empty (or all-blank) expression is {@link Ast.Empty}. */
    public static Expr parse(String expr) throws FilterSyntaxException {
        Parser ps = new Parser(expr, Lexer.tokenize(expr));
        if (ps.peek().kind() == Token.Kind.EOF) {
            return new Ast.Empty(new Span(0, 0));
        }
        Expr e = ps.expr(null).e;
        if (ps.peek().kind() != Token.Kind.EOF) {
            throw ps.syntax(ps.peek());
        }
        return e;
    }

    /** A parsed term with the qualifiers a following bare id inherits (null: none, a bare id is an error). */
    private record Q(Expr e, Qual q) {
    }

    private Token peek() {
        return toks.get(Math.min(p, toks.size() - 1)); // past the end is still EOF (a fuzz finding: `type` alone)
    }

    private Token peek(int ahead) {
        return toks.get(Math.min(p + ahead, toks.size() - 1));
    }

    private Token take() {
        return toks.get(p++);
    }

    private FilterSyntaxException syntax(Token t) {
        String what = t.kind() == Token.Kind.EOF ? "syntax error: unexpected end of expression"
                : "syntax error at '" + t.text() + "'";
        return new FilterSyntaxException(what, src, t.span().start(), Math.max(t.span().end(), t.span().start() + 1));
    }

    private FilterSyntaxException error(String msg, Span s) {
        return new FilterSyntaxException(msg, src, s.start(), s.end());
    }

    private boolean isAnd(Token t) {
        return t.is("and") || t.is("&&");
    }

    private boolean isOr(Token t) {
        return t.is("or") || t.is("||");
    }

    private boolean isNot(Token t) {
        return t.is("not") || t.is("!");
    }

    private Token expect(String s) throws FilterSyntaxException {
        if (!peek().is(s)) {
            throw syntax(peek());
        }
        return take();
    }

    // expr: term | expr and term | expr and id | expr or term | expr or id
    private Q expr(Qual inherited) throws FilterSyntaxException {
        Q left = termOrId(inherited);
        while (isAnd(peek()) || isOr(peek())) {
            boolean and = isAnd(take());
            Q right = termOrId(left.q);
            Span s = left.e.span().to(right.e.span());
            left = new Q(and ? new Ast.And(left.e, right.e, s) : new Ast.Or(left.e, right.e, s), right.q);
        }
        return left;
    }

    /** Whether the tokens at {@code i} start an id (a value without its qualifiers). */
    private boolean idStartsAt(int i) {
        Token t = peek(i);
        switch (t.kind()) {
            case HID, HID6, EID, ESCAPED_ID:
                return true;
            case NUM: {
                Token n = peek(i + 1);
                return !(n.kind() == Token.Kind.OP && (RELOPS.contains(n.text()) || ARITH_OPS.contains(n.text())));
            }
            case ID:
                if (isNot(t)) {
                    return idStartsAt(i + 1);
                }
                return !KEYWORDS.contains(t.text()) && !PROTOS.contains(t.text())
                        && !UNSUPPORTED.contains(t.text()) && ForeignKeywords.message(t.text()) == null;
            case OP:
                if (t.is("!")) {
                    return idStartsAt(i + 1);
                }
                if (t.is("(") && pnumEnd(i) >= 0) {
                    // (3) < 2: libpcap's pnum in parentheses, then an operator: an arithmetic relation.
                    Token n = peek(pnumEnd(i));
                    return !(n.kind() == Token.Kind.OP && (RELOPS.contains(n.text()) || ARITH_OPS.contains(n.text())));
                }
                return t.is("(") && idStartsAt(i + 1);
            default:
                return false;
        }
    }

    /** libpcap's {@code pnum: NUM | '(' pnum ')'} at {@code i}: the index just past it, or -1. */
    private int pnumEnd(int i) {
        int open = 0;
        while (peek(i + open).is("(")) {
            open++;
        }
        if (peek(i + open).kind() != Token.Kind.NUM) {
            return -1;
        }
        for (int k = 1; k <= open; k++) {
            if (!peek(i + open + k).is(")")) {
                return -1;
            }
        }
        return i + 2 * open + 1;
    }

    /** Takes a {@code pnum} if one is next and returns its number token, else null. */
    private Token takePnum() {
        int end = pnumEnd(0);
        if (end < 0) {
            return null;
        }
        Token n = peek((end - 1) / 2);
        p += end;
        return n;
    }

    /**
     * Whether a Weir extension word starts the term at {@code i} (after any {@code not}, {@code !}, {@code (}):
     * {@code inner (} always (libpcap rejects an id followed by a parenthesis); {@code vxlan}, {@code gre},
     * {@code ipip} only where no qualifier is inherited, since libpcap reads them as names there.
     */
    private boolean extensionAt(int i, Qual inherited) {
        Token t = peek(i);
        while (isNot(t) || t.is("(")) {
            t = peek(++i);
        }
        if (t.kind() != Token.Kind.ID) {
            return false;
        }
        if (t.is("inner")) {
            return peek(i + 1).is("(");
        }
        return inherited == null && (t.is("vxlan") || t.is("gre") || t.is("ipip"));
    }

    private Q termOrId(Qual inherited) throws FilterSyntaxException {
        if (idStartsAt(0) && !extensionAt(0, inherited)) {
            if (inherited == null) {
                throw syntax(peek());
            }
            Expr e = idExpr(inherited);
            return new Q(e, inherited);
        }
        return term(inherited);
    }

    // term: rterm | not term
    private Q term(Qual inherited) throws FilterSyntaxException {
        if (isNot(peek())) {
            Token n = take();
            Q inner = term(inherited);
            return new Q(new Ast.Not(inner.e, n.span().to(inner.e.span())), inner.q);
        }
        return rterm(inherited);
    }

    private Q rterm(Qual inherited) throws FilterSyntaxException {
        Token t = peek();
        if (t.is("(")) {
            // '(' expr ')' or an arithmetic expression in parentheses: try the boolean form first.
            int save = p;
            FilterSyntaxException boolError;
            try {
                Token open = take();
                Q inner = expr(inherited);
                Token close = expect(")");
                if (!(peek().kind() == Token.Kind.OP && (RELOPS.contains(peek().text())
                        || ARITH_OPS.contains(peek().text())))) {
                    return new Q(inner.e, inherited);
                }
                boolError = syntax(peek());
            } catch (FilterSyntaxException e) {
                boolError = e;
            }
            // Not a parenthesized boolean expression: an arithmetic one, as in "(ether[0] + 1) = 1".
            p = save;
            try {
                return new Q(relation(), null);
            } catch (FilterSyntaxException e) {
                throw e.start() >= boolError.start() ? e : boolError;
            }
        }
        if (t.kind() == Token.Kind.ID && UNSUPPORTED.contains(t.text()) && !(LINK_ALIASES.contains(t.text())
                && peek(1).is("["))) {
            throw error("'" + t.text() + "' is not supported by Weir", t.span());
        }
        if (t.is("type") || t.is("subtype") || t.is("dir")) {
            return new Q(p80211(), null);
        }
        if (t.is("inbound") || t.is("outbound")) {
            take();
            return new Q(new Ast.Other(t.text(), null, null, null, t.span()), null);
        }
        if (t.is("less") || t.is("greater") || t.is("ifindex")) {
            take();
            Token n = peek();
            if (n.kind() != Token.Kind.NUM) {
                throw syntax(n);
            }
            take();
            return new Q(new Ast.Other(t.text(), null, n.num(), n.span(), t.span().to(n.span())), null);
        }
        return keywordTerm(inherited);
    }

    /** {@code type T [subtype S]}, {@code subtype S}, {@code dir D}: the 802.11 primitives. */
    private Expr p80211() throws FilterSyntaxException {
        Token t = take();
        Token value = take();
        if (value.kind() == Token.Kind.EOF) {
            throw syntax(value);
        }
        Token sub = null;
        if (t.is("type") && peek().is("subtype")) {
            take();
            sub = take();
            if (sub.kind() == Token.Kind.EOF) {
                throw syntax(sub);
            }
        }
        return WlanNames.primitive(src, t, value, sub);
    }

    /** The rest of rterm: the keyword primitives, tunnels and stacks, relations and {@code head id}. */
    private Q keywordTerm(Qual inherited) throws FilterSyntaxException {
        Token t = peek();
        if (t.kind() == Token.Kind.ID && ForeignKeywords.message(t.text()) != null) {
            int[] pos = {p};
            Expr e = ForeignKeywords.parse(src, toks, pos, Parser::reserved);
            p = pos[0];
            return new Q(e, null);
        }
        if (t.is("llc") || t.is("byte") || t.is("pppoed") || t.is("pppoes")) {
            return new Q(keywordPrimitive(take()), null);
        }
        if (t.is("inner") && peek(1).is("(")) {
            take();
            take();
            Q inner = expr(null);
            Token close = expect(")");
            return new Q(new Ast.Scope("inner", inner.e(), t.span().to(close.span())), null);
        }
        if (t.is("gre") || t.is("ipip")) {
            take();
            return new Q(new Ast.Abbrev(t.text(), t.span()), null);
        }
        if (t.is("vlan") || t.is("mpls") || t.is("vxlan") || t.is("geneve")) {
            take();
            Token n = takePnum();
            if (n != null) {
                return new Q(new Ast.Other(t.text(), null, n.num(), n.span(), t.span().to(n.span())), null);
            }
            return new Q(new Ast.Other(t.text(), null, null, null, t.span()), null);
        }
        if (t.is("len") || t.kind() == Token.Kind.NUM || t.is("-")) {
            return new Q(relation(), null);
        }
        if (t.kind() == Token.Kind.ID && (PROTOS.contains(t.text()) || LINK_ALIASES.contains(t.text()))
                && peek(1).is("[")) {
            return new Q(relation(), null);
        }
        if (t.is("broadcast") || t.is("multicast")) {
            take();
            return new Q(new Ast.Other(t.text(), null, null, null, t.span()), null);
        }
        return head(inherited);
    }

    /** Whether {@code word} is a keyword, never a name ({@link ForeignKeywords}' name operands). */
    static boolean reserved(String word) {
        return KEYWORDS.contains(word) || PROTOS.contains(word) || UNSUPPORTED.contains(word)
                || ForeignKeywords.message(word) != null;
    }

    private boolean startsArith() {
        Token t = peek();
        return t.is("(") || t.is("-") || t.is("len") || t.kind() == Token.Kind.NUM
                || (t.kind() == Token.Kind.ID && (PROTOS.contains(t.text()) || LINK_ALIASES.contains(t.text())));
    }

    /**
     * The protocol a qualifier names: libpcap's scanner makes {@code link}, {@code fddi}, {@code tr},
     * {@code wlan}, {@code ppp} and {@code slip} one token with {@code ether}, and {@code es-is}/{@code is-is}
     * one with {@code esis}/{@code isis}.
     */
    static String canonicalProto(String word) {
        switch (word) {
            case "link": case "fddi": case "tr": case "wlan": case "ppp": case "slip": return "ether";
            case "es-is": return "esis";
            case "is-is": return "isis";
            default: return word;
        }
    }

    /**
     * {@code llc [subtype]}, {@code byte N op V}, {@code pppoed}, {@code pppoes [id]}, after their keyword
     * {@code k}. {@code byte N op V} is {@code ether[N] op V}, which is what libpcap compiles for {@code =},
     * {@code <} and {@code >}.
     */
    private Expr keywordPrimitive(Token k) throws FilterSyntaxException {
        switch (k.text()) {
            case "llc": {
                Token sub = peek();
                if (sub.is("rnr") || sub.kind() == Token.Kind.ID && !KEYWORDS.contains(sub.text())
                        && !PROTOS.contains(sub.text()) && !UNSUPPORTED.contains(sub.text())
                        && ForeignKeywords.message(sub.text()) == null) {
                    take();
                    return new Ast.Other("llc", sub.text(), null, sub.span(), k.span().to(sub.span()));
                }
                return new Ast.Other("llc", null, null, null, k.span());
            }
            case "byte": {
                Token idx = take();
                if (idx.kind() != Token.Kind.NUM) {
                    throw syntax(idx);
                }
                Token op = take();
                if (!(op.is("=") || op.is("==") || op.is("<") || op.is(">") || op.is("&") || op.is("|"))) {
                    throw syntax(op);
                }
                Token v = take();
                if (v.kind() != Token.Kind.NUM) {
                    throw syntax(v);
                }
                Span all = k.span().to(v.span());
                if (op.is("&") || op.is("|")) {
                    // libpcap's gen_byteop tests the accumulator without loading byte N for these two, so the
                    // verdict depends on whatever its optimizer left in A: nothing Weir can reproduce.
                    throw error("'byte N " + op.text() + " V' is not supported by Weir (libpcap tests the "
                            + "accumulator without loading byte N)", all);
                }
                Arith load = new Ast.Load("ether", k.span(), new Ast.Num(idx.num(), idx.span()), 1,
                        k.span().to(idx.span()));
                return new Ast.Rel(load, op.is("==") ? "=" : op.text(), new Ast.Num(v.num(), v.span()), all);
            }
            default: {
                Token n = k.is("pppoes") ? takePnum() : null;
                if (n != null) {
                    return new Ast.Other(k.text(), null, n.num(), n.span(), k.span().to(n.span()));
                }
                return new Ast.Other(k.text(), null, null, null, k.span());
            }
        }
    }

    // head id, pname, pqual broadcast/multicast
    private Q head(Qual inherited) throws FilterSyntaxException {
        Token start = peek();
        String proto = null;
        Span protoSpan = null;
        if (start.kind() == Token.Kind.ID && PROTOS.contains(start.text())) {
            take();
            proto = canonicalProto(start.text());
            protoSpan = start.span();
            if (peek().is("broadcast") || peek().is("multicast")) {
                Token k = take();
                return new Q(new Ast.Other(k.text(), proto, null, null, start.span().to(k.span())), null);
            }
            if (peek().is("type") || peek().is("subtype") || peek().is("dir")) {
                // libpcap's "pqual p80211": the qualifier is parsed and ignored ("ip type data" is "type data").
                return new Q(p80211(), null);
            }
        }
        Dir dir = Dir.DEFAULT;
        Span dirSpan = null;
        if (peek().is("src") || peek().is("dst")) {
            Token d = take();
            dir = d.is("src") ? Dir.SRC : Dir.DST;
            dirSpan = d.span();
            // "src or dst" / "src and dst": only when followed by the other direction keyword.
            if ((isOr(peek()) || isAnd(peek())) && (peek(1).is("src") || peek(1).is("dst"))
                    && !peek(1).text().equals(d.text())) {
                boolean or = isOr(take());
                Token d2 = take();
                dir = or ? Dir.SRC_OR_DST : Dir.SRC_AND_DST;
                dirSpan = d.span().to(d2.span());
            }
        } else if (peek().kind() == Token.Kind.ID && WlanNames.addressQualifier(peek().text()) != null) {
            Token d = take();
            dir = WlanNames.addressQualifier(d.text());
            dirSpan = d.span();
        }
        Type type = Type.DEFAULT;
        Span typeSpan = null;
        Token tt = peek();
        if (tt.is("host") || tt.is("net") || tt.is("port") || tt.is("portrange") || tt.is("proto")
                || tt.is("protochain") || tt.is("gateway") || tt.is("flags") && "tcp".equals(proto)) {
            take();
            type = Type.valueOf(tt.text().toUpperCase());
            typeSpan = tt.span();
        } else if (tt.kind() == Token.Kind.ID && UNSUPPORTED.contains(tt.text())) {
            throw error("'" + tt.text() + "' is not supported by Weir", tt.span());
        }
        if ((type == Type.PROTO || type == Type.PROTOCHAIN) && dir != Dir.DEFAULT) {
            throw syntax(tt);
        }
        if (dir == Dir.DEFAULT && type == Type.DEFAULT) {
            if (proto == null) {
                throw syntax(start);
            }
            return new Q(new Ast.Abbrev(proto, protoSpan), null);
        }
        Qual q = new Qual(proto, protoSpan, dir, dirSpan, type, typeSpan);
        Expr e = idExpr(q);
        return new Q(e, q);
    }

    // id: nid | pnum | '(' pid ')';  pid: id { (and|or) id };  nid: not id | address forms
    private Expr idExpr(Qual q) throws FilterSyntaxException {
        Token t = peek();
        if (isNot(t)) {
            take();
            Expr inner = idExpr(q);
            return new Ast.Not(inner, t.span().to(inner.span()));
        }
        if (t.is("(")) {
            take();
            // libpcap's pid starts with nid or pnum, never with '(' pid ')': "host ((1.2.3.4))" is a syntax error.
            boolean nested = peek().is("(") && pnumEnd(0) < 0;
            Expr left = idExpr(q);
            if (nested) {
                throw syntax(peek());
            }
            while (isAnd(peek()) || isOr(peek()) || q.type() == Type.FLAGS && peek().is("|")) {
                boolean and = isAnd(take());
                Expr right = idExpr(q);
                Span s = left.span().to(right.span());
                left = and ? new Ast.And(left, right, s) : new Ast.Or(left, right, s);
            }
            expect(")");
            return left;
        }
        if (t.is("in") && (peek(1).is("{") || peek(1).kind() == Token.Kind.SETFILE)) {
            return setPrim(q);
        }
        Id id = id();
        return new Ast.Prim(q, id, (q.protoSpan() != null ? q.protoSpan()
                : q.dirSpan() != null ? q.dirSpan() : q.typeSpan() != null ? q.typeSpan() : id.span()).to(id.span()));
    }

    // set: 'in' '@'PATH | 'in' '{' id { ',' id } [','] '}'   (Weir's extension; see Ast.SetPrim)
    private Expr setPrim(Qual q) throws FilterSyntaxException {
        Token in = take();
        Span head = q.protoSpan() != null ? q.protoSpan() : q.dirSpan() != null ? q.dirSpan()
                : q.typeSpan() != null ? q.typeSpan() : in.span();
        if (peek().kind() == Token.Kind.SETFILE) {
            Token f = take();
            return new Ast.SetPrim(q, null, f.text(), f.span(), head.to(f.span()));
        }
        Token open = take();
        List<Id> items = new java.util.ArrayList<>();
        while (!peek().is("}")) {
            items.add(id());
            if (!peek().is(",")) {
                break;
            }
            take();
        }
        Token close = expect("}");
        Span set = open.span().to(close.span());
        return new Ast.SetPrim(q, items, null, set, head.to(set));
    }

    private Id id() throws FilterSyntaxException {
        Token t = take();
        switch (t.kind()) {
            case NUM:
                return new Id(IdKind.NUM, t.text(), t.num(), null, t.span());
            case ID, ESCAPED_ID:
                if (t.kind() == Token.Kind.ID && (KEYWORDS.contains(t.text()) || PROTOS.contains(t.text()))) {
                    throw syntax(t);
                }
                return new Id(IdKind.NAME, t.text(), 0, null, t.span());
            case EID:
                return new Id(IdKind.EID, t.text(), 0, null, t.span());
            case HID: {
                if (peek().is("/")) {
                    take();
                    Token n = take();
                    if (n.kind() != Token.Kind.NUM) {
                        throw syntax(n);
                    }
                    return new Id(IdKind.HID_LEN, t.text(), n.num(), null, t.span().to(n.span()));
                }
                if (peek().is("mask")) {
                    take();
                    Token m = take();
                    if (m.kind() != Token.Kind.HID) {
                        throw syntax(m);
                    }
                    return new Id(IdKind.HID_MASK, t.text(), 0, m.text(), t.span().to(m.span()));
                }
                return new Id(IdKind.HID, t.text(), 0, null, t.span());
            }
            case HID6: {
                if (peek().is("/")) {
                    take();
                    Token n = take();
                    if (n.kind() != Token.Kind.NUM) {
                        throw syntax(n);
                    }
                    return new Id(IdKind.HID6_LEN, t.text(), n.num(), null, t.span().to(n.span()));
                }
                return new Id(IdKind.HID6, t.text(), 0, null, t.span());
            }
            default:
                throw syntax(t);
        }
    }

    // arth relop arth
    private Expr relation() throws FilterSyntaxException {
        Arith l = arith(0);
        Token op = peek();
        if (op.kind() != Token.Kind.OP || !RELOPS.contains(op.text())) {
            throw syntax(op);
        }
        take();
        Arith r = arith(0);
        return new Ast.Rel(l, op.text().equals("==") ? "=" : op.text(), r, l.span().to(r.span()));
    }

    private static int prec(String op) {
        switch (op) {
            case "|": return 1;
            case "&": return 3;
            case "<<": case ">>": return 4;
            case "+": case "-": return 5;
            case "*": case "/": return 6;
            default: return -1; // % and ^ included: see unshifted
        }
    }

    private Arith arith(int minPrec) throws FilterSyntaxException {
        Arith left = unshifted(unary());
        while (peek().kind() == Token.Kind.OP && prec(peek().text()) > minPrec) {
            Token op = take();
            Arith right = arith(prec(op.text()));
            left = new Ast.Bin(op.text(), left, right, left.span().to(right.span()));
        }
        return left;
    }

    /** {@code a % rest} / {@code a ^ rest}: libpcap's shift on a precedence-less operator (see the class doc). */
    private Arith unshifted(Arith a) throws FilterSyntaxException {
        if (peek().is("%") || peek().is("^")) {
            Token op = take();
            Arith right = arith(0);
            return new Ast.Bin(op.text(), a, right, a.span().to(right.span()));
        }
        return a;
    }

    private Arith unary() throws FilterSyntaxException {
        Token t = peek();
        if (t.is("-")) {
            take();
            Arith a = unshifted(unary());
            return new Ast.Neg(a, t.span().to(a.span()));
        }
        if (t.is("(")) {
            take();
            Arith a = arith(0);
            expect(")");
            return a;
        }
        if (t.kind() == Token.Kind.NUM) {
            take();
            return new Ast.Num(t.num(), t.span());
        }
        if (t.is("len")) {
            take();
            return new Ast.Len(t.span());
        }
        if (t.kind() == Token.Kind.ID && (PROTOS.contains(t.text()) || LINK_ALIASES.contains(t.text()))
                && peek(1).is("[")) {
            take();
            take();
            Arith idx = arith(0);
            int size = 1;
            if (peek().is(":")) {
                take();
                Token n = take();
                if (n.kind() != Token.Kind.NUM) {
                    throw syntax(n);
                }
                if (n.num() != 1 && n.num() != 2 && n.num() != 4) {
                    throw error("data size must be 1, 2, or 4", n.span());
                }
                size = (int) n.num();
            }
            Token close = expect("]");
            String proto = t.text().equals("link") || LINK_ALIASES.contains(t.text()) ? "ether" : t.text();
            return new Ast.Load(proto, t.span(), idx, size, t.span().to(close.span()));
        }
        if (t.kind() == Token.Kind.ID && !KEYWORDS.contains(t.text()) && !PROTOS.contains(t.text())) {
            // Named constants (tcpflags, tcp-syn, icmp-echo...) are resolved by the lowering.
            take();
            return new Ast.Num(NamedConstants.value(t.text(), src, t.span()), t.span());
        }
        throw syntax(t);
    }
}
