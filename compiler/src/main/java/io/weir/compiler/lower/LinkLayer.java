package io.weir.compiler.lower;

import io.weir.compiler.UnsupportedLinkTypeException;
import io.weir.engine.cbpf.ClassicInsn;
import io.weir.engine.cbpf.ClassicOp.Codes;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Where the link layer puts the network-layer protocol and header for each supported link type, and how the
 * protocol is checked, with libpcap's offsets. It is mutable in one way, as in libpcap: {@code vlan} and
 * {@code mpls} move the offsets for every primitive that comes after them in the expression text.
 */
public final class LinkLayer {
    /** DLT_NULL: 4-byte host-order address family. */
    public static final int NULL = 0;
    /** DLT_EN10MB: Ethernet. */
    public static final int EN10MB = 1;
    /** DLT_RAW as Linux numbers it. */
    public static final int RAW = 12;
    /** DLT_RAW as some BSDs number it. */
    public static final int RAW_BSD = 14;
    /** DLT_LOOP: 4-byte network-order address family. */
    public static final int LOOP = 108;
    /** LINKTYPE_RAW, the number pcap files use for DLT_RAW. */
    public static final int LINKTYPE_RAW = 101;
    /** DLT_LINUX_SLL. */
    public static final int LINUX_SLL = 113;
    /** DLT_LINUX_SLL2. */
    public static final int LINUX_SLL2 = 276;
    /** DLT_PPP. */
    public static final int PPP = 9;
    /** DLT_C_HDLC: Cisco HDLC. */
    public static final int C_HDLC = 104;
    /** PPP's protocol number for MPLS unicast, which {@code mpls} checks on DLT_PPP. */
    private static final int PPP_MPLS_UNICAST = 0x0281;

    static final int ETHERTYPE_IP = 0x800;
    static final int ETHERTYPE_IPV6 = 0x86dd;
    static final int ETHERTYPE_ARP = 0x806;
    static final int ETHERTYPE_REVARP = 0x8035;
    static final int ETHERTYPE_MPLS = 0x8847;
    private static final int AF_INET = 2;
    /** Linux's AF_INET6: what libpcap checks on a live or dead handle (compiled on Linux). */
    private static final int AF_INET6 = 10;
    /** The BSDs' AF_INET6 values libpcap checks when compiling for a savefile (NetBSD/OpenBSD, FreeBSD, Darwin). */
    private static final int[] BSD_AF_INET6 = {24, 28, 30};

    private final int linkType;
    private final String name;
    private final LinkTypes.LinkType type;
    /** Offset of the 16-bit type field (Ethernet/SLL), or -1. */
    private int offLinkType;
    /** Offset of the network-layer header. */
    private int offNl;
    /** Where {@code link[0]} is: the type's, until {@code pppoes} makes the PPP header the link header. */
    private int offLinkHdr;
    private int mplsDepth;
    private boolean vlanSeen;
    /** Compiling for a savefile: libpcap then checks every BSD AF_INET6 value on NULL/LOOP. */
    private boolean savefile;
    /** The byte order DLT_NULL's host-order address family is written in. */
    private ByteOrder nullOrder = ByteOrder.nativeOrder();
    /** After SunATM's {@code lane}: the test that the frame is not an LE control frame, or null ({@link SunAtm}). */
    private Pred leControl;

    private LinkLayer(LinkTypes.LinkType type) {
        this.type = type;
        this.linkType = type.dlt();
        this.name = type.description();
        this.offLinkType = type.offLinkType();
        this.offNl = type.offNl();
        this.offLinkHdr = type.offLinkHdr();
    }

    /**
     * What follows {@code pppoes} (libpcap's switch to DLT_PPP): a PPP link layer whose header, the 2-byte
     * protocol field, is 6 bytes past this one's network layer (the PPPoE header), the network layer 2 bytes
     * later; no MAC addresses, no VLAN or MPLS labels seen. Compiling for a savefile carries over.
     */
    LinkLayer pppoeSession() {
        LinkLayer ppp = new LinkLayer(LinkTypes.of(PPP));
        ppp.savefile = savefile;
        ppp.nullOrder = nullOrder;
        ppp.offLinkHdr = offNl + 6;
        ppp.offLinkType = offNl + 6;
        ppp.offNl = offNl + 8;
        return ppp;
    }

