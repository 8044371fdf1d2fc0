package io.weir.compiler.lower;

import io.weir.compiler.FilterSyntaxException;
import io.weir.compiler.parse.Ast;
import io.weir.compiler.parse.Ast.Arith;
import io.weir.engine.cbpf.ClassicInsn;
import io.weir.engine.cbpf.ClassicOp.Codes;
import java.util.ArrayList;
import java.util.List;

/**
 * Lowers comparisons of arithmetic expressions ({@code tcp[13] & 2 != 0}, {@code len > 100}) to one test
 * whose statements compute both sides, preceded by the protocol guards of every {@code proto[...]} load, as
 * libpcap does: the loads happen only once the guards hold. Constant subexpressions are folded; intermediate
 * values live in scratch memory.
 */
final class ArithLowering {
    private static final int MEMWORDS = 16;
    /** The link types {@code radio[...]} reads: Prism, radiotap and AVS headers. */
    private static final java.util.Set<String> ZERO_LEFT = java.util.Set.of("*", "/", "%", "&", "<<", ">>");
    private static final java.util.Set<Integer> RADIO_HEADERS = java.util.Set.of(119, 127, 163);

    private final Lowering lw;
    private final String src;

    ArithLowering(Lowering lw, String src) {
        this.lw = lw;
        this.src = src;
    }

    /** A value: statements leaving it in A, the guard its loads need, and its value if constant. */
    record Val(List<ClassicInsn> stmts, Pred guard, Long constant) {
        static Val of(long c) {
            return new Val(List.of(ClassicInsn.stmt(Codes.LD_IMM, (int) c)), null, c & 0xFFFFFFFFL);
        }
    }

    LinkLayer link() {
        return lw.link();
    }

    /** {@link Ip6Transport}'s path: -1 undecided, {@link Ip6Transport#V4}, or the IPv6 walk depth. */
    int ip6Path = -1;

    Pred relation(Ast.Rel r) throws LowerException, FilterSyntaxException {
        if (lw.ip6Transport && ip6Path == -1) {
            return Ip6Transport.relation(this, r);
        }
        Val l = value(r.l(), 1);
        Val rv = value(r.r(), 1);
        Pred guard = Pred.and(rv.guard, l.guard);
        String op = r.op();
        boolean negate = op.equals("!=") || op.equals("<") || op.equals("<=");
        int cond = switch (op) {
            case "=", "!=" -> Codes.JEQ_K;
            case ">", "<=" -> Codes.JGT_K;
            default -> Codes.JGE_K;
        };
        Pred test;
        if (l.constant != null && rv.constant != null) {
            long a = l.constant;
            long b = rv.constant;
            boolean v = cond == Codes.JEQ_K ? a == b : cond == Codes.JGT_K ? a > b : a >= b;
            test = (v != negate) ? Pred.TRUE : Pred.FALSE;
            return Pred.and(guard, test);
        }
        if (rv.constant != null) {
            List<ClassicInsn> s = l.stmts;
            ClassicInsn last = s.get(s.size() - 1);
            if (cond == Codes.JEQ_K && rv.constant == 0 && last.code() == Codes.AND_K && s.size() > 1) {
                // x & m == 0  is  !(x jset m)
                test = new Pred.Test(s.subList(0, s.size() - 1), Codes.JSET_K, last.k(), true);
                negate = !negate;
            } else {
                test = new Pred.Test(s, cond, rv.constant.intValue(), true);
            }
        } else {
            List<ClassicInsn> s = new ArrayList<>(rv.stmts);
            s.add(ClassicInsn.stmt(Codes.ST, 0));
            s.addAll(l.stmts);
            s.add(ClassicInsn.stmt(Codes.LDX_MEM, 0));
            test = new Pred.Test(s, cond | 0x08, 0, true);
        }
        return Pred.and(guard, negate ? Pred.not(test) : test);
    }

    private FilterSyntaxException error(String msg, Ast.Arith a) {
        return new FilterSyntaxException(msg, src, a.span().start(), a.span().end());
    }

    /** Lowers {@code a}; scratch words from {@code depth} up are free to use. */
    private Val value(Arith a, int depth) throws LowerException, FilterSyntaxException {
        if (depth >= MEMWORDS - (VarOffsets.variable(lw.link()) ? VarOffsets.RESERVED : 0)) {
            throw error("too many registers needed to evaluate expression", a);
        }
        if (a instanceof Ast.Num n) {
            return Val.of(n.value());
        }
        if (a instanceof Ast.Len) {
            return new Val(List.of(ClassicInsn.stmt(Codes.LD_LEN, 0)), null, null);
        }
        if (a instanceof Ast.Neg n) {
            Val v = value(n.a(), depth);
            if (v.constant != null) {
                return Val.of(-v.constant);
            }
            List<ClassicInsn> s = new ArrayList<>(v.stmts);
            s.add(ClassicInsn.stmt(Codes.NEG, 0));
            return new Val(s, v.guard, null);
        }
        if (a instanceof Ast.Bin b) {
            return binary(b, depth);
        }
        return load((Ast.Load) a, depth);
    }

