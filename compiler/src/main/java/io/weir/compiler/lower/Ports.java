package io.weir.compiler.lower;

import io.weir.compiler.FilterSyntaxException;
import io.weir.compiler.parse.Ast.Dir;
import io.weir.compiler.parse.Ast.Id;
import io.weir.compiler.parse.Ast.IdKind;
import io.weir.compiler.parse.Ast.Qual;
import io.weir.compiler.parse.Ast.Type;
import io.weir.engine.cbpf.ClassicInsn;
import io.weir.engine.cbpf.ClassicOp.Codes;

/**
 * {@code port} and {@code portrange}: TCP, UDP and SCTP over IPv4 (first fragments only, header length from
 * the IHL) and over IPv6 (next header directly after the fixed header, as libpcap checks it).
 */
final class Ports {
    private static final int UNDEF = -1;

    private Ports() {
    }

    static Pred port(Lowering lw, Qual q, Id id) throws LowerException, FilterSyntaxException {
        String kw = q.type() == Type.PORT ? "port" : "portrange";
        String p = q.proto();
        int proto;
        if (p == null) {
            proto = UNDEF;
        } else if (p.equals("tcp")) {
            proto = Lowering.IPPROTO_TCP;
        } else if (p.equals("udp")) {
            proto = Lowering.IPPROTO_UDP;
        } else if (p.equals("sctp")) {
            proto = Lowering.IPPROTO_SCTP;
        } else {
            throw lw.error("'" + kw + "' is not a valid qualifier for '" + p + "'", q.typeSpan());
        }
        int lo;
        int hi;
        if (q.type() == Type.PORT) {
            int[] r = resolve(lw, id, id.kind() == IdKind.NUM ? null : id.text(), proto);
            lo = hi = r[0];
            proto = r[1];
        } else {
            int[] a;
            int[] b;
            if (id.kind() == IdKind.NUM) {
                a = b = resolve(lw, id, null, proto);
            } else if (id.kind() == IdKind.NAME) {
                int[][] ab = splitRange(lw, id, proto);
                a = ab[0];
                b = ab[1];
            } else {
                throw lw.error("illegal port range '" + id.text() + "'", id.span());
            }
            lo = Math.min(a[0], b[0]);
            hi = Math.max(a[0], b[0]);
            proto = a[1] != UNDEF ? a[1] : b[1];
        }
        return Pred.or(port4(lw, proto, lo, hi, q.dir()), port6(lw, proto, lo, hi, q.dir()));
    }

    /** [port, proto] for a number or a service name, with libpcap's tcp/udp consistency errors. */
    static int[] resolve(Lowering lw, Id id, String name, int proto) throws FilterSyntaxException {
        if (name == null) {
            long v = id.num();
            if (v > 65535) {
                throw lw.error("illegal port number " + v + " > 65535", id.span());
            }
            return new int[] {(int) v, proto};
        }
        return resolveName(lw, id, name, proto);
    }

    private static int[] resolveName(Lowering lw, Id id, String name, int proto) throws FilterSyntaxException {
        int v = parseNumber(name);
        if (v >= 0) {
            if (v > 65535) {
                throw lw.error("illegal port number " + v + " > 65535", id.span());
            }
            return new int[] {v, proto};
        }
        int t = Names.tcpPort(name);
        int u = Names.udpPort(name);
        int port;
        int real;
        if (t >= 0) {
            port = t;
            real = (u == t) ? UNDEF : Lowering.IPPROTO_TCP;
        } else if (u >= 0) {
            port = u;
            real = Lowering.IPPROTO_UDP;
        } else {
            throw lw.error("unknown port '" + name + "'", id.span());
        }
        if (proto == Lowering.IPPROTO_UDP && real == Lowering.IPPROTO_TCP) {
            throw lw.error("port '" + name + "' is tcp", id.span());
        }
        if ((proto == Lowering.IPPROTO_TCP || proto == Lowering.IPPROTO_SCTP) && real == Lowering.IPPROTO_UDP) {
            throw lw.error("port '" + name + "' is udp", id.span());
        }
        if (proto == Lowering.IPPROTO_SCTP && real == Lowering.IPPROTO_TCP) {
            throw lw.error("port '" + name + "' is tcp", id.span());
        }
        return new int[] {port, proto != UNDEF ? proto : real};
    }