    /**
     * What follows SunATM's {@code lane} ({@link SunAtm}): LANE Ethernet 2 bytes into the AAL5 PDU (libpcap's
     * {@code PUSH_LINKHDR} to Ethernet at 6), still SunATM for the ATM keywords. Right after the pseudo-header,
     * the protocol and MAC tests also require the PDU not to start with 0xff00 (an LE control frame); after a
     * second {@code lane} libpcap no longer checks that.
     */
    LinkLayer lane() {
        LinkTypes.LinkType t = new LinkTypes.LinkType(linkType, type.name(), type.description(), type.errorName(),
                LinkTypes.Family.ETHER, 6, 18, 20, 6);
        LinkLayer e = new LinkLayer(t);
        e.savefile = savefile;
        e.nullOrder = nullOrder;
        if (type.family() == LinkTypes.Family.SUNATM) {
            e.leControl = Pred.not(cmp(2, offLinkHdr + 4, 0xff00));
        }
        return e;
    }

    /** {@code p} after the LANE control-frame check, where there is one. */
    Pred leControl(Pred p) {
        return Pred.and(leControl, p);
    }

    /**
     * What follows {@code geneve} ({@link GenevePayload}): Ethernet from the start of its frame, its type field
     * and network layer at the sentinel offsets {@code typeAt} and {@code nlAt}. Compiling for a savefile carries over.
     */
    LinkLayer genevePayload(int typeAt, int nlAt) {
        LinkLayer e = new LinkLayer(LinkTypes.of(EN10MB));
        e.savefile = savefile;
        e.nullOrder = nullOrder;
        e.offLinkHdr = 0;
        e.offLinkType = typeAt;
        e.offNl = nlAt;
        // libpcap keeps its label stack depth across geneve: after 'mpls and geneve', 'ip' tests the bottom-of-
        // stack bit 2 bytes before the payload's network layer, as after any MPLS label.
        e.mplsDepth = mplsDepth;
        return e;
    }

    /**
     * The layout of {@code linkType} when compiling for a savefile written in {@code fileOrder} (libpcap's
     * {@code rfile != NULL}, with {@code swapped} when that order is not the host's), or for a live or dead
     * handle when {@code fileOrder} is null; null if Weir does not compile filters for the link type.
     */
    public static LinkLayer of(int linkType, ByteOrder fileOrder) {
        LinkLayer ll = of(linkType);
        if (ll != null && fileOrder != null) {
            ll.savefile = true;
            ll.nullOrder = fileOrder;
        }
        return ll;
    }

    /**
     * The layout of {@code linkType} (a DLT or LINKTYPE number) for a live or dead handle, or null if libpcap
     * does not know the link type. Link types libpcap cannot filter on still compile {@code len} and
     * {@code link[...]}; their protocol tests throw {@link UnsupportedLinkTypeException}.
     */
    public static LinkLayer of(int linkType) {
        LinkTypes.LinkType t = LinkTypes.of(linkType);
        return t == null ? null : new LinkLayer(t);
    }

    /** Whether compiling for a savefile (libpcap's {@code rfile != NULL}). */
    boolean savefile() {
        return savefile;
    }

    /** This link type's row of {@link LinkTypes}. */
    public LinkTypes.LinkType type() {
        return type;
    }

    /** The family of {@link LinkTypes}: how protocols are checked. */
    LinkTypes.Family family() {
        return type.family();
    }

    /** Offset of the type field (of the LLC header, for the LLC family), after any vlan seen. */
    int offLinkType() {
        return offLinkType;
    }

    /** Where {@code link[0]} is. */
    public int offLinkHdr() {
        return offLinkHdr;
    }

    /** Offset of the destination MAC address (the source follows it), or -1 when there are none. */
    public int offMac() {
        return type.offMac();
    }

    /** The DLT number (LINKTYPE numbers and DLT_RAW variants normalized: DLT_RAW is {@link #RAW}). */
    public int linkType() {
        return linkType;
    }

    /** libpcap's name for the link layer in "no VLAN support for ..." messages. */
    public String name() {
        return name;
    }

