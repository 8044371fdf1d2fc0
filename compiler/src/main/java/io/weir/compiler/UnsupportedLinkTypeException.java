package io.weir.compiler;

/**
 * The link type is not one Weir compiles filters for. The message is libpcap's wording for a link type it
 * cannot filter on ({@code "<description> link-layer type filtering not implemented"}, the description as
 * {@code pcap_datalink_val_to_description_or_dlt} gives it), so that {@code weir: error: <message>} reads as
 * tcpdump's error does. It is an {@link IllegalArgumentException}: the link type is an argument, not part of
 * the expression, so the error has no position in the expression.
 */
public final class UnsupportedLinkTypeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final int linkType;

    /** An error for the DLT or LINKTYPE number {@code linkType}. */
    public UnsupportedLinkTypeException(int linkType) {
        super(description(linkType) + " link-layer type filtering not implemented");
        this.linkType = linkType;
    }

    /** The link type number that was refused. */
    public int linkType() {
        return linkType;
    }

    /** libpcap's short description of common link types, else {@code DLT n} as libpcap writes unknown ones. */
    static String description(int linkType) {
        switch (linkType) {
            case 6: return "Token ring";
            case 7: return "BSD ARCNET";
            case 9: return "PPP";
            case 10: return "FDDI";
            case 50: return "PPP over serial";
            case 104: return "Cisco HDLC";
            case 105: return "802.11";
            case 117: return "OpenBSD pflog file";
            case 119: return "802.11 plus Prism header";
            case 127: return "802.11 plus radiotap header";
            case 143: return "DOCSIS";
            case 189: case 220: case 249: return "USB";
            case 192: return "Per-Packet Information";
            case 228: return "Raw IPv4";
            case 229: return "Raw IPv6";
            case 226: return "Solaris ipnet";
            case 253: return "Linux netlink";
            default: return "DLT " + linkType;
        }
    }
}
