package io.weir.compiler.lower;

import io.weir.compiler.FilterSyntaxException;
import io.weir.compiler.parse.Ast.Id;
import io.weir.compiler.parse.Ast.IdKind;
import io.weir.compiler.parse.Ast.Qual;
import io.weir.engine.cbpf.ClassicInsn;
import io.weir.engine.cbpf.ClassicOp.Codes;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ip protochain N}, {@code ip6 protochain N} and {@code protochain N} (both): the header chain walked
 * for protocol N, with libpcap's verdicts ({@code gen_protochain}) up to a bound.
 *
 * <p>libpcap compiles a loop with a backward jump, which a classic BPF program cannot have elsewhere; Weir
 * unrolls it to {@link #MAX_HEADERS} headers after the IP header. The walk, as libpcap does it: IPv6 follows
 * hop-by-hop (0), routing (43), fragment (44) and destination-options (60) headers, each
 * {@code (len + 1) * 8} bytes, and AH (51); IPv4 follows only AH. A protocol equal to N accepts, anything else
 * rejects (no-next-header 59 included). libpcap's own quirk is kept: after AH the offset becomes
 * {@code (len + 2) * 4} from the start of the IP header rather than growing by it, so an AH after an IPv4 options
 * header or after IPv6 extension headers points the walk back into the packet, exactly as in libpcap.
 *
 * <p>Past the bound ({@value #MAX_HEADERS} headers followed and the next one still to be followed) the packet is
 * rejected, where libpcap would keep walking; libpcap's loop can also run forever on a crafted AH chain, which
 * Weir's cannot.
 *
 * <p>Each test is self-contained (see {@link Pred}), so the walk to header k is recomputed branch-free by every
 * test at level k: with e = 0 for AH and 1 for the others, {@code x' = e * (x + 4L) + 4L + 8}, and e itself is
 * {@code (((nh + 205) & 255) + 255) >> 8}. Membership of the next-header value in the followed set is one test:
 * {@code nh * (nh-43) * (nh-44) * (nh-51) * (nh-60)} is zero modulo 2^32 exactly for those five values (the
 * factors never hold 32 factors of two between them).
 */
final class Protochain {
    /** Extension headers (IPv6) or AH headers (IPv4) followed at most. */
    static final int MAX_HEADERS = 8;
    private static final int AH = 51;
    private static final int M_NH = 0;
    private static final int M_E = 1;
    private static final int M_4L = 2;
    private static final int M_TMP = 3;
    private static final int M_PRODUCT = 4;
    private static final int M_X = 5;

    private Protochain() {
    }

    /** {@code [ip|ip6] protochain ID}, the id a number or an IP protocol name. */
    static Pred protochain(Lowering lw, Qual q, Id id) throws LowerException, FilterSyntaxException {
        long v;
        if (id.kind() == IdKind.NUM) {
            v = id.num();
        } else if (id.kind() == IdKind.NAME) {
            v = Names.ipProtocol(id.text());
            if (v < 0) {
                throw lw.error("unknown ip proto '" + id.text() + "'", id.span());
            }
        } else {
            throw lw.error("syntax error at '" + id.text() + "'", id.span());
        }
        String p = q.proto();
        int version = p == null ? 0 : p.equals("ip") ? 4 : p.equals("ip6") ? 6 : -1;
        if (version < 0) {
            throw lw.error("bad protocol applied for 'protochain'", q.protoSpan());
        }
        return protochain(lw, version, (int) v);
    }

    /** {@code [ip|ip6] protochain v}: {@code ipVersion} 4, 6 or 0 for both. */
    static Pred protochain(Lowering lw, int ipVersion, int v) throws LowerException {
        if (lw.scope() != null && lw.scope().isGeneve() || lw.variableLink) {
            // libpcap's words for a variable link-layer payload offset: Geneve's payload, radiotap/PPI/802.11.
            throw new LowerException("'protochain' not supported with variable length headers");
        }
        LinkLayer ll = lw.link();
        Pred p4 = null;
        Pred p6 = null;
        if (ipVersion != 6) {
            p4 = Pred.and(ll.linktype(LinkLayer.ETHERTYPE_IP), level(ll.offNl(), false, 0, v));
        }
        if (ipVersion != 4) {
            p6 = Pred.and(ll.linktype(LinkLayer.ETHERTYPE_IPV6), level(ll.offNl(), true, 0, v));
        }
        return Pred.or(p4, p6);
    }

    /** The walk from header {@code k} on: accept on {@code v}, follow a followed header, reject otherwise. */
    private static Pred level(int nl, boolean v6, int k, int v) {
        List<ClassicInsn> chain = chain(nl, v6, k);
        Pred found = new Pred.Test(chain, Codes.JEQ_K, v);
        if (k == MAX_HEADERS) {
            return found;
        }
        List<ClassicInsn> member = new ArrayList<>(chain);
        if (v6) {
            // X is saved and restored around the product, so that the next level's test finds the walk's
            // registers as its own prefix leaves them and the emitter drops that prefix (opt.Recompute): the
            // program then grows linearly with the bound, not quadratically.
            member.add(ClassicInsn.stmt(Codes.STX, M_X));
            member.add(st(M_TMP));
            int[] others = {43, 44, 51, 60};
            for (int i = 0; i < others.length; i++) {
                if (i > 0) {
                    member.add(ClassicInsn.stmt(Codes.LD_MEM, M_TMP));
                }
                member.add(ClassicInsn.stmt(Codes.SUB_K, others[i]));
                if (i > 0) {
                    member.add(ClassicInsn.stmt(Codes.MUL_X, 0));
                }
                member.add(ClassicInsn.stmt(Codes.TAX, 0));
            }
            member.add(ClassicInsn.stmt(Codes.LD_MEM, M_TMP));
            member.add(ClassicInsn.stmt(Codes.MUL_X, 0));
            member.add(st(M_PRODUCT));
            member.add(ClassicInsn.stmt(Codes.LDX_MEM, M_X));
            member.add(ClassicInsn.stmt(Codes.LD_MEM, M_PRODUCT));
            Pred follow = new Pred.Test(member, Codes.JEQ_K, 0);
            return Pred.or(found, Pred.and(follow, level(nl, true, k + 1, v)));
        }
        Pred follow = new Pred.Test(chain, Codes.JEQ_K, AH);
        return Pred.or(found, Pred.and(follow, level(nl, false, k + 1, v)));
    }

    /**
     * Statements leaving the next-header value of level {@code k} in A and the offset of the header it names
     * (from the start of the IP header) in X, loading exactly what libpcap has loaded when it compares it.
     */
    private static List<ClassicInsn> chain(int nl, boolean v6, int k) {
        List<ClassicInsn> s = new ArrayList<>();
        if (v6) {
            s.add(ClassicInsn.stmt(Codes.LDB_ABS, nl + 6));
            s.add(ClassicInsn.stmt(Codes.LDX_IMM, 40));
        } else {
            s.add(ClassicInsn.stmt(Codes.LDB_ABS, nl + 9));
            s.add(ClassicInsn.stmt(Codes.LDX_MSH, nl));
            s.add(st(M_E));
        }
        for (int i = 0; i < k; i++) {
            if (v6) {
                step6(s, nl);
            } else {
                step4(s, nl);
            }
        }
        return s;
    }

    /**
     * IPv4: only AH is followed; x' = (len + 2) * 4. The sum of the next-header values seen is kept in a scratch
     * word only so that the registers hold every load of the walk so far, which lets the emitter drop the
     * recomputed prefix (x' alone forgets them).
     */
    private static void step4(List<ClassicInsn> s, int nl) {
        s.add(ClassicInsn.stmt(Codes.LDB_IND, nl));
        s.add(st(M_NH));
        s.add(ClassicInsn.stmt(Codes.LDB_IND, nl + 1));
        s.add(ClassicInsn.stmt(Codes.ADD_K, 2));
        s.add(ClassicInsn.stmt(Codes.LSH_K, 2));
        s.add(st(M_4L));
        s.add(ClassicInsn.stmt(Codes.LD_MEM, M_E));
        s.add(ClassicInsn.stmt(Codes.LDX_MEM, M_NH));
        s.add(ClassicInsn.stmt(Codes.ADD_X, 0));
        s.add(st(M_E));
        s.add(ClassicInsn.stmt(Codes.LDX_MEM, M_4L));
        s.add(ClassicInsn.stmt(Codes.LD_MEM, M_NH));
    }

    /** IPv6: from (A = nh, X = x) to the next header's (A, X). */
    private static void step6(List<ClassicInsn> s, int nl) {
        s.add(ClassicInsn.stmt(Codes.ADD_K, 205));
        s.add(ClassicInsn.stmt(Codes.AND_K, 255));
        s.add(ClassicInsn.stmt(Codes.ADD_K, 255));
        s.add(ClassicInsn.stmt(Codes.RSH_K, 8));
        s.add(st(M_E));
        s.add(ClassicInsn.stmt(Codes.LDB_IND, nl));
        s.add(st(M_NH));
        s.add(ClassicInsn.stmt(Codes.LDB_IND, nl + 1));
        s.add(ClassicInsn.stmt(Codes.LSH_K, 2));
        s.add(st(M_4L));
        s.add(ClassicInsn.stmt(Codes.ADD_X, 0));
        s.add(ClassicInsn.stmt(Codes.LDX_MEM, M_E));
        s.add(ClassicInsn.stmt(Codes.MUL_X, 0));
        s.add(ClassicInsn.stmt(Codes.LDX_MEM, M_4L));
        s.add(ClassicInsn.stmt(Codes.ADD_X, 0));
        s.add(ClassicInsn.stmt(Codes.ADD_K, 8));
        s.add(ClassicInsn.stmt(Codes.TAX, 0));
        s.add(ClassicInsn.stmt(Codes.LD_MEM, M_NH));
    }

    private static ClassicInsn st(int word) {
        return ClassicInsn.stmt(Codes.ST, word);
    }
}