    private static int aluBits(String op) {
        switch (op) {
            case "+": return Codes.ADD_K;
            case "-": return Codes.SUB_K;
            case "*": return Codes.MUL_K;
            case "/": return Codes.DIV_K;
            case "%": return Codes.MOD_K;
            case "&": return Codes.AND_K;
            case "|": return Codes.OR_K;
            case "^": return Codes.XOR_K;
            case "<<": return Codes.LSH_K;
            default: return Codes.RSH_K;
        }
    }

    private Val binary(Ast.Bin b, int depth) throws LowerException, FilterSyntaxException {
        Val l = value(b.l(), depth + 1);
        Val r = value(b.r(), depth + 1);
        Pred guard = Pred.and(l.guard, r.guard);
        Long head = r.constant != null ? r.constant : firstImmediate(b.r());
        if (head != null && head == 0 && (b.op().equals("/") || b.op().equals("%"))) {
            throw error(b.op().equals("/") ? "division by zero" : "modulus by zero", b);
        }
        if (head != null && head > 31 && (b.op().equals("<<") || b.op().equals(">>"))) {
            throw error("shift by more than 31 bits", b);
        }
        if (l.constant != null && r.constant != null) {
            return Val.of(fold(b.op(), l.constant, r.constant));
        }
        if (r.constant != null && r.constant == 0 && (b.op().equals("&") || b.op().equals("*"))) {
            // x & 0 and x * 0 are 0: libpcap's optimizer folds them and drops x's loads (not the guards).
            return new Val(List.of(ClassicInsn.stmt(Codes.LD_IMM, 0)), guard, 0L);
        }
        if (l.constant != null && l.constant == 0 && ZERO_LEFT.contains(b.op())) {
            // 0 * x, 0 / x, 0 % x, 0 & x, 0 << x, 0 >> x: libpcap's optimizer folds these to 0 too (A known 0).
            return new Val(List.of(ClassicInsn.stmt(Codes.LD_IMM, 0)), guard, 0L);
        }
        List<ClassicInsn> s = new ArrayList<>();
        int code = aluBits(b.op());
        if (r.constant != null) {
            s.addAll(l.stmts);
            s.add(ClassicInsn.stmt(code, r.constant.intValue()));
        } else {
            s.addAll(r.stmts);
            s.add(ClassicInsn.stmt(Codes.ST, depth));
            s.addAll(l.stmts);
            s.add(ClassicInsn.stmt(Codes.LDX_MEM, depth));
            s.add(ClassicInsn.stmt(code | 0x08, 0));
        }
        return new Val(s, guard, null);
    }

    /**
     * The constant libpcap's gen_arth checks for a zero divisor or a shift past 31: the {@code k} of the first
     * statement of the operand's code when that is {@code ld #k}, or null. libpcap checks only that first
     * statement, so a load's index counts ({@code len << ether[40]} is rejected) and so does the left operand of
     * an operation ({@code len / (0 * len)}); the folded value counts when both operands are constants.
     */
    private static Long firstImmediate(Arith a) {
        Long c = constantOf(a);
        if (c != null) {
            return c;
        }
        if (a instanceof Ast.Neg n) {
            return firstImmediate(n.a());
        }
        if (a instanceof Ast.Bin b) {
            return firstImmediate(b.l());
        }
        if (a instanceof Ast.Load ld) {
            return firstImmediate(ld.index());
        }
        return null;
    }

    /** The value of a constant operand as libpcap folds it ({@code x * 0} and {@code x & 0} included), or null. */
    private static Long constantOf(Arith a) {
        if (a instanceof Ast.Num n) {
            return n.value() & 0xFFFFFFFFL;
        }
        if (a instanceof Ast.Neg n) {
            Long v = constantOf(n.a());
            return v == null ? null : -v & 0xFFFFFFFFL;
        }
        if (a instanceof Ast.Bin b) {
            Long r = constantOf(b.r());
            Long l = constantOf(b.l());
            if (r != null && r == 0 && (b.op().equals("&") || b.op().equals("*"))) {
                return 0L;
            }
            boolean bad = r != null && (r == 0 && (b.op().equals("/") || b.op().equals("%"))
                    || r > 31 && (b.op().equals("<<") || b.op().equals(">>")));
            return l == null || r == null || bad ? null : fold(b.op(), l, r);
        }
        return null;
    }