    /** Offset of the network-layer header, after any vlan/mpls seen so far. */
    public int offNl() {
        return offNl;
    }

    /** Whether this is the Ethernet family (EN10MB and the netANALYZER types): the type field, vlan and mpls. */
    public boolean isEthernet() {
        return type.family() == LinkTypes.Family.ETHER;
    }

    /** MPLS labels matched so far. */
    public int mplsDepth() {
        return mplsDepth;
    }

    /** Whether a vlan primitive was seen. */
    public boolean vlanSeen() {
        return vlanSeen;
    }

    static Pred.Test test(int jcode, int k, ClassicInsn... stmts) {
        return new Pred.Test(List.of(stmts), jcode, k);
    }

    static ClassicInsn load(int size, int off) {
        int code = size == 4 ? Codes.LD_ABS : size == 2 ? Codes.LDH_ABS : Codes.LDB_ABS;
        return ClassicInsn.stmt(code, off);
    }

    /** {@code size}-byte field at {@code off} equals {@code k}. */
    static Pred cmp(int size, int off, int k) {
        return test(Codes.JEQ_K, k, load(size, off));
    }

    /** {@code size}-byte field at {@code off}, masked, equals {@code k}. */
    static Pred mcmp(int size, int off, int mask, int k) {
        int full = size == 4 ? -1 : size == 2 ? 0xffff : 0xff;
        if (mask == full) {
            return cmp(size, off, k);
        }
        if ((k & ~mask) != 0 || mask == 0) {
            // Decided without the load: libpcap's optimizer folds these and drops the load too.
            return (k & ~mask) != 0 ? Pred.FALSE : Pred.TRUE;
        }
        if (k == 0) {
            return Pred.not(test(Codes.JSET_K, mask, load(size, off)));
        }
        return test(Codes.JEQ_K, k, load(size, off), ClassicInsn.stmt(Codes.AND_K, mask));
    }

    /**
     * The packet is of network protocol {@code etherType} (libpcap's {@code gen_linktype}): the type field on
     * Ethernet and SLL, the IP version nibble on raw IP, the address family on NULL/LOOP.
     */
    Pred linktype(int etherType) throws LowerException {
        if (mplsDepth > 0) {
            int version;
            if (etherType == ETHERTYPE_IP) {
                version = 0x40;
            } else if (etherType == ETHERTYPE_IPV6) {
                version = 0x60;
            } else {
                throw new LowerException("unsupported protocol over mpls");
            }
            // Bottom of stack set on the last label, then the IP version of the payload.
            return Pred.and(mcmp(1, offNl - 2, 0x01, 0x01), mcmp(1, offNl, 0xf0, version));
        }
        switch (type.family()) {
            case ETHER:
                return leControl(etherLinktype(etherType));
            case SLL:
                return sllLinktype(etherType);
            case SLL2:
                return cmp(2, offLinkType, etherType);
            case RAW:
                if (etherType == ETHERTYPE_IP) {
                    return mcmp(1, 0, 0xf0, 0x40);
                }
                if (etherType == ETHERTYPE_IPV6) {
                    return mcmp(1, 0, 0xf0, 0x60);
                }
                return Pred.FALSE;
            case LOOPBACK:
                if (etherType == ETHERTYPE_IP) {
                    return loopback(AF_INET);
                }
                if (etherType == ETHERTYPE_IPV6) {
                    if (!savefile) {
                        return loopback(AF_INET6);
                    }
                    // libpcap ORs 28 after 24, then puts 30 in front: 30, 24, 28 in program order.
                    return Pred.or(loopback(BSD_AF_INET6[2]),
                            Pred.or(loopback(BSD_AF_INET6[0]), loopback(BSD_AF_INET6[1])));
                }
                return Pred.FALSE;
            case WLAN:
                return Wlan.linktype(this, etherType);
            case PFLOG:
                return Pflog.linktype(this, etherType);
            case NONE:
                throw new UnsupportedLinkTypeException(linkType, type.errorName());
            default:
                return OtherLinks.linktype(this, etherType);
        }
    }

