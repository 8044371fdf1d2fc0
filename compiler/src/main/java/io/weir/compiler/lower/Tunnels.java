package io.weir.compiler.lower;

import io.weir.compiler.FilterSyntaxException;
import io.weir.compiler.parse.Ast;
import io.weir.engine.cbpf.ClassicInsn;
import io.weir.engine.cbpf.ClassicOp.Codes;
import java.util.ArrayList;
import java.util.List;

/**
 * Weir's tunnel extensions (README "Extensions"): {@code vxlan [vni]}, the {@code gre} and {@code ipip}
 * abbreviations, and the {@code inner (expr)} scope.
 *
 * <ul>
 *   <li>{@code vxlan [vni]}: UDP to port 4789 over IPv4 (first fragment) or IPv6 (UDP right after the fixed
 *       header, as libpcap's {@code udp port}), and the 24-bit VNI when given. The I flag is not required:
 *       tshark's VXLAN dissector decodes the header whatever the flags. Like libpcap's {@code geneve}, what
 *       follows {@code vxlan} in the expression applies to the inner Ethernet frame.</li>
 *   <li>{@code gre}: IP protocol 47 ({@code ip proto 47 or ip6 proto 47}); {@code ipip}: IP protocol 4 or 41
 *       (IPv4 or IPv6 inside IPv4 or IPv6). Neither moves the offsets.</li>
 *   <li>{@code inner (e)}: the packet carries one of these tunnels and the packet inside matches {@code e}:
 *       VXLAN (inner Ethernet), Geneve version 0 with protocol 0x6558 (Ethernet) or 0x0800/0x86dd (IP), GRE
 *       version 0 without routing (checksum, key and sequence fields skipped) with protocol 0x6558 (Ethernet)
 *       or 0x0800/0x86dd (IP), and IP-in-IP. Right after {@code vxlan}, whose inner frame is already current,
 *       {@code inner (e)} is that frame. Scopes nest {@link Frame#MAX_DEPTH} deep.</li>
 * </ul>
 * The outer tunnel header is found after IPv4's header (IHL) or IPv6's fixed 40 bytes, computed without a
 * branch, so one frame serves both; see {@link Frame} for how the inner primitives are moved onto it.
 */
final class Tunnels {
    static final int VXLAN_PORT = 4789;
    static final int GENEVE_PORT = 6081;
    private static final int IPPROTO_IPIP = 4;
    private static final int IPPROTO_IPV6 = 41;
    private static final int IPPROTO_GRE = 47;
    private static final int ETHERTYPE_TEB = 0x6558;

    private Tunnels() {
    }

    private static ClassicInsn s(int code, int k) {
        return ClassicInsn.stmt(code, k);
    }

    /**
     * Leaves in A the offset of the IP payload: {@code nl + 4*IHL} for IPv4, {@code nl + 40} for IPv6, without
     * a branch ({@code is6 = (version >> 1) & 1} picks one); uses scratch word {@code t}.
     */
    static List<ClassicInsn> ipPayload(int nl, int t) {
        return new ArrayList<>(List.of(s(Codes.LDX_MSH, nl), s(Codes.TXA, 0), s(Codes.NEG, 0), s(Codes.ADD_K, 40),
                s(Codes.ST, t), s(Codes.LDB_ABS, nl), s(Codes.RSH_K, 5), s(Codes.AND_K, 1), s(Codes.LDX_MEM, t),
                s(Codes.MUL_X, 0), s(Codes.LDX_MSH, nl), s(Codes.ADD_X, 0), s(Codes.ADD_K, nl)));
    }

    private static List<ClassicInsn> plus(List<ClassicInsn> base, int k) {
        List<ClassicInsn> s = new ArrayList<>(base);
        s.add(s(Codes.ADD_K, k));
        return s;
    }

    /** The Geneve header at {@code udp + 8}: the inner frame after its 8 bytes and {@code 4 * optlen}. */
    static List<ClassicInsn> geneveInner(List<ClassicInsn> udp) {
        List<ClassicInsn> s = plus(udp, 8);
        s.addAll(List.of(s(Codes.TAX, 0), s(Codes.LDB_IND, 0), s(Codes.AND_K, 0x3f), s(Codes.LSH_K, 2),
                s(Codes.ADD_X, 0), s(Codes.ADD_K, 8)));
        return s;
    }

    /** The GRE header at {@code gre}: 4 bytes, plus 4 for each of the C (0x80), K (0x20), S (0x10) flags. */
    private static List<ClassicInsn> greInner(List<ClassicInsn> gre, int t1, int t2) {
        List<ClassicInsn> s = new ArrayList<>(gre);
        s.addAll(List.of(s(Codes.ST, t1), s(Codes.TAX, 0), s(Codes.LDB_IND, 0), s(Codes.RSH_K, 4),
                s(Codes.AND_K, 1), s(Codes.ST, t2), s(Codes.LDB_IND, 0), s(Codes.RSH_K, 5), s(Codes.AND_K, 1),
                s(Codes.LDX_MEM, t2), s(Codes.ADD_X, 0), s(Codes.ST, t2), s(Codes.LDX_MEM, t1), s(Codes.LDB_IND, 0),
                s(Codes.RSH_K, 7), s(Codes.LDX_MEM, t2), s(Codes.ADD_X, 0), s(Codes.LSH_K, 2), s(Codes.ADD_K, 4),
                s(Codes.LDX_MEM, t1), s(Codes.ADD_X, 0)));
        return s;
    }