    /** Constant folding with BPF's unsigned 32-bit semantics (shifts of 32 or more give 0, as libpcap folds). */
    static long fold(String op, long a, long b) {
        long r;
        switch (op) {
            case "+": r = a + b; break;
            case "-": r = a - b; break;
            case "*": r = a * b; break;
            case "/": r = a / b; break;
            case "%": r = a % b; break;
            case "&": r = a & b; break;
            case "|": r = a | b; break;
            case "^": r = a ^ b; break;
            case "<<": r = b < 32 ? a << b : 0; break;
            default: r = b < 32 ? a >>> b : 0; break;
        }
        return r & 0xFFFFFFFFL;
    }

    private Val load(Ast.Load ld, int depth) throws LowerException, FilterSyntaxException {
        LinkLayer ll = lw.link();
        int nl = ll.offNl();
        Val idx = value(ld.index(), depth);
        if (ip6Path >= 0 && Ip6Transport.protocol(ld.proto()) >= 0) {
            return Ip6Transport.load(lw, ld, idx, depth, ip6Path);
        }
        int size = ld.size();
        int abs = size == 4 ? Codes.LD_ABS : size == 2 ? Codes.LDH_ABS : Codes.LDB_ABS;
        int ind = size == 4 ? Codes.LD_IND : size == 2 ? Codes.LDH_IND : Codes.LDB_IND;
        Pred guard;
        int base;
        boolean transport = false;
        switch (ld.proto()) {
            case "ether": guard = null; base = ll.offLinkHdr(); break;
            case "radio":
                // The radio header itself, from the packet's first byte: libpcap has it on radiotap, AVS and Prism.
                if (!RADIO_HEADERS.contains(ll.linkType())) {
                    throw new LowerException("radio information not present in capture");
                }
                guard = null;
                base = 0;
                break;
            case "ip": guard = ll.linktype(LinkLayer.ETHERTYPE_IP); base = nl; break;
            case "ip6": guard = ll.linktype(LinkLayer.ETHERTYPE_IPV6); base = nl; break;
            case "arp": guard = ll.linktype(LinkLayer.ETHERTYPE_ARP); base = nl; break;
            case "rarp": guard = ll.linktype(LinkLayer.ETHERTYPE_REVARP); base = nl; break;
            case "icmp6":
                guard = Pred.and(ll.linktype(LinkLayer.ETHERTYPE_IPV6),
                        LinkLayer.cmp(1, nl + 6, Lowering.IPPROTO_ICMPV6));
                base = nl + 40;
                break;
            case "atalk": case "decnet": case "lat": case "sca": case "moprc": case "mopdl":
                // Network-layer protocols libpcap indexes from the link-layer payload, as it does arp.
                guard = Protocols.abbrev(lw, ld.proto());
                base = nl;
                break;
            case "tcp": case "udp": case "sctp": case "icmp": case "igmp": case "vrrp": case "carp": case "igrp":
            case "pim": {
                int p = switch (ld.proto()) {
                    case "tcp" -> Lowering.IPPROTO_TCP;
                    case "udp" -> Lowering.IPPROTO_UDP;
                    case "sctp" -> Lowering.IPPROTO_SCTP;
                    case "icmp" -> Lowering.IPPROTO_ICMP;
                    case "igmp" -> Lowering.IPPROTO_IGMP;
                    // libpcap ands pim's IPv4-or-IPv6 test with ip: IPv4 only, like the others.
                    default -> Protocols.ipProtocol(ld.proto());
                };
                guard = Pred.and(lw.ipProto(p), lw.notFragment());
                base = nl;
                transport = true;
                break;
            }
            default:
                throw error("'" + ld.proto() + "' is not supported by Weir in byte-offset expressions", ld);
        }
        List<ClassicInsn> s = new ArrayList<>();
        if (idx.constant != null) {
            int k = base + idx.constant.intValue();
            if (transport) {
                s.add(ClassicInsn.stmt(Codes.LDX_MSH, nl));
                s.add(ClassicInsn.stmt(ind, k));
            } else {
                s.add(ClassicInsn.stmt(abs, k));
            }
        } else {
            s.addAll(idx.stmts);
            if (transport) {
                s.add(ClassicInsn.stmt(Codes.ST, depth));
                s.add(ClassicInsn.stmt(Codes.LDX_MSH, nl));
                s.add(ClassicInsn.stmt(Codes.LD_MEM, depth));
                s.add(ClassicInsn.stmt(Codes.ADD_X, 0));
            }
            s.add(ClassicInsn.stmt(Codes.TAX, 0));
            s.add(ClassicInsn.stmt(ind, base));
        }
        return new Val(s, Pred.and(idx.guard, guard), null);
    }
}
