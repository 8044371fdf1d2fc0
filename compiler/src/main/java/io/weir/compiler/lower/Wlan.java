package io.weir.compiler.lower;

import io.weir.compiler.parse.Ast.Dir;
import io.weir.engine.cbpf.ClassicOp.Codes;

/**
 * 802.11 as libpcap 1.10 filters it, on DLT_IEEE802_11 and behind radiotap, PPI, Prism and AVS headers: the
 * frame control tests ({@code type}, {@code subtype}, {@code dir}), MAC addresses chosen by frame type and DS
 * bits ({@code wlan host/src/dst}, libpcap's {@code gen_wlanhostop}), {@code ether broadcast/multicast}, and
 * network protocols, which are checked only in data frames, in the LLC/SNAP header after the variable-length
 * 802.11 header ({@code gen_check_802_11_data_frame} and {@code gen_llc_linktype}).
 *
 * <p>Offsets here are relative to the 802.11 header ({@link LinkLayer#offLinkHdr()}, a {@link VarOffsets}
 * sentinel behind a radio header) and, for the payload, to {@link LinkTypes#VAR_PL}. The tests follow
 * libpcap's order of loads, so a truncated frame is rejected where libpcap's program rejects it.
 */
final class Wlan {
    /** Frame control byte 0: type bits. */
    private static final int FC0_TYPE_DATA = 0x08;
    private static final int FC0_TYPE_CTL = 0x04;
    /** Frame control byte 1: DS bits. */
    private static final int FC1_TO_DS = 0x01;
    private static final int FC1_FROM_DS = 0x02;
    private static final int ADDR1 = 4;
    private static final int ADDR2 = 10;
    private static final int ADDR3 = 16;
    private static final int ADDR4 = 24;
    /** libpcap does not take the frame-control primitives on PPI (its gen_p80211_type lists no DLT_PPI). */
    private static final int DLT_PPI = 192;

    private Wlan() {
    }

    /** Whether the link type is one of the 802.11 ones. */
    static boolean is(LinkLayer ll) {
        return ll.family() == LinkTypes.Family.WLAN;
    }

    private static Pred fcBit(LinkLayer ll, int octet, int bit) {
        return LinkLayer.test(Codes.JSET_K, bit, LinkLayer.load(1, ll.offLinkHdr() + octet));
    }

    /** A control (or reserved-type) frame: libpcap tests the low type bit. */
    private static Pred control(LinkLayer ll) {
        return fcBit(ll, 0, FC0_TYPE_CTL);
    }

    /** libpcap's {@code gen_check_802_11_data_frame}: not control, and the data type bit. */
    static Pred dataFrame(LinkLayer ll) {
        return Pred.and(Pred.not(control(ll)), fcBit(ll, 0, FC0_TYPE_DATA));
    }

    /** The network protocol {@code etherType}, in the LLC header of a data frame. */
    static Pred linktype(LinkLayer ll, int etherType) {
        return Pred.and(dataFrame(ll), OtherLinks.llc(ll.offLinkType(), etherType));
    }

    /** {@code type/subtype}: frame control byte 0, masked ({@code num} is mask &lt;&lt; 8 | value). */
    static Pred frameControl(LinkLayer ll, long num) throws LowerException {
        if (!is(ll) || ll.linkType() == DLT_PPI) {
            throw new LowerException("802.11 link-layer types supported only on 802.11");
        }
        return LinkLayer.mcmp(1, ll.offLinkHdr(), (int) (num >> 8) & 0xff, (int) num & 0xff);
    }

    /** {@code dir}: the DS bits of frame control byte 1. */
    static Pred direction(LinkLayer ll, long dir) throws LowerException {
        if (!is(ll) || ll.linkType() == DLT_PPI) {
            throw new LowerException("frame direction supported only with 802.11 headers");
        }
        if ((dir & ~0x03L) == 0) {
            return LinkLayer.mcmp(1, ll.offLinkHdr() + 1, 0x03, (int) dir);
        }
        // Not folded when the value has bits outside the mask: libpcap compiles "dir 4" (it matches nothing).
        return LinkLayer.test(Codes.JEQ_K, (int) dir, LinkLayer.load(1, ll.offLinkHdr() + 1),
                io.weir.engine.cbpf.ClassicInsn.stmt(Codes.AND_K, 0x03));
    }

    /** If {@code c} then {@code a} else {@code b}: {@code c} is tested once on every path after threading. */
    private static Pred ite(Pred c, Pred a, Pred b) {
        return Pred.or(Pred.and(c, a), Pred.and(Pred.not(c), b));
    }

    /** A MAC address test at {@code off} in the 802.11 header, as libpcap's {@code gen_bcmp}: low 4 bytes first. */
    private static Pred addr(LinkLayer ll, int off, byte[] mac) {
        int base = ll.offLinkHdr() + off;
        int low = ((mac[2] & 0xff) << 24) | ((mac[3] & 0xff) << 16) | ((mac[4] & 0xff) << 8) | (mac[5] & 0xff);
        int high = ((mac[0] & 0xff) << 8) | (mac[1] & 0xff);
        return Pred.and(LinkLayer.cmp(4, base + 2, low), LinkLayer.cmp(2, base, high));
    }

    /** What a direction compares: an address, or the group bit of its first byte. */
    private interface AddrTest {
        Pred at(int off);
    }

