package io.weir.compiler.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.weir.compiler.FilterSyntaxException;
import io.weir.compiler.parse.Ast.Expr;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** The grammar's structure: precedence, qualifier inheritance, ids, arithmetic; checked as S-expressions. */
class ParserTest {
    private static final List<String[]> CASES = List.of(
            new String[] {"tcp port 22 or 80", "(or [tcp _ port]22 [tcp _ port]80)"},
            new String[] {"host 1.2.3.4 or 5.6.7.8", "(or [_ _ host]1.2.3.4 [_ _ host]5.6.7.8)"},
            new String[] {"a and b", null},
            new String[] {"ip or tcp and udp", "(and (or ip tcp) udp)"},
            new String[] {"not ip and tcp", "(and (not ip) tcp)"},
            new String[] {"! ip || ! tcp && udp", "(and (or (not ip) (not tcp)) udp)"},
            new String[] {"src or dst port 53", "[_ SRC_OR_DST port]53"},
            new String[] {"src and dst net 10", "[_ SRC_AND_DST net]10"},
            new String[] {"port 80 and not 443", "(and [_ _ port]80 (not [_ _ port]443))"},
            new String[] {"host (1.2.3.4 or 5.6.7.8)", "(or [_ _ host]1.2.3.4 [_ _ host]5.6.7.8)"},
            new String[] {"net 10.0.0.0/8", "[_ _ net]10.0.0.0/8"},
            new String[] {"net 10.0.0.0 mask 255.0.0.0", "[_ _ net]10.0.0.0 mask 255.0.0.0"},
            new String[] {"ip6 net fe80::/10", "[ip6 _ net]fe80::/10"},
            new String[] {"ether src 01-02-03-04-05-06", "[ether SRC _]01-02-03-04-05-06"},
            new String[] {"ether proto \\ip", "[ether _ proto]ip"},
            new String[] {"ip proto 0x11", "[ip _ proto]17"},
            new String[] {"ip proto 021", "[ip _ proto]17"},
            new String[] {"ip[2:2] > 576", "(> ip[2:2] 576)"},
            new String[] {"ether[0] - 1 - 2 = 0", "(= ((ether[0:1] - 1) - 2) 0)"},
            new String[] {"ether[1] | ether[2] ^ ether[3] & 4 = 0",
                "(= (ether[1:1] | (ether[2:1] ^ (ether[3:1] & 4))) 0)"},
            new String[] {"len + 1 * 2 << 1 = 0", "(= ((len + (1 * 2)) << 1) 0)"},
            new String[] {"-len == 1", "(= (- len) 1)"},
            new String[] {"(ether[0] + 1) = 1", "(= (ether[0:1] + 1) 1)"},
            new String[] {"tcp[tcpflags] & tcp-syn != 0", "(!= (tcp[13:1] & 2) 0)"},
            new String[] {"vlan 10 and mpls", "(and vlan:10 mpls)"},
            new String[] {"less 100 or greater 200", "(or less:100 greater:200)"},
            new String[] {"ip broadcast or ether multicast", "(or ip-broadcast ether-multicast)"},
            new String[] {"", "empty"});

    @TestFactory
    Stream<DynamicTest> parses() {
        return CASES.stream().map(c -> DynamicTest.dynamicTest(c[0].isEmpty() ? "<empty>" : c[0], () -> {
            String got;
            try {
                got = sexpr(Parser.parse(c[0]));
            } catch (FilterSyntaxException e) {
                got = null;
            }
            assertEquals(c[1], got);
        }));
    }

    static String sexpr(Expr e) {
        if (e instanceof Ast.And a) {
            return "(and " + sexpr(a.l()) + " " + sexpr(a.r()) + ")";
        }
        if (e instanceof Ast.Or o) {
            return "(or " + sexpr(o.l()) + " " + sexpr(o.r()) + ")";
        }
        if (e instanceof Ast.Not n) {
            return "(not " + sexpr(n.e()) + ")";
        }
        if (e instanceof Ast.Abbrev a) {
            return a.proto();
        }
        if (e instanceof Ast.Empty) {
            return "empty";
        }
        if (e instanceof Ast.Other o) {
            return o.proto() != null ? o.proto() + "-" + o.kind() : o.kind() + (o.num() != null ? ":" + o.num() : "");
        }
        if (e instanceof Ast.Rel r) {
            return "(" + r.op() + " " + arith(r.l()) + " " + arith(r.r()) + ")";
        }
        Ast.Prim p = (Ast.Prim) e;
        Ast.Qual q = p.q();
        String id = p.id().kind() == Ast.IdKind.NUM ? String.valueOf(p.id().num())
                : p.id().kind() == Ast.IdKind.HID_LEN || p.id().kind() == Ast.IdKind.HID6_LEN
                        ? p.id().text() + "/" + p.id().num()
                        : p.id().kind() == Ast.IdKind.HID_MASK ? p.id().text() + " mask " + p.id().mask()
                                : p.id().text();
        return "[" + (q.proto() == null ? "_" : q.proto()) + " " + (q.dir() == Ast.Dir.DEFAULT ? "_" : q.dir())
                + " " + (q.type() == Ast.Type.DEFAULT ? "_" : q.type().name().toLowerCase()) + "]" + id;
    }

    static String arith(Ast.Arith a) {
        if (a instanceof Ast.Num n) {
            return String.valueOf(n.value());
        }
        if (a instanceof Ast.Len) {
            return "len";
        }
        if (a instanceof Ast.Neg n) {
            return "(- " + arith(n.a()) + ")";
        }
        if (a instanceof Ast.Bin b) {
            return "(" + arith(b.l()) + " " + b.op() + " " + arith(b.r()) + ")";
        }
        Ast.Load l = (Ast.Load) a;
        return l.proto() + "[" + arith(l.index()) + ":" + l.size() + "]";
    }

    @TestFactory
    Stream<DynamicTest> lexesAddresses() {
        List<String[]> cases = List.of(
                new String[] {"1:2:3:4:5:6", "EID"}, new String[] {"0102.0304.0506", "EID"},
                new String[] {"01-02-03-04-05-06", "EID"}, new String[] {"::1", "HID6"},
                new String[] {"fe80::1", "HID6"}, new String[] {"::ffff:1.2.3.4", "HID6"},
                new String[] {"10.1", "HID"}, new String[] {"1.2.3.4", "HID"}, new String[] {"0x1f", "NUM"},
                new String[] {"017", "NUM"}, new String[] {"tcp-syn", "ID"}, new String[] {"10-20", "ID"},
                new String[] {"\\ip", "ESCAPED_ID"});
        return cases.stream().map(c -> DynamicTest.dynamicTest(c[0], () -> {
            List<Token> t = Lexer.tokenize(c[0]);
            assertEquals(c[1] + " EOF", t.stream().map(x -> x.kind().name()).collect(Collectors.joining(" ")));
        }));
    }
}