    /**
     * libpcap's {@code gen_loopback_linktype}: the 4-byte family, which DLT_LOOP writes in network order and
     * DLT_NULL in the writer's host order (the file's byte order, or this host's for a live handle).
     */
    private Pred loopback(int af) {
        boolean little = linkType != LOOP && nullOrder == ByteOrder.LITTLE_ENDIAN;
        return cmp(4, 0, little ? Integer.reverseBytes(af) : af);
    }

    private static final int LLCSAP_IP = 0x06;
    private static final int LLCSAP_IPX = 0xe0;
    private static final int LLCSAP_NETBEUI = 0xf0;
    private static final int LLCSAP_ISONS = 0xfe;
    private static final int ETHERTYPE_IPX = 0x8137;
    private static final int ETHERTYPE_ATALK = 0x809b;
    private static final int ETHERTYPE_AARP = 0x80f3;
    /** Linux cooked header protocol for 802.2 LLC frames. */
    private static final int SLL_P_802_2 = 0x0004;
    /** Linux cooked header protocol for Novell 802.3 frames without LLC. */
    private static final int SLL_P_802_3 = 0x0001;

    /** Ethernet: a type field, or an 802.2 LLC/SNAP frame for SAP values and the SNAP-encapsulated types. */
    private Pred etherLinktype(int etherType) {
        int lt = offLinkType;
        Pred llc = Pred.not(test(Codes.JGT_K, 1500, load(2, lt)));
        switch (etherType) {
            case LLCSAP_IP: case LLCSAP_NETBEUI: case LLCSAP_ISONS:
                return Pred.and(llc, cmp(2, lt + 2, (etherType << 8) | etherType));
            case LLCSAP_IPX: {
                Pred snap = Pred.and(cmp(4, lt + 6, ETHERTYPE_IPX), cmp(4, lt + 2, 0xaaaa0300));
                Pred frames = Pred.or(Pred.or(snap, cmp(1, lt + 2, LLCSAP_IPX)), cmp(2, lt + 2, 0xffff));
                return Pred.or(cmp(2, lt, ETHERTYPE_IPX), Pred.and(llc, frames));
            }
            case ETHERTYPE_ATALK:
            case ETHERTYPE_AARP: {
                int oui = etherType == ETHERTYPE_ATALK ? 0xaaaa0308 : 0xaaaa0300;
                int word = etherType == ETHERTYPE_ATALK ? 0x00070000 | etherType : etherType;
                Pred snap = Pred.and(cmp(4, lt + 6, word), cmp(4, lt + 2, oui));
                return Pred.or(cmp(2, lt, etherType), Pred.and(llc, snap));
            }
            default:
                if (etherType <= 1500) {
                    // An 802.2 LLC SAP: a length field, then the DSAP.
                    return Pred.and(llc, cmp(1, lt + 2, etherType));
                }
                return cmp(2, lt, etherType);
        }
    }

    /** Linux cooked v1: the protocol field, with libpcap's meaning for LLC SAPs and SNAP types. */
    private Pred sllLinktype(int etherType) {
        int lt = offLinkType;
        Pred llc = cmp(2, lt, SLL_P_802_2);
        switch (etherType) {
            case LLCSAP_IP: case LLCSAP_NETBEUI: case LLCSAP_ISONS:
                return Pred.and(llc, cmp(2, lt + 2, (etherType << 8) | etherType));
            case LLCSAP_IPX: {
                Pred snap = Pred.and(cmp(4, lt + 6, ETHERTYPE_IPX), cmp(4, lt + 2, 0xaaaa0300));
                Pred llcIpx = Pred.and(llc, Pred.or(cmp(1, lt + 2, LLCSAP_IPX), snap));
                return Pred.or(Pred.or(cmp(2, lt, ETHERTYPE_IPX), cmp(2, lt, SLL_P_802_3)), llcIpx);
            }
            case ETHERTYPE_ATALK:
            case ETHERTYPE_AARP: {
                int oui = etherType == ETHERTYPE_ATALK ? 0xaaaa0308 : 0xaaaa0300;
                int word = etherType == ETHERTYPE_ATALK ? 0x00070000 | etherType : etherType;
                Pred snap = Pred.and(cmp(4, lt + 6, word), cmp(4, lt + 2, oui));
                return Pred.or(cmp(2, lt, etherType), Pred.and(llc, snap));
            }
            default:
                if (etherType <= 1500) {
                    return Pred.and(llc, cmp(1, lt + 2, etherType));
                }
                return cmp(2, lt, etherType);
        }
    }

