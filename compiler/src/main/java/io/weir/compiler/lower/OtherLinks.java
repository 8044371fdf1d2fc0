package io.weir.compiler.lower;

/**
 * The network-protocol test ({@code gen_linktype}) of the link-type families other than Ethernet, Linux cooked,
 * raw IP and loopback: what {@code ip}, {@code arp}, {@code ether proto N} compile to on PPP, Cisco HDLC, Frame
 * Relay, LLC-based links (FDDI, token ring, RFC 1483 ATM...), ARCNET, SunATM, ipnet, Juniper and the rest, with
 * libpcap's values. A protocol the link type cannot carry is {@link Pred#FALSE}, which libpcap's optimizer (and
 * Weir's) turns into "expression rejects all packets" when nothing else can match.
 */
final class OtherLinks {
    private static final int ETHERTYPE_IP = LinkLayer.ETHERTYPE_IP;
    private static final int ETHERTYPE_IPV6 = LinkLayer.ETHERTYPE_IPV6;
    private static final int ETHERTYPE_ARP = LinkLayer.ETHERTYPE_ARP;
    private static final int ETHERTYPE_REVARP = LinkLayer.ETHERTYPE_REVARP;
    private static final int ETHERTYPE_ATALK = 0x809b;
    private static final int ETHERTYPE_DN = 0x6003;
    private static final int ETHERTYPE_NS = 0x0600;
    private static final int LLCSAP_IP = 0x06;
    private static final int LLCSAP_ISONS = 0xfe;
    private static final int LLCSAP_NETBEUI = 0xf0;
    private static final int LLCSAP_8021D = 0x42;
    private static final int LLCSAP_IPX = 0xe0;
    private static final int ETHERMTU = 1500;

    /** ethertype (or SAP) to PPP protocol number, as libpcap's {@code ethertype_to_ppptype}; others unchanged. */
    private static final int[][] PPP_TYPES = {{ETHERTYPE_IP, 0x21}, {ETHERTYPE_IPV6, 0x57}, {ETHERTYPE_DN, 0x27},
        {ETHERTYPE_ATALK, 0x29}, {ETHERTYPE_NS, 0x25}, {LLCSAP_ISONS, 0x23}, {LLCSAP_8021D, 0x31},
        {LLCSAP_IPX, 0x2b}};
    /** PPP's numbers for Van Jacobson compressed and uncompressed TCP/IP, which BSD/OS PPP counts as IPv4. */
    private static final int PPP_VJC = 0x2d;
    private static final int PPP_VJNC = 0x2f;

    private OtherLinks() {
    }

    static Pred linktype(LinkLayer ll, int etherType) {
        int lt = ll.offLinkType();
        switch (ll.family()) {
            case PPP:
                return LinkLayer.cmp(2, lt, pppType(etherType));
            case PPP_BSDOS:
                if (etherType == ETHERTYPE_IP) {
                    return Pred.or(Pred.or(LinkLayer.cmp(2, lt, 0x21), LinkLayer.cmp(2, lt, PPP_VJC)),
                            LinkLayer.cmp(2, lt, PPP_VJNC));
                }
                return LinkLayer.cmp(2, lt, pppType(etherType));
            case CHDLC:
                return LinkLayer.cmp(2, lt, etherType == LLCSAP_ISONS ? (LLCSAP_ISONS << 8) | LLCSAP_ISONS : etherType);
            case PLAIN:
                return LinkLayer.cmp(2, lt, etherType);
            case FRELAY:
                return frelay(lt, etherType);
            case LLC:
                return llc(lt, etherType);
            case SUNATM:
                // Traffic type LLC (2) in the low nibble of the pseudo-header's first byte, then 802.2 LLC.
                return Pred.and(LinkLayer.mcmp(1, 0, 0x0f, 2), llc(lt, etherType));
            case ARCNET:
                return arcnet(lt, etherType);
            case IPNET:
                if (etherType == ETHERTYPE_IP) {
                    return LinkLayer.cmp(1, lt, 2);
                }
                return etherType == ETHERTYPE_IPV6 ? LinkLayer.cmp(1, lt, 26) : Pred.FALSE;
            case SLIP:
                if (etherType == ETHERTYPE_IP) {
                    return LinkLayer.mcmp(1, 0, 0xf0, 0x40);
                }
                return etherType == ETHERTYPE_IPV6 ? LinkLayer.mcmp(1, 0, 0xf0, 0x60) : Pred.FALSE;
            case RAW4:
                return etherType == ETHERTYPE_IP ? Pred.TRUE : Pred.FALSE;
            case RAW6:
                return etherType == ETHERTYPE_IPV6 ? Pred.TRUE : Pred.FALSE;
            case JUNIPER:
                // libpcap cannot see the protocol behind Juniper's header: it checks the "MGC" magic only.
                return LinkLayer.mcmp(4, 0, 0xffffff00, 0x4d474300);
            case BACNET:
                return LinkLayer.mcmp(4, 0, 0xffff0000, 0x55ff0000);
            case LTALK:
                return etherType == ETHERTYPE_ATALK ? Pred.TRUE : Pred.FALSE;
            default:
                throw new IllegalStateException("family " + ll.family());
        }
    }

