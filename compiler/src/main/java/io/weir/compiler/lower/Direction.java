package io.weir.compiler.lower;

import io.weir.engine.cbpf.ClassicInsn;
import io.weir.engine.cbpf.ClassicOp.Codes;

/**
 * {@code inbound}, {@code outbound} and {@code ifindex N}, as libpcap 1.10 compiles them on Linux: from the
 * link-layer header where it says the direction or interface (Linux cooked v1/v2, pppd's direction byte,
 * ipnet, Juniper's flags), and otherwise, for a live or dead handle, with the Linux kernel's ancillary loads
 * ({@code ldh [type]}, {@code ld [ifidx]}). Outside the kernel libpcap's {@code bpf_filter} treats those as
 * loads past any packet: the program returns 0 when it reaches one. Weir's engines run in userspace and refuse
 * ancillary loads, so Weir loads from {@link #NO_PACKET} instead, which every engine runs and which ends the
 * program with 0 just the same: the verdicts are libpcap's, only the listing differs ({@code ldh [2147479556]}
 * where tcpdump prints {@code ldh [type]}). For a savefile libpcap refuses them instead.
 */
final class Direction {
    /**
     * Where the ancillary fields are read from instead of the kernel's {@code SKF_AD_OFF} (-4096): an offset
     * past any packet and outside the kernel's special ranges, so the load fails as libpcap's does.
     */
    static final int NO_PACKET = 0x7ffff000;
    private static final int SKF_AD_PKTTYPE = 4;
    private static final int SKF_AD_IFINDEX = 8;
    /** Linux's {@code PACKET_OUTGOING}. */
    private static final int PACKET_OUTGOING = 4;

    private Direction() {
    }

    /** {@code kind} is {@code inbound}, {@code outbound} or {@code ifindex} (with {@code num}). */
    static Pred of(LinkLayer ll, String kind, Long num) throws LowerException {
        if (kind.equals("ifindex")) {
            return ifindex(ll, num.intValue());
        }
        boolean out = kind.equals("outbound");
        switch (ll.family()) {
            case SLL:
                return out(LinkLayer.cmp(2, 0, PACKET_OUTGOING), out);
            case SLL2:
                return out(LinkLayer.cmp(1, 10, PACKET_OUTGOING), out);
            case IPNET:
                // IPNET_OUTBOUND 1, IPNET_INBOUND 2, in the 16-bit direction field.
                return LinkLayer.cmp(2, 2, out ? 1 : 2);
            case PFLOG:
                return Pflog.direction(ll, out);
            case JUNIPER:
                // Bit 0 of the flags byte is "inbound"; libpcap leaves the masked compare unfolded.
                return out ? Pred.not(LinkLayer.test(Codes.JSET_K, 1, LinkLayer.load(1, 3)))
                        : LinkLayer.test(Codes.JEQ_K, 1, LinkLayer.load(1, 3), ClassicInsn.stmt(Codes.AND_K, 1));
            default:
                break;
        }
        if (ll.linkType() == DLT_SLIP) {
            // The SLIP pseudo-header's direction byte: 0 received; libpcap takes anything else as sent.
            return out(Pred.not(LinkLayer.cmp(1, 0, 0)), out);
        }
        if (ll.linkType() == PPP_PPPD) {
            // pppd's direction byte: 0 received, 1 sent.
            return LinkLayer.cmp(1, 0, out ? 1 : 0);
        }
        if (ll.savefile()) {
            throw new LowerException("inbound/outbound not supported on " + ll.name() + " when reading savefiles");
        }
        return out(LinkLayer.cmp(2, NO_PACKET + SKF_AD_PKTTYPE, PACKET_OUTGOING), out);
    }

    private static final int PPP_PPPD = 166;
    private static final int DLT_SLIP = 8;

    private static Pred out(Pred outgoing, boolean out) {
        return out ? outgoing : Pred.not(outgoing);
    }

    private static Pred ifindex(LinkLayer ll, int n) throws LowerException {
        if (ll.family() == LinkTypes.Family.SLL2) {
            return LinkLayer.cmp(4, 4, n);
        }
        if (ll.savefile()) {
            throw new LowerException("ifindex not supported on " + ll.name() + " when reading savefiles");
        }
        return LinkLayer.cmp(4, NO_PACKET + SKF_AD_IFINDEX, n);
    }
}
