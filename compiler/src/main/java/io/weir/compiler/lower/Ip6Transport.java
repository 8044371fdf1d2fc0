package io.weir.compiler.lower;

import io.weir.compiler.FilterSyntaxException;
import io.weir.compiler.parse.Ast;
import io.weir.engine.cbpf.ClassicInsn;
import io.weir.engine.cbpf.ClassicOp.Codes;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --ip6-transport}, Weir's extension: {@code tcp[i]}, {@code udp[i]}, {@code sctp[i]} and
 * {@code icmp6[i]} index the transport header of IPv6 packets too, after the extension headers, where libpcap
 * compiles the first three for IPv4 only and {@code icmp6[i]} at the fixed offset 40. IPv4 keeps libpcap's
 * meaning; {@code icmp6[i]} is the walked form only.
 *
 * <p>The walk follows Hop-by-Hop (0), Routing (43), Fragment (44) and Destination Options (60) headers, each
 * {@code (hdrlen + 1) * 8} bytes long (the Fragment header's reserved length byte is zero), for at most
 * {@link #BOUND} headers: a transport header further in is not found (the relation is false). A fragment
 * header with a non-zero offset (a non-first fragment) has no transport header: false. AH (51) and any other
 * header end the walk, so a transport header behind AH is not found either.
 *
 * <p>Classic BPF has no loop, so the walk is unrolled: for each depth {@code k <= BOUND} the relation is
 * lowered once, guarded by "headers 0..k-1 are extension headers and header k is the protocol"; each test
 * recomputes the offset of its header from the packet (X, by {@code (hdrlen + 1) << 3} steps), which keeps
 * the tests self-contained, and the emitter drops the recomputation where X already holds it.
 */
final class Ip6Transport {
    /** Extension headers walked; the same bound as {@code protochain} is documented with. */
    static final int BOUND = 8;
    /** Scratch words WALK_SLOT.. WALK_SLOT + BOUND - 1 hold the walk's offsets (below the tunnel frames' 12-15). */
    private static final int WALK_SLOT = 4;
    private static final int[] EXT = {0, 43, 44, 60};
    private static final int FRAGMENT = 44;
    /** {@code relation} path: IPv4 only (libpcap's form of every load). */
    static final int V4 = -2;

    private Ip6Transport() {
    }

    /** The IP protocol of a load {@code --ip6-transport} walks to, or -1. */
    static int protocol(String proto) {
        switch (proto) {
            case "tcp": return Lowering.IPPROTO_TCP;
            case "udp": return Lowering.IPPROTO_UDP;
            case "sctp": return Lowering.IPPROTO_SCTP;
            case "icmp6": return Lowering.IPPROTO_ICMPV6;
            default: return -1;
        }
    }

    /** Bit 1: a tcp/udp/sctp load; bit 2: an icmp6 load. */
    private static int uses(Ast.Arith a) {
        if (a instanceof Ast.Load ld) {
            int p = protocol(ld.proto());
            int here = p < 0 ? 0 : p == Lowering.IPPROTO_ICMPV6 ? 2 : 1;
            return here | uses(ld.index());
        }
        if (a instanceof Ast.Bin b) {
            return uses(b.l()) | uses(b.r());
        }
        if (a instanceof Ast.Neg n) {
            return uses(n.a());
        }
        return 0;
    }

    /** {@code r} over IPv4 as libpcap has it, or over IPv6 at each depth of the walk. */
    static Pred relation(ArithLowering al, Ast.Rel r) throws LowerException, FilterSyntaxException {
        int u = uses(r.l()) | uses(r.r());
        try {
            al.ip6Path = V4;
            if (u == 0) {
                return al.relation(r);
            }
            Pred v4 = (u & 2) != 0 ? Pred.FALSE : al.relation(r);
            // W(k) = (header k is the protocol and the relation holds there) or (header k is an extension
            // header, not a non-first fragment, and W(k + 1)): linear in the bound, each level's tests shared.
            LinkLayer ll = al.link();
            Pred walk = Pred.FALSE;
            for (int k = BOUND; k >= 0; k--) {
                al.ip6Path = k;
                Pred here = al.relation(r);
                walk = k == BOUND ? here : Pred.or(here, Pred.and(extension(ll.offNl(), k), walk));
            }
            return Pred.or(v4, Pred.and(ll.linktype(LinkLayer.ETHERTYPE_IPV6), walk));
        } finally {
            al.ip6Path = -1;
        }
    }

    private static ClassicInsn s(int code, int k) {
        return ClassicInsn.stmt(code, k);
    }

    /**
     * X = offset of header {@code k} from the end of the fixed header ({@code k >= 1}); each step's offset is
     * also kept in scratch word {@code WALK_SLOT + step}, and each step starts from there, so a test reached
     * from paths that left different values in X still skips the steps its scratch words already hold.
     */
    static List<ClassicInsn> walk(int nl, int k) {
        List<ClassicInsn> s = new ArrayList<>(7 * k);
        s.add(s(Codes.LDB_ABS, nl + 41));
        s.add(s(Codes.ADD_K, 1));
        s.add(s(Codes.LSH_K, 3));
        s.add(s(Codes.TAX, 0));
        s.add(s(Codes.STX, WALK_SLOT));
        for (int j = 1; j < k; j++) {
            s.add(s(Codes.LDX_MEM, WALK_SLOT + j - 1));
            s.add(s(Codes.LDB_IND, nl + 41));
            s.add(s(Codes.ADD_K, 1));
            s.add(s(Codes.LSH_K, 3));
            s.add(s(Codes.ADD_X, 0));
            s.add(s(Codes.TAX, 0));
            s.add(s(Codes.STX, WALK_SLOT + j));
        }
        return s;
    }

    /** Statements leaving in A the type of header {@code i} (0: the fixed header's next header). */
    private static List<ClassicInsn> type(int nl, int i) {
        if (i == 0) {
            return List.of(s(Codes.LDB_ABS, nl + 6));
        }
        if (i == 1) {
            return List.of(s(Codes.LDB_ABS, nl + 40));
        }
        List<ClassicInsn> s = walk(nl, i - 1);
        s.add(s(Codes.LDB_IND, nl + 40));
        return s;
    }

    /** Statements leaving in A the fragment-offset word of header {@code i} (meaningful for a fragment header). */
    private static List<ClassicInsn> fragWord(int nl, int i) {
        if (i == 0) {
            return List.of(s(Codes.LDH_ABS, nl + 42));
        }
        List<ClassicInsn> s = walk(nl, i);
        s.add(s(Codes.LDH_IND, nl + 42));
        return s;
    }

    /** Header {@code i} is a walked extension header and not the fragment header of a non-first fragment. */
    private static Pred extension(int nl, int i) {
        List<ClassicInsn> t = type(nl, i);
        Pred ext = Pred.FALSE;
        for (int c : EXT) {
            ext = Pred.or(ext, new Pred.Test(t, Codes.JEQ_K, c));
        }
        Pred first = Pred.or(Pred.not(new Pred.Test(t, Codes.JEQ_K, FRAGMENT)),
                Pred.not(new Pred.Test(fragWord(nl, i), Codes.JSET_K, 0xfff8)));
        return Pred.and(ext, first);
    }

    /** Header {@code k} of the walk is {@code proto} (the walk's structure is {@link #relation}'s). */
    static Pred guard(Lowering lw, int proto, int k) {
        return new Pred.Test(type(lw.link().offNl(), k), Codes.JEQ_K, proto);
    }

    /** {@code proto[idx : size]} over IPv6 at walk depth {@code k}; scratch words from {@code depth} are free. */
    static ArithLowering.Val load(Lowering lw, Ast.Load ld, ArithLowering.Val idx, int depth, int k)
            throws LowerException {
        if (depth > WALK_SLOT) {
            throw new LowerException("expression too complex for the IPv6 transport walk");
        }
        int nl = lw.link().offNl();
        int size = ld.size();
        int abs = size == 4 ? Codes.LD_ABS : size == 2 ? Codes.LDH_ABS : Codes.LDB_ABS;
        int ind = size == 4 ? Codes.LD_IND : size == 2 ? Codes.LDH_IND : Codes.LDB_IND;
        Pred guard = Pred.and(idx.guard(), guard(lw, protocol(ld.proto()), k));
        List<ClassicInsn> s = new ArrayList<>();
        int hdr = nl + 40;
        if (idx.constant() != null) {
            int off = hdr + idx.constant().intValue();
            if (k == 0) {
                s.add(s(abs, off));
            } else {
                s.addAll(walk(nl, k));
                s.add(s(ind, off));
            }
        } else {
            s.addAll(idx.stmts());
            if (k > 0) {
                s.add(s(Codes.ST, depth));
                s.addAll(walk(nl, k));
                s.add(s(Codes.LD_MEM, depth));
                s.add(s(Codes.ADD_X, 0));
            }
            s.add(s(Codes.TAX, 0));
            s.add(s(ind, hdr));
        }
        return new ArithLowering.Val(s, guard, null);
    }
}