    /** IPv4 (first fragment) or IPv6 (directly after the fixed header) carrying IP protocol {@code p}. */
    static Pred carries(Lowering lw, int p) throws LowerException {
        LinkLayer ll = lw.link();
        Pred v4 = Pred.and(lw.ipProto(p), lw.notFragment());
        Pred v6 = Pred.and(ll.linktype(LinkLayer.ETHERTYPE_IPV6), LinkLayer.cmp(1, ll.offNl() + 6, p));
        return Pred.or(v4, v6);
    }

    /** {@code gre} and {@code ipip} on their own. */
    static Pred abbrev(Lowering lw, String name) throws LowerException {
        if (name.equals("gre")) {
            return Pred.or(lw.ipProto(IPPROTO_GRE), lw.ip6Proto(IPPROTO_GRE));
        }
        return Pred.or(Pred.or(lw.ipProto(IPPROTO_IPIP), lw.ipProto(IPPROTO_IPV6)),
                Pred.or(lw.ip6Proto(IPPROTO_IPIP), lw.ip6Proto(IPPROTO_IPV6)));
    }

    /** {@code vxlan [vni]}: the test, after which the lowering is in the inner Ethernet frame. */
    static Pred vxlan(Lowering lw, Long vni) throws LowerException {
        if (vni != null && vni > 0xFFFFFF) {
            throw new LowerException("VXLAN VNI " + vni + " greater than maximum 16777215");
        }
        Frame scope = lw.scope();
        int t = Frame.slotAt(Frame.depthIn(scope));
        List<ClassicInsn> udp = ipPayload(lw.link().offNl(), t);
        Pred hdr = LinkLayer.cmp(2, 2, VXLAN_PORT);
        if (vni != null) {
            hdr = Pred.and(hdr, LinkLayer.mcmp(4, 12, 0xffffff00, (int) (vni << 8)));
        }
        Pred guard = Pred.and(carries(lw, Lowering.IPPROTO_UDP), Frame.local(scope, udp).apply(hdr));
        lw.enter(LinkLayer.of(LinkLayer.EN10MB), Frame.nested(scope, plus(udp, 16), true));
        return guard;
    }

    /** One way in: the test that the packet is this tunnel, where its inner frame starts, and what it holds. */
    private record Way(Pred guard, List<ClassicInsn> base, boolean ethernet) {
    }

    private static List<Way> ways(Lowering lw, Frame scope) throws LowerException {
        int d = Frame.depthIn(scope);
        int t1 = Frame.slotAt(d);
        int t2 = t1 - 1;
        List<ClassicInsn> payload = ipPayload(lw.link().offNl(), t1);
        Frame at = Frame.local(scope, payload);
        Pred udp = carries(lw, Lowering.IPPROTO_UDP);
        Pred vx = Pred.and(udp, at.apply(LinkLayer.cmp(2, 2, VXLAN_PORT)));
        Frame gen = Frame.local(scope, plus(payload, 8));
        Pred geneve = Pred.and(Pred.and(udp, at.apply(LinkLayer.cmp(2, 2, GENEVE_PORT))),
                gen.apply(LinkLayer.mcmp(1, 0, 0xc0, 0)));
        Pred ipInside = Pred.or(LinkLayer.cmp(2, 2, LinkLayer.ETHERTYPE_IP), LinkLayer.cmp(2, 2,
                LinkLayer.ETHERTYPE_IPV6));
        Pred greHdr = Pred.and(Pred.and(carries(lw, IPPROTO_GRE), at.apply(LinkLayer.mcmp(1, 0, 0x4f, 0))),
                at.apply(LinkLayer.mcmp(1, 1, 0x07, 0)));
        Pred ipip = Pred.or(carries(lw, IPPROTO_IPIP), carries(lw, IPPROTO_IPV6));
        List<ClassicInsn> greIn = greInner(payload, t1, t2);
        return List.of(new Way(vx, plus(payload, 16), true),
                new Way(Pred.and(geneve, gen.apply(LinkLayer.cmp(2, 2, ETHERTYPE_TEB))), geneveInner(payload), true),
                new Way(Pred.and(geneve, gen.apply(ipInside)), geneveInner(payload), false),
                new Way(Pred.and(greHdr, at.apply(LinkLayer.cmp(2, 2, ETHERTYPE_TEB))), greIn, true),
                new Way(Pred.and(greHdr, at.apply(ipInside)), greIn, false),
                new Way(ipip, payload, false));
    }

    /** {@code inner (e)}. */
    static Pred inner(Lowering lw, Ast.Scope node) throws LowerException, FilterSyntaxException {
        LinkLayer outerLink = lw.link();
        Frame scope = lw.scope();
        if (scope != null && scope.fromKeyword) {
            try {
                lw.enter(outerLink, scope.plain());
                return lw.expr(node.e());
            } finally {
                lw.enter(outerLink, scope);
            }
        }
        List<Way> ways = ways(lw, scope);
        Pred result = Pred.FALSE;
        FilterSyntaxException first = null;
        boolean lowered = false;
        for (Way w : ways) {
            Pred p;
            try {
                lw.enter(LinkLayer.of(w.ethernet ? LinkLayer.EN10MB : LinkLayer.RAW),
                        Frame.nested(scope, w.base, false));
                p = lw.expr(node.e());
                lowered = true;
            } catch (FilterSyntaxException e) {
                // Not meaningful on this inner link layer ("ether host" inside IP-in-IP): that way never matches.
                if (first == null) {
                    first = e;
                }
                continue;
            } finally {
                lw.enter(outerLink, scope);
            }
            Pred g = scope == null ? w.guard : scope.apply(w.guard);
            result = Pred.or(result, Pred.and(g, p));
        }
        if (!lowered) {
            throw first;
        }
        return result;
    }
}
