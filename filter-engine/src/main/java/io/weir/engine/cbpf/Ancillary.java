package io.weir.engine.cbpf;

/**
 * The Linux socket filter's ancillary loads: {@code ld [SKF_AD_OFF + n]} (k from 0xfffff000) reads a field of
 * the kernel's socket buffer instead of the packet. libpcap's {@code bpf_image} prints them by name
 * ({@code ld [vlan_tci]}) and so does Weir.
 *
 * <p>Only two make sense without a kernel socket buffer, and only they run: {@link #XOR_X} ({@code A ^= X}) and
 * {@link #RANDOM} (a pseudo-random 32-bit word). The validator rejects the others with a message naming them.
 * Where libpcap's userspace {@code bpf_filter} sees any of these loads it treats them as loads far beyond the
 * packet and returns 0; Weir follows Linux for the two it runs, which libpcap never emits for capture files.
 * Offsets of the range that name no ancillary field are such loads in Weir too (they return 0).
 */
public enum Ancillary {
    PROTOCOL(0, "proto", false),
    PKTTYPE(4, "type", false),
    IFINDEX(8, "ifidx", false),
    NLATTR(12, "nla", false),
    NLATTR_NEST(16, "nlan", false),
    MARK(20, "mark", false),
    QUEUE(24, "queue", false),
    HATYPE(28, "hatype", false),
    RXHASH(32, "rxhash", false),
    CPU(36, "cpu", false),
    XOR_X(40, "xor_x", true),
    VLAN_TAG(44, "vlan_tci", false),
    VLAN_TAG_PRESENT(48, "vlanp", false),
    PAY_OFFSET(52, "poff", false),
    RANDOM(56, "random", true),
    VLAN_TPID(60, "vlan_tpid", false);

    /** SKF_AD_OFF, -0x1000: the first ancillary k. */
    public static final int AD_OFF = 0xfffff000;

    private static final Ancillary[] BY_OFFSET = new Ancillary[16];

    static {
        for (Ancillary a : values()) {
            BY_OFFSET[a.offset / 4] = a;
        }
    }

    private final int offset;
    private final String pcapName;
    private final boolean supported;

    Ancillary(int offset, String pcapName, boolean supported) {
        this.offset = offset;
        this.pcapName = pcapName;
        this.supported = supported;
    }

    /** The k of the load: {@code SKF_AD_OFF + offset}. */
    public int k() {
        return AD_OFF + offset;
    }

    /** The name libpcap's bpf_image prints between brackets. */
    public String pcapName() {
        return pcapName;
    }

    /** Whether Weir's engines run it (else the validator rejects it). */
    public boolean supported() {
        return supported;
    }

    /** Whether k falls in the ancillary range, {@code k >= SKF_AD_OFF} unsigned. */
    public static boolean inRange(int k) {
        return Integer.compareUnsigned(k, AD_OFF) >= 0;
    }

    /** The ancillary load at k, or {@code null} if k names none. */
    public static Ancillary fromK(int k) {
        if (!inRange(k)) {
            return null;
        }
        int off = k - AD_OFF;
        return off % 4 == 0 && off / 4 < BY_OFFSET.length ? BY_OFFSET[off / 4] : null;
    }
}