    private static int pppType(int etherType) {
        for (int[] m : PPP_TYPES) {
            if (m[0] == etherType) {
                return m[1];
            }
        }
        return etherType;
    }

    /** Frame Relay: the NLPID after the 2-byte Q.922 address. */
    private static Pred frelay(int lt, int etherType) {
        switch (etherType) {
            case ETHERTYPE_IP: return LinkLayer.cmp(2, lt, 0x03cc);
            case ETHERTYPE_IPV6: return LinkLayer.cmp(2, lt, 0x038e);
            case LLCSAP_ISONS:
                // CLNP, ESIS and ISIS NLPIDs.
                return Pred.or(Pred.or(LinkLayer.cmp(2, lt, 0x0381), LinkLayer.cmp(2, lt, 0x0382)),
                        LinkLayer.cmp(2, lt, 0x0383));
            default: return Pred.FALSE;
        }
    }

    /** libpcap's {@code gen_llc_linktype}: the 802.2 header at {@code llc}. */
    static Pred llc(int llc, int etherType) {
        switch (etherType) {
            case LLCSAP_IP: case LLCSAP_ISONS: case LLCSAP_NETBEUI:
                // DSAP and SSAP both the SAP.
                return LinkLayer.cmp(2, llc, (etherType << 8) | etherType);
            case ETHERTYPE_ATALK:
                // SNAP with Apple's OUI 08-00-07.
                return Pred.and(LinkLayer.cmp(4, llc + 4, 0x00070000 | etherType), LinkLayer.cmp(4, llc, 0xaaaa0308));
            default:
                if (etherType <= ETHERMTU) {
                    return LinkLayer.cmp(1, llc, etherType);
                }
                // The type of a SNAP header (OUI not checked, as in libpcap).
                return LinkLayer.cmp(2, llc + 6, etherType);
        }
    }

    /** ARCNET protocol IDs, including the old RFC 1051 ones for IPv4 and ARP. */
    private static Pred arcnet(int lt, int etherType) {
        switch (etherType) {
            case ETHERTYPE_IP: return Pred.or(LinkLayer.cmp(1, lt, 0xd4), LinkLayer.cmp(1, lt, 0xf0));
            case ETHERTYPE_IPV6: return LinkLayer.cmp(1, lt, 0xc4);
            case ETHERTYPE_ARP: return Pred.or(LinkLayer.cmp(1, lt, 0xd5), LinkLayer.cmp(1, lt, 0xf1));
            case ETHERTYPE_REVARP: return LinkLayer.cmp(1, lt, 0xd6);
            case ETHERTYPE_ATALK: return LinkLayer.cmp(1, lt, 0xdd);
            default: return Pred.FALSE;
        }
    }
}
