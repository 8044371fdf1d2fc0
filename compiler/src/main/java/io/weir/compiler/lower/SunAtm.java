package io.weir.compiler.lower;

import io.weir.compiler.parse.Ast;
import io.weir.compiler.parse.ForeignKeywords;
import io.weir.engine.cbpf.ClassicInsn;
import io.weir.engine.cbpf.ClassicOp.Codes;

/**
 * The raw-ATM keywords on SunATM (DLT 123), with libpcap's meaning ({@code gen_atmfield_code},
 * {@code gen_atmtype_abbrev}, {@code gen_atmmulti_abbrev}). The 4-byte pseudo-header holds the traffic type in
 * the low nibble of byte 0 (1: LANE, 2: LLC), the VPI in byte 1 and the VCI in bytes 2-3; the AAL5 PDU follows.
 * {@code vpi}/{@code vci} compare those fields with {@code = > >= < <= !=}; the circuit keywords ({@code metac},
 * {@code bcc}, {@code sc}, {@code ilmic}, {@code oamf4sc}, {@code oamf4ec}, {@code oam}/{@code oamf4}) are VPI 0
 * with their well-known VCIs; {@code connectmsg}/{@code metaconnect} add the Q.2931 message types at byte 5 of
 * the PDU.
 *
 * <p>{@code lane} matches LANE traffic and then, as in libpcap, moves every later primitive onto the LANE
 * Ethernet frame 2 bytes into the PDU ({@link LinkLayer#lane()}): Ethernet offsets, MAC addresses, vlan and mpls,
 * with LE control frames (first PDU half-word 0xff00) refused by the protocol and MAC tests. The ATM fields are
 * then read relative to that frame too, which is libpcap's behaviour (its offsets are link-header relative).
 */
final class SunAtm {
    /** DLT_SUNATM. */
    static final int DLT = 123;
    private static final int OFF_PROTO = 0;
    private static final int OFF_VPI = 1;
    private static final int OFF_VCI = 2;
    /** Q.2931 message type: the AAL5 PDU (at 4) plus 5. */
    private static final int OFF_MSGTYPE = 9;
    private static final int PT_LANE = 1;
    private static final int PT_LLC = 2;
    /** Q.2931 message types, in libpcap's test order for {@code connectmsg}: RELEASE_DONE first, CALL_PROCEED last. */
    private static final int[] CONNECT_MSGS = {0x5a, 0x4d, 0x0f, 0x07, 0x05, 0x02};
    /** The same for {@code metaconnect}, which has no CONNECT_ACK. */
    private static final int[] METACONNECT_MSGS = {0x5a, 0x4d, 0x07, 0x05, 0x02};

    private SunAtm() {
    }

    /** Whether {@code ll} is SunATM, before or after {@code lane}. */
    static boolean is(LinkLayer ll) {
        return ll.linkType() == DLT;
    }

    /** An ATM primitive: {@code o.kind()} is {@code "atm "} and the keyword; fields carry the operator in proto. */
    static Pred lower(Lowering lw, Ast.Other o) throws LowerException {
        String word = o.kind().substring(4);
        LinkLayer ll = lw.link();
        if (!is(ll)) {
            throw new LowerException(ForeignKeywords.message(word));
        }
        int hdr = ll.offLinkHdr();
        switch (word) {
            case "vpi":
                return Fields.compare(1, hdr + OFF_VPI, -1, o.proto(), o.num().intValue());
            case "vci":
                return Fields.compare(2, hdr + OFF_VCI, -1, o.proto(), o.num().intValue());
            case "lane": {
                Pred p = LinkLayer.mcmp(1, hdr + OFF_PROTO, 0x0f, PT_LANE);
                lw.enter(ll.lane(), lw.scope());
                return p;
            }
            case "oam": case "oamf4":
                return Pred.and(vpi(hdr, 0), Pred.or(vci(hdr, 3), vci(hdr, 4)));
            case "connectmsg":
                return Pred.and(circuit(hdr, 5), messages(hdr, CONNECT_MSGS));
            case "metaconnect":
                return Pred.and(circuit(hdr, 1), messages(hdr, METACONNECT_MSGS));
            default:
                return circuit(hdr, circuitVci(word));
        }
    }

    /** The VCI of a signalling or management circuit (all on VPI 0). */
    private static int circuitVci(String word) {
        switch (word) {
            case "metac": return 1;
            case "bcc": return 2;
            case "oamf4sc": return 3;
            case "oamf4ec": return 4;
            case "sc": return 5;
            default: return 16;   // ilmic
        }
    }

    /** The pseudo-header's traffic type is LLC ({@code llc} on SunATM). */
    static Pred llcTraffic(LinkLayer ll) {
        return LinkLayer.mcmp(1, ll.offLinkHdr() + OFF_PROTO, 0x0f, PT_LLC);
    }

    private static Pred vpi(int hdr, int v) {
        return LinkLayer.cmp(1, hdr + OFF_VPI, v);
    }

    private static Pred vci(int hdr, int v) {
        return LinkLayer.cmp(2, hdr + OFF_VCI, v);
    }

    private static Pred circuit(int hdr, int vci) {
        return Pred.and(vpi(hdr, 0), vci(hdr, vci));
    }

    private static Pred messages(int hdr, int[] types) {
        Pred p = null;
        for (int t : types) {
            p = Pred.or(p, LinkLayer.cmp(1, hdr + OFF_MSGTYPE, t));
        }
        return p;
    }

    /** Field comparisons with libpcap's relational operators, shared with {@link Mtp}. */
    static final class Fields {
        private Fields() {
        }

        /**
         * The {@code size}-byte field at {@code off}, masked with {@code mask} (-1: whole), compared with {@code v}
         * by {@code op} ({@code = > >= < <= !=}), as libpcap's {@code gen_ncmp} does: {@code <} and {@code <=} are
         * {@code >=} and {@code >} reversed, and {@code !=} is, by libpcap's quirk, {@code =}.
         */
        static Pred compare(int size, int off, int mask, String op, int v) {
            if (op.equals("=") || op.equals("!=")) {
                // libpcap's gen_ncmp reverses only JGT and JGE: "vci != 3" is "vci = 3" there, so here too.
                return mask == -1 ? LinkLayer.cmp(size, off, v) : LinkLayer.mcmp(size, off, mask, v);
            }
            boolean reverse = op.equals("<") || op.equals("<=");
            int jcode = op.equals(">") || op.equals("<=") ? Codes.JGT_K : Codes.JGE_K;
            Pred t = mask == -1 ? LinkLayer.test(jcode, v, LinkLayer.load(size, off))
                    : LinkLayer.test(jcode, v, LinkLayer.load(size, off), ClassicInsn.stmt(Codes.AND_K, mask));
            return reverse ? Pred.not(t) : t;
        }
    }
}