    /** {@code ether broadcast}: the destination MAC address all ones (ARCNET: address 0). */
    Pred macBroadcast() throws LowerException {
        if (Wlan.is(this)) {
            return Wlan.broadcast(this);
        }
        if (type.family() == LinkTypes.Family.ARCNET) {
            return cmp(1, 1, 0);
        }
        int m = offMac();
        if (m < 0) {
            throw new LowerException("not a broadcast link");
        }
        return leControl(Pred.and(cmp(4, m + 2, 0xffffffff), cmp(2, m, 0xffff)));
    }

    /** {@code ether multicast}: the group bit of the destination MAC address (ARCNET: its broadcast). */
    Pred macMulticast() throws LowerException {
        if (Wlan.is(this)) {
            return Wlan.multicast(this);
        }
        if (type.family() == LinkTypes.Family.ARCNET) {
            return cmp(1, 1, 0);
        }
        int m = offMac();
        if (m < 0) {
            throw new LowerException("link-layer multicast filters supported only on ethernet/FDDI/token "
                    + "ring/ARCNET/802.11/ATM LANE/Fibre Channel");
        }
        return leControl(test(Codes.JSET_K, 1, load(1, m)));
    }

    /** {@code vlan [id]}: matches a VLAN tag, then moves the offsets past it. */
    Pred vlan(Long id) throws LowerException {
        if (Wlan.is(this) && linkType != DLT_PPI) {
            return wlanVlan(id);
        }
        if (!isEthernet()) {
            throw new LowerException("no VLAN support for " + name);
        }
        if (mplsDepth > 0) {
            throw new LowerException("no VLAN match after MPLS");
        }
        if (id != null && id > 4095) {
            throw new LowerException("VLAN tag " + id + " greater than maximum 4095");
        }
        Pred tpid = leControl(Pred.or(Pred.or(cmp(2, offLinkType, 0x8100), cmp(2, offLinkType, 0x88a8)),
                cmp(2, offLinkType, 0x9100)));
        Pred p = id == null ? tpid : Pred.and(tpid, mcmp(2, offLinkType + 2, 0x0fff, id.intValue()));
        offLinkType += 4;
        offNl += 4;
        vlanSeen = true;
        return p;
    }

    private static final int DLT_PPI = 192;

    /** {@code vlan} on 802.11: the TPIDs in a data frame's SNAP header, then the offsets move past the tag. */
    private Pred wlanVlan(Long id) throws LowerException {
        if (id != null && id > 4095) {
            throw new LowerException("VLAN tag " + id + " greater than maximum 4095");
        }
        Pred tpid = Pred.or(Pred.or(linktype(0x8100), linktype(0x88a8)), linktype(0x9100));
        Pred p = id == null ? tpid : Pred.and(tpid, mcmp(2, offLinkType + 8, 0x0fff, id.intValue()));
        offLinkType += 4;
        offNl += 4;
        vlanSeen = true;
        return p;
    }

    /** {@code mpls [label]}: matches an MPLS label, then moves the network offset past it. */
    Pred mpls(Long label) throws LowerException {
        if (!isEthernet() && linkType != PPP && type.family() != LinkTypes.Family.CHDLC) {
            throw new LowerException("no MPLS support for " + name);
        }
        if (label != null && label > 0xFFFFF) {
            throw new LowerException("MPLS label " + label + " greater than maximum 1048575");
        }
        Pred p;
        if (mplsDepth == 0) {
            p = leControl(cmp(2, offLinkType, linkType == PPP ? PPP_MPLS_UNICAST : ETHERTYPE_MPLS));
        } else {
            // The previous label must not be the bottom of the stack.
            p = Pred.not(test(Codes.JSET_K, 0x01, load(1, offNl - 2)));
        }
        if (label != null) {
            p = Pred.and(p, mcmp(4, offNl, 0xfffff000, (int) (label << 12)));
        }
        offNl += 4;
        mplsDepth++;
        return p;
    }
}
