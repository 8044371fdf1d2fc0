package io.weir.netty;

/**
 * The link types the handler understands, by their DLT numbers, and the layout of their headers: where the
 * network layer starts and how a synthetic header for a {@code DatagramPacket} is written.
 */
public final class LinkTypes {
    /** DLT_EN10MB: Ethernet (optionally 802.1Q/802.1ad tagged). */
    public static final int EN10MB = 1;
    /** DLT_RAW (Linux numbering): the packet starts at the IP header. */
    public static final int RAW = 12;
    /** DLT_RAW as some BSDs number it. */
    public static final int RAW_BSD = 14;
    /** LINKTYPE_RAW, as pcap files number DLT_RAW. */
    public static final int LINKTYPE_RAW = 101;
    /** DLT_LINUX_SLL: Linux cooked capture v1 (16 bytes, protocol at 14). */
    public static final int LINUX_SLL = 113;
    /** DLT_LINUX_SLL2: Linux cooked capture v2 (20 bytes, protocol at 0). */
    public static final int LINUX_SLL2 = 276;

    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_IPV6 = 0x86dd;

    private LinkTypes() {
    }

    /**
     * Bytes of link header a synthetic datagram frame of {@code linkType} starts with, or -1 when the handler
     * cannot synthesise frames of that type.
     */
    static int datagramHeaderLength(int linkType) {
        switch (linkType) {
            case RAW: case RAW_BSD: case LINKTYPE_RAW: return 0;
            case EN10MB: return 14;
            case LINUX_SLL: return 16;
            case LINUX_SLL2: return 20;
            default: return -1;
        }
    }

    /**
     * Writes the link header of a synthetic frame carrying an IPv4 or IPv6 packet into {@code out[0, n)}, n being
     * {@link #datagramHeaderLength}: zero addresses, the EtherType / protocol field set, "sent to us".
     */
    static void writeDatagramHeader(int linkType, byte[] out, boolean ipv6) {
        int type = ipv6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4;
        int n = datagramHeaderLength(linkType);
        for (int i = 0; i < n; i++) {
            out[i] = 0;
        }
        switch (linkType) {
            case EN10MB:
                out[12] = (byte) (type >>> 8);
                out[13] = (byte) type;
                break;
            case LINUX_SLL:
                out[14] = (byte) (type >>> 8);
                out[15] = (byte) type;
                break;
            case LINUX_SLL2:
                out[0] = (byte) (type >>> 8);
                out[1] = (byte) type;
                out[8] = 0;         // ARPHRD_ETHER = 1 (big-endian u16 at 8)
                out[9] = 1;
                break;
            default:
                break;
        }
    }

    /**
     * The index of the network-layer header in {@code view} for {@code linkType}, or -1 when the frame carries no
     * IPv4/IPv6 packet (or is too short to say).
     */
    static int networkOffset(int linkType, PacketView view) {
        int cap = view.capLen();
        switch (linkType) {
            case RAW: case RAW_BSD: case LINKTYPE_RAW:
                return cap > 0 ? 0 : -1;
            case EN10MB: {
                int off = 12;
                while (off + 2 <= cap) {
                    int t = view.u16(off);
                    if (t == 0x8100 || t == 0x88a8) {
                        off += 4;
                        continue;
                    }
                    return t == ETHERTYPE_IPV4 || t == ETHERTYPE_IPV6 ? off + 2 : -1;
                }
                return -1;
            }
            case LINUX_SLL:
                return cap >= 16 && isIp(view.u16(14)) ? 16 : -1;
            case LINUX_SLL2:
                return cap >= 20 && isIp(view.u16(0)) ? 20 : -1;
            default:
                return -1;
        }
    }

    private static boolean isIp(int ethertype) {
        return ethertype == ETHERTYPE_IPV4 || ethertype == ETHERTYPE_IPV6;
    }
}
