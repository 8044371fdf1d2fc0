package io.weir.flow;

import java.util.Locale;

/**
 * What a flow is keyed by ({@code weir flows --by}). Changing it changes the generated program's key-building
 * code, not the rest of the program.
 */
public enum Aggregation {
    /** Addresses, ports (ICMP: type and mapped code), protocol and VLAN id: one connection. */
    FIVE_TUPLE("5tuple", true),
    /** The packet's source address. */
    SRC("src", false),
    /** The packet's destination address. */
    DST("dst", false),
    /** The two addresses (ordered as a pair when bidirectional). */
    HOST_PAIR("host-pair", true),
    /** The protocol and the service port, taken as the lower of the packet's two ports. */
    PORT("port", false),
    /** The IP protocol. */
    PROTO("proto", false),
    /** The outer 802.1Q/802.1ad VLAN id (0: untagged). */
    VLAN("vlan", false);

    private final String label;
    private final boolean directional;

    Aggregation(String label, boolean directional) {
        this.label = label;
        this.directional = directional;
    }

    /** The name {@code --by} takes. */
    public String label() {
        return label;
    }

    /**
     * Whether a flow of this kind has two ends whose order the program canonicalises (A→B and B→A one flow,
     * with an originator); the others count every packet in the originator's direction.
     */
    public boolean hasDirections() {
        return directional;
    }

    /** The aggregation named {@code name} ({@code 5tuple}, {@code src}, ...). */
    public static Aggregation fromLabel(String name) {
        for (Aggregation a : values()) {
            if (a.label.equals(name.toLowerCase(Locale.ROOT))) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown aggregation '" + name
                + "' (5tuple, src, dst, host-pair, port, proto, vlan)");
    }
}
