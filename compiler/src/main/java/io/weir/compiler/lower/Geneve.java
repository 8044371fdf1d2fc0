package io.weir.compiler.lower;

import io.weir.engine.cbpf.ClassicInsn;
import io.weir.engine.cbpf.ClassicOp.Codes;

/**
 * {@code geneve [vni]} with libpcap's test ({@code gen_geneve}): UDP to destination port 6081 over IPv4 (first
 * fragment, transport header after IHL) or IPv6 (UDP right after the fixed header, no fragment header), Geneve
 * version 0 (the top two bits of its first byte), and the 24-bit VNI when given. Like libpcap, it reads no
 * link type field beyond the IP one; and once the test passes, libpcap computes the inner offsets, which reads
 * the Geneve protocol field (bytes 2-3): a packet cut inside it is rejected, so the test here loads it too.
 *
 * <p>What follows {@code geneve} applies to its payload, as in libpcap, with offsets that depend on the protocol
 * field (inner Ethernet for 0x6558: link type at inner+12; otherwise the protocol field itself is the link type
 * and the payload the network layer): {@link #enterPayload} opens that frame ({@link GenevePayload}). In that
 * payload a second {@code geneve} is its test only, as libpcap's is; where Weir does not compile the payload
 * (after a second {@code geneve}, inside a tunnel scope, on 802.11), {@link Lowering} rejects, with
 * a located error, any primitive written after {@code geneve}.
 */
final class Geneve {
    private static final long MAX_VNI = 0xFFFFFF;

    private Geneve() {
    }

    private static ClassicInsn s(int code, int k) {
        return ClassicInsn.stmt(code, k);
    }

    /** The test for {@code geneve [vni]}. */
    static Pred geneve(Lowering lw, Long vni) throws LowerException {
        if (vni != null && vni > MAX_VNI) {
            throw new LowerException("Geneve VNI " + vni + " greater than maximum " + MAX_VNI);
        }
        LinkLayer ll = lw.link();
        int nl = ll.offNl();
        // IPv4: the UDP header at nl + 4*IHL, indexed through X as libpcap's gen_portop does.
        Pred v4 = Pred.and(Pred.and(ll.linktype(LinkLayer.ETHERTYPE_IP),
                LinkLayer.cmp(1, nl + 9, Lowering.IPPROTO_UDP)), lw.notFragment());
        v4 = Pred.and(v4, LinkLayer.test(Codes.JEQ_K, Tunnels.GENEVE_PORT, s(Codes.LDX_MSH, nl),
                s(Codes.LDH_IND, nl + 2)));
        v4 = Pred.and(v4, Pred.not(LinkLayer.test(Codes.JSET_K, 0xc0, s(Codes.LDX_MSH, nl),
                s(Codes.LDB_IND, nl + 8))));
        if (vni != null) {
            v4 = Pred.and(v4, LinkLayer.test(Codes.JEQ_K, (int) (vni << 8), s(Codes.LDX_MSH, nl),
                    s(Codes.LD_IND, nl + 12), s(Codes.AND_K, 0xffffff00)));
        }
        v4 = Pred.and(v4, touch(s(Codes.LDX_MSH, nl), s(Codes.LDH_IND, nl + 10)));
        int udp6 = nl + 40;
        Pred v6 = Pred.and(Pred.and(ll.linktype(LinkLayer.ETHERTYPE_IPV6),
                LinkLayer.cmp(1, nl + 6, Lowering.IPPROTO_UDP)), LinkLayer.cmp(2, udp6 + 2, Tunnels.GENEVE_PORT));
        v6 = Pred.and(v6, LinkLayer.mcmp(1, udp6 + 8, 0xc0, 0));
        if (vni != null) {
            v6 = Pred.and(v6, LinkLayer.mcmp(4, udp6 + 12, 0xffffff00, (int) (vni << 8)));
        }
        v6 = Pred.and(v6, touch(s(Codes.LDH_ABS, udp6 + 10)));
        return Pred.or(v4, v6);
    }

    /**
     * Continues in the payload of the Geneve packet just tested ({@link GenevePayload}), as libpcap does; false
     * (nothing entered) where Weir does not compile it: inside a tunnel scope or another {@code geneve}, on
     * link types with variable offsets (802.11). After {@code mpls} the payload keeps the label depth, as
     * libpcap's does ({@link LinkLayer#genevePayload}).
     */
    static boolean enterPayload(Lowering lw) throws LowerException {
        LinkLayer ll = lw.link();
        if (lw.scope() != null || VarOffsets.variable(ll)) {
            return false;
        }
        Frame f = Frame.genevePayload(Tunnels.geneveInner(Tunnels.ipPayload(ll.offNl(), Frame.slotAt(0))),
                ll.offNl());
        lw.enter(ll.genevePayload(GenevePayload.TYPE, GenevePayload.NL), f);
        return true;
    }

    /**
     * A MAC-address test {@code p}, in Geneve's payload only when that payload is Ethernet (libpcap's
     * {@code gen_geneve_ll_check}: the link header is not where the network layer is).
     */
    static Pred macCheck(Lowering lw, Pred p) {
        if (lw.scope() == null || !lw.scope().isGeneve()) {
            return p;
        }
        return Pred.and(LinkLayer.cmp(2, GenevePayload.GENEVE + 2, GenevePayload.ETHERTYPE_TEB), p);
    }

    /** Always true once its loads succeed: the Geneve protocol field read that libpcap's offset code does. */
    private static Pred touch(ClassicInsn... loads) {
        return LinkLayer.test(Codes.JGE_K, 0, loads);
    }
}
