package io.weir.compiler.lower;

import io.weir.engine.cbpf.ClassicOp.Codes;
import java.util.Map;

/**
 * {@code llc [subtype]}: an 802.2 LLC frame on Ethernet (a length field, and not Novell's raw 802.3 with
 * {@code 0xffff} where the SAPs would be), optionally with the frame type of its control field: I, S or U, or
 * one S or U command (libpcap's {@code gen_llc_*}); on SunATM the pseudo-header's LLC traffic type, on 802.11 a
 * data frame, with the control field where their LLC header is.
 */
final class Llc {
    /** S-format commands: control & 0x0f. */
    private static final Map<String, Integer> S_CMDS = Map.of("rr", 0x01, "rnr", 0x05, "rej", 0x09);
    /** U-format commands: control & 0xef (the poll/final bit masked off). */
    private static final Map<String, Integer> U_CMDS = Map.of("ui", 0x03, "ua", 0x63, "disc", 0x43, "dm", 0x0f,
            "sabme", 0x6f, "test", 0xe3, "xid", 0xaf, "frmr", 0x87);

    private Llc() {
    }

    /** {@code llc} with {@code subtype} (null for any LLC frame). */
    static Pred llc(LinkLayer ll, String subtype) throws LowerException {
        if (subtype != null && !subtype.equals("i") && !subtype.equals("s") && !subtype.equals("u")
                && !S_CMDS.containsKey(subtype) && !U_CMDS.containsKey(subtype)) {
            throw new LowerException("unknown LLC type name \"" + subtype + "\"");
        }
        if (SunAtm.is(ll) && !ll.isEthernet()) {
            // SunATM (before lane): the pseudo-header says LLC traffic; the control field is 2 bytes into the PDU.
            Pred frame = SunAtm.llcTraffic(ll);
            return subtype == null ? frame : Pred.and(frame, kind(subtype, ll.offLinkHdr() + 6));
        }
        if (Wlan.is(ll)) {
            // 802.11: a data frame, whose LLC header is the payload's start.
            Pred frame = Wlan.dataFrame(ll);
            return subtype == null ? frame : Pred.and(frame, kind(subtype, ll.offLinkType() + 2));
        }
        if (!ll.isEthernet()) {
            throw new LowerException("'llc' not supported for " + ll.name());
        }
        // The Ethernet length field: MPLS labels move the network layer but not this (libpcap tests the outer
        // frame's type field after "mpls" too).
        int lt = ll.offNl() - 2 - 4 * ll.mplsDepth();
        int pl = lt + 2;
        if (GenevePayload.sentinel(ll.offLinkType()) == GenevePayload.TYPE) {
            // Geneve's payload: the type field is not always right before the LLC header (GenevePayload).
            lt = ll.offLinkType();
            pl = ll.offNl();
        }
        Pred frame = Pred.and(Pred.not(LinkLayer.test(Codes.JGT_K, 1500, LinkLayer.load(2, lt))),
                Pred.not(LinkLayer.cmp(2, pl, 0xffff)));
        if (subtype == null) {
            return frame;
        }
        return Pred.and(frame, kind(subtype, pl + 2));
    }

    /** The frame type or command {@code subtype} in the control field at {@code ctl}. */
    private static Pred kind(String subtype, int ctl) {
        Pred kind;
        if (subtype.equals("i")) {
            kind = Pred.not(LinkLayer.test(Codes.JSET_K, 0x01, LinkLayer.load(1, ctl)));
        } else if (subtype.equals("s")) {
            kind = LinkLayer.mcmp(1, ctl, 0x03, 0x01);
        } else if (subtype.equals("u")) {
            kind = LinkLayer.mcmp(1, ctl, 0x03, 0x03);
        } else if (S_CMDS.containsKey(subtype)) {
            kind = LinkLayer.mcmp(1, ctl, 0x0f, S_CMDS.get(subtype));
        } else {
            kind = LinkLayer.mcmp(1, ctl, 0xef, U_CMDS.get(subtype));
        }
        return kind;
    }
}