    /** Source: addr4 in a data frame with both DS bits, addr3 from the DS, else addr2; none in control frames. */
    private static Pred src(LinkLayer ll, AddrTest t) {
        Pred fromDs = fcBit(ll, 1, FC1_FROM_DS);
        Pred toDs = fcBit(ll, 1, FC1_TO_DS);
        Pred data = ite(fromDs, ite(toDs, t.at(ADDR4), t.at(ADDR3)), t.at(ADDR2));
        return Pred.and(Pred.not(control(ll)), ite(fcBit(ll, 0, FC0_TYPE_DATA), data, t.at(ADDR2)));
    }

    /** Destination: addr3 in a data frame to the DS, else addr1; none in control frames. */
    private static Pred dst(LinkLayer ll, AddrTest t) {
        Pred toDs = fcBit(ll, 1, FC1_TO_DS);
        Pred data = ite(toDs, t.at(ADDR3), t.at(ADDR1));
        return Pred.and(Pred.not(control(ll)), ite(fcBit(ll, 0, FC0_TYPE_DATA), data, t.at(ADDR1)));
    }

    /** Whether {@code dir} is one of the 802.11 address qualifiers ({@code addr1}..{@code addr4}, {@code ra}, {@code ta}). */
    static boolean addressQualifier(Dir dir) {
        return dir.ordinal() >= Dir.ADDR1.ordinal();
    }

    /** How libpcap names an address qualifier in its messages. */
    private static String qualifierName(Dir dir) {
        if (dir == Dir.RA || dir == Dir.TA) {
            return "'" + dir.name().toLowerCase(java.util.Locale.ROOT) + "' is";
        }
        int n = dir.ordinal() - Dir.ADDR1.ordinal() + 1;
        return "'addr" + n + "' and 'address" + n + "' are";
    }

    /** libpcap's errors for an address qualifier on anything but an 802.11 MAC address. */
    static void checkQualifier(io.weir.compiler.parse.Ast.Qual q, io.weir.compiler.parse.Ast.Id id)
            throws LowerException {
        Dir dir = q.dir();
        if (!addressQualifier(dir)) {
            return;
        }
        String plural = dir == Dir.RA || dir == Dir.TA ? "a valid qualifier" : "valid qualifiers";
        String name = qualifierName(dir);
        if (q.type() == io.weir.compiler.parse.Ast.Type.PORT || q.type() == io.weir.compiler.parse.Ast.Type.PORTRANGE) {
            throw new LowerException(name + " not " + plural + " for ports");
        }
        if (id.kind() != io.weir.compiler.parse.Ast.IdKind.EID && !"ether".equals(q.proto())) {
            throw new LowerException(name + " not " + plural + " for addresses other than 802.11 MAC addresses");
        }
    }

    /** {@code [wlan|ether] [src|dst|addr1..4|ra|ta] host MAC} on 802.11. */
    static Pred host(LinkLayer ll, byte[] mac, Dir dir) throws LowerException {
        if (!is(ll)) {
            // libpcap's Ethernet code says more than its FDDI, token ring and Fibre Channel code.
            throw new LowerException(qualifierName(dir) + " only supported on 802.11"
                    + (ll.isEthernet() ? " with 802.11 headers" : ""));
        }
        AddrTest t = off -> addr(ll, off, mac);
        switch (dir) {
            case SRC: return src(ll, t);
            case DST: return dst(ll, t);
            case SRC_AND_DST: return Pred.and(src(ll, t), dst(ll, t));
            case ADDR1: return t.at(ADDR1);
            case ADDR2: return addr2(ll, t);
            case ADDR3: return Pred.and(Pred.not(isControl(ll)), t.at(ADDR3));
            case ADDR4: return Pred.and(LinkLayer.mcmp(1, ll.offLinkHdr() + 1, 0x03, 0x03), t.at(ADDR4));
            // libpcap tests the data-type bit for both (not "is a control frame"): kept for its verdicts.
            case RA: return Pred.and(fcBit(ll, 0, FC0_TYPE_DATA), t.at(ADDR1));
            case TA: return Pred.and(fcBit(ll, 0, FC0_TYPE_DATA), addr2(ll, t));
            default: return Pred.or(src(ll, t), dst(ll, t));
        }
    }

    /** The frame type is control (exactly: type bits 01). */
    private static Pred isControl(LinkLayer ll) {
        return LinkLayer.mcmp(1, ll.offLinkHdr(), 0x0c, 0x04);
    }

    /** addr2, which CTS and ACK control frames do not have. */
    private static Pred addr2(LinkLayer ll, AddrTest t) {
        int fc = ll.offLinkHdr();
        Pred ctsOrAck = Pred.or(LinkLayer.mcmp(1, fc, 0xf0, 0xc0), LinkLayer.mcmp(1, fc, 0xf0, 0xd0));
        return Pred.and(Pred.not(Pred.and(isControl(ll), ctsOrAck)), t.at(ADDR2));
    }

    /** {@code ether broadcast}: the destination all ones. */
    static Pred broadcast(LinkLayer ll) {
        byte[] ones = {-1, -1, -1, -1, -1, -1};
        return dst(ll, off -> addr(ll, off, ones));
    }

    /** {@code ether multicast}: the group bit of the destination. */
    static Pred multicast(LinkLayer ll) {
        return dst(ll, off -> fcBit(ll, off, 0x01));
    }
}
