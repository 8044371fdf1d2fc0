package io.weir.compiler;

import io.weir.compiler.lower.LinkTypes;

/**
 * The link type is not one Weir compiles the filter for. The message is libpcap's wording for a link type it
 * cannot filter on ({@code "<description> link-layer type filtering not implemented"}, the description as
 * libpcap's {@code gen_linktype} names it), so that {@code weir: error: <message>} reads as tcpdump's error
 * does. libpcap still compiles {@code len} and {@code link[...]} for such link types, and so does Weir: the
 * error comes from the first primitive that needs the network protocol. It is an
 * {@link IllegalArgumentException}: the link type is an argument, not part of the expression.
 */
public final class UnsupportedLinkTypeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final int linkType;

    /** An error for the DLT or LINKTYPE number {@code linkType}, named from {@link LinkTypes}. */
    public UnsupportedLinkTypeException(int linkType) {
        this(linkType, description(linkType));
    }

    /** An error for {@code linkType}, which libpcap names {@code errorName} in this message. */
    public UnsupportedLinkTypeException(int linkType, String errorName) {
        super(errorName + " link-layer type filtering not implemented");
        this.linkType = linkType;
    }

    /** The link type number that was refused. */
    public int linkType() {
        return linkType;
    }

    /** libpcap's name for the link type in this message, else {@code DLT n} as libpcap writes unknown ones. */
    static String description(int linkType) {
        LinkTypes.LinkType t = LinkTypes.of(linkType);
        return t == null ? "DLT " + linkType : t.errorName();
    }
}
