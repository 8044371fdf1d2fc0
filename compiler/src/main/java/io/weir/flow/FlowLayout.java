package io.weir.flow;

/**
 * The byte layout shared by the generated program and the Java readers: the flow key, the flow value, the
 * fragment map, and the program's stack frame. One place, so the generator and {@link FlowTable} cannot drift.
 *
 * <pre>
 * key (40 bytes)                              value (80 bytes, counters little-endian)
 *  0 family  (4, 6)                            0 first_ts ns     8 last_ts ns
 *  1 proto   (IP protocol)                    16 packets[d]     32 ip_bytes[d]    48 wire_bytes[d]  (d = 0, 1)
 *  2 vlan    (u16 little-endian)              64 tcp_flags[d] (u32 each)
 *  4 port A  (network order)                  72 originator: 0 = end A, 1 = end B
 *  6 port B  (network order)
 *  8 addr A  (16 bytes; IPv4 in the first 4)  direction d = 0: A sent the packet; 1: B sent it
 * 24 addr B
 * </pre>
 */
public final class FlowLayout {
    private FlowLayout() {}

    /** Key size in bytes. */
    public static final int KEY_SIZE = 40;
    /** Value size in bytes. */
    public static final int VALUE_SIZE = 80;

    static final int K_FAMILY = 0;
    static final int K_PROTO = 1;
    static final int K_VLAN = 2;
    static final int K_PORT_A = 4;
    static final int K_PORT_B = 6;
    static final int K_ADDR_A = 8;
    static final int K_ADDR_B = 24;
    /** In a fragment key, the IP identification (u32) sits where the ports are. */
    static final int K_FRAG_ID = 4;

    static final int V_FIRST = 0;
    static final int V_LAST = 8;
    static final int V_PACKETS = 16;
    static final int V_IP_BYTES = 32;
    static final int V_WIRE_BYTES = 48;
    static final int V_FLAGS = 64;
    static final int V_ORIG = 72;

    /** Fragment map: key as a flow key (ports replaced by the IP id), value the first fragment's two ports. */
    public static final int FRAG_VALUE_SIZE = 4;
    /** Entries of the fragment map (datagrams in reassembly at once). */
    public static final int FRAG_ENTRIES = 4096;

    // Stack frame (r10-relative). The compiled filter owns [-64, 0) (classic M[]), so ours starts below it.
    static final int S_KEY = -104;
    static final int S_RAW = -144;
    static final int S_VALUE = -224;
    static final int S_FRAG_KEY = -264;
    static final int S_FRAG_VALUE = -272;
    static final int S_IP_BYTES = -280;
    static final int S_TCP_FLAGS = -288;
    static final int S_FRAG_STATE = -296;
    static final int S_FRAG_ID = -304;
    static final int S_DIR = -312;
    /** The offset of the last IPv6 fragment header of the chain (0: none), parsed after the chain. */
    static final int S_FRAG_AT = -320;
    static final int S_OFF = -328;
    /** A u32 0: the index of the one entry of the new-flow map. */
    static final int S_ZERO = -336;

    /** Fragment states in {@link #S_FRAG_STATE}. */
    static final int FRAG_NONE = 0;
    static final int FRAG_FIRST = 1;
    static final int FRAG_LATER = 2;

    /** Program results. */
    public static final int R_NO_MATCH = 0;
    /** The packet matched and was counted in a flow. */
    public static final int R_COUNTED = 1;
    /** The packet matched but is not IPv4/IPv6 (or its IP header is not captured): no flow. */
    public static final int R_NOT_IP = 2;
    /** The packet matched but the map refused the flow (full). */
    public static final int R_LOST = 3;
    /**
     * The packet matched and made a new flow, its key published in entry 0 of the new-flow map (fd 2) for the
     * counter's eviction queue; {@link FlowCounter#count} reports it as {@link #R_COUNTED}.
     */
    public static final int R_NEW = 4;
}
