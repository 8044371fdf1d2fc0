package io.weir.compiler.lower;

import io.weir.compiler.FilterSyntaxException;
import io.weir.compiler.parse.Ast;
import java.nio.ByteOrder;

/**
 * {@code --vlan-any}, Weir's extension: on Ethernet, the filter applies to the packet after its VLAN tags,
 * whether it carries none, one or two (TPID 0x8100, 0x88a8 or 0x9100), instead of libpcap's reading in which
 * {@code vlan} shifts the offsets of what follows and an untagged filter never matches a tagged packet.
 *
 * <p>The expression is lowered three times, with the offsets of 0, 4 and 8 bytes of tags, each under the
 * test that the packet has exactly that many (a third tag is read as the payload's type, as libpcap would). An
 * expression that names {@code vlan} or {@code mpls} itself already says where the tags are and is compiled
 * as without the option, as is any link type other than Ethernet (Linux cooked captures carry tags out of
 * band).
 */
public final class VlanAny {
    private VlanAny() {
    }

    /** Lowers {@code ast} for {@code linkType} with {@code --vlan-any}. */
    public static Pred lower(Ast.Expr ast, String src, int linkType, ByteOrder fileOrder, long netmask,
            SetTable sets, boolean ip6Transport) throws FilterSyntaxException {
        LinkLayer ll0 = LinkLayer.of(linkType, fileOrder);
        if (!ll0.isEthernet() || namesTags(ast)) {
            return Lowering.lower(ast, src, ll0, netmask, sets, ip6Transport);
        }
        Pred p0 = Lowering.lower(ast, src, ll0, netmask, sets, ip6Transport);
        LinkLayer ll1 = LinkLayer.of(linkType, fileOrder);
        LinkLayer ll2 = LinkLayer.of(linkType, fileOrder);
        Pred outerTag;
        Pred secondTag;
        try {
            outerTag = ll1.vlan(null);
            ll2.vlan(null);
            secondTag = ll2.vlan(null);
        } catch (LowerException e) {
            throw new IllegalStateException(e);
        }
        Pred p1 = Lowering.lower(ast, src, ll1, netmask, sets, ip6Transport);
        Pred p2 = Lowering.lower(ast, src, ll2, netmask, sets, ip6Transport);
        Pred untagged = Pred.and(Pred.not(outerTag), p0);
        Pred one = Pred.and(outerTag, Pred.and(Pred.not(secondTag), p1));
        Pred two = Pred.and(outerTag, Pred.and(secondTag, p2));
        return Pred.or(untagged, Pred.or(one, two));
    }

    /** Whether {@code e} has a {@code vlan} or {@code mpls} primitive. */
    static boolean namesTags(Ast.Expr e) {
        if (e instanceof Ast.And a) {
            return namesTags(a.l()) || namesTags(a.r());
        }
        if (e instanceof Ast.Or o) {
            return namesTags(o.l()) || namesTags(o.r());
        }
        if (e instanceof Ast.Not n) {
            return namesTags(n.e());
        }
        if (e instanceof Ast.Scope s) {
            return namesTags(s.e());
        }
        return e instanceof Ast.Other o && (o.kind().equals("vlan") || o.kind().equals("mpls"));
    }
}