    private static int parseNumber(String s) {
        if (s.isEmpty() || s.length() > 10 || !io.weir.compiler.parse.Lexer.allDigits(s)) {
            return -1;
        }
        long v = Long.parseLong(s);
        return v > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) v;
    }

    /** Splits {@code a-b} at the first dash, as libpcap does, into two resolved ports. */
    private static int[][] splitRange(Lowering lw, Id id, int proto) throws FilterSyntaxException {
        String s = id.text();
        int dash = s.indexOf('-');
        if (dash <= 0) {
            if (parseNumber(s) < 0) {
                // libpcap's pcap_nametoportrange wants "a-b": a single name is an unknown range.
                throw lw.error("unknown port in range '" + s + "'", id.span());
            }
            int[] a = resolveName(lw, id, s, proto);
            return new int[][] {a, a};
        }
        String a = s.substring(0, dash);
        String b = s.substring(dash + 1);
        for (String part : new String[] {a, b}) {
            if (parseNumber(part) < 0 && Names.tcpPort(part) < 0 && Names.udpPort(part) < 0) {
                throw lw.error("unknown port in range '" + s + "'", id.span());
            }
        }
        return new int[][] {resolveName(lw, id, a, proto), resolveName(lw, id, b, proto)};
    }

    static Pred protoIs(int off, int proto) {
        if (proto != UNDEF) {
            return LinkLayer.cmp(1, off, proto);
        }
        return Pred.or(Pred.or(LinkLayer.cmp(1, off, Lowering.IPPROTO_TCP), LinkLayer.cmp(1, off,
                Lowering.IPPROTO_UDP)), LinkLayer.cmp(1, off, Lowering.IPPROTO_SCTP));
    }

    private static Pred inRange(Pred.Test load, int lo, int hi, boolean x) {
        if (lo == hi) {
            return new Pred.Test(load.stmts(), Codes.JEQ_K, lo);
        }
        return Pred.and(new Pred.Test(load.stmts(), Codes.JGE_K, lo),
                Pred.not(new Pred.Test(load.stmts(), Codes.JGT_K, hi)));
    }

    private static Pred port4(Lowering lw, int proto, int lo, int hi, Dir dir) throws LowerException {
        LinkLayer ll = lw.link();
        int nl = ll.offNl();
        Pred.Test sport = new Pred.Test(java.util.List.of(ClassicInsn.stmt(Codes.LDX_MSH, nl),
                ClassicInsn.stmt(Codes.LDH_IND, nl)), Codes.JEQ_K, 0);
        Pred.Test dport = new Pred.Test(java.util.List.of(ClassicInsn.stmt(Codes.LDX_MSH, nl),
                ClassicInsn.stmt(Codes.LDH_IND, nl + 2)), Codes.JEQ_K, 0);
        Pred ports = Lowering.dirop(dir, inRange(sport, lo, hi, true), inRange(dport, lo, hi, true));
        return Pred.and(ll.linktype(LinkLayer.ETHERTYPE_IP),
                Pred.and(protoIs(nl + 9, proto), Pred.and(lw.notFragment(), ports)));
    }

    private static Pred port6(Lowering lw, int proto, int lo, int hi, Dir dir) throws LowerException {
        LinkLayer ll = lw.link();
        int nl = ll.offNl();
        Pred.Test sport = new Pred.Test(java.util.List.of(LinkLayer.load(2, nl + 40)), Codes.JEQ_K, 0);
        Pred.Test dport = new Pred.Test(java.util.List.of(LinkLayer.load(2, nl + 42)), Codes.JEQ_K, 0);
        Pred ports = Lowering.dirop(dir, inRange(sport, lo, hi, false), inRange(dport, lo, hi, false));
        return Pred.and(ll.linktype(LinkLayer.ETHERTYPE_IPV6), Pred.and(protoIs(nl + 6, proto), ports));
    }
}
