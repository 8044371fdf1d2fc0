package io.weir.engine.verifier;

/** What a register (or a spilled stack slot) holds, as the kernel's {@code bpf_reg_type}. */
public enum RegType {
    /** Never written on this path: reading it is an error. */
    NOT_INIT("?"),
    /** A number, with bounds and known bits. */
    SCALAR("scalar"),
    /** The program's context ({@code __sk_buff} or {@code xdp_md}). */
    PTR_TO_CTX("ctx"),
    /** The packet, with the number of bytes a comparison with {@code data_end} has proven readable. */
    PTR_TO_PACKET("pkt"),
    /** One past the packet's last byte: only compared, never read or moved. */
    PTR_TO_PACKET_END("pkt_end"),
    /** A stack frame, at a known offset from its frame pointer. */
    PTR_TO_STACK("fp"),
    /** A map value, after a null check. */
    PTR_TO_MAP_VALUE("map_value"),
    /** What {@code map_lookup_elem} returns: a map value or null, unusable until compared with 0. */
    PTR_TO_MAP_VALUE_OR_NULL("map_value_or_null"),
    /** A map, as {@code lddw map_by_fd} loads it: only passed to helpers. */
    CONST_PTR_TO_MAP("map_ptr"),
    /**
     * Memory a helper handed out with a size, after a null check: a ring buffer record of {@code ringbuf_reserve}
     * (the kernel's {@code PTR_TO_MEM | MEM_RINGBUF}); it holds a reference that must be released.
     */
    PTR_TO_MEM("mem"),
    /** What {@code ringbuf_reserve} returns: a record or null, unusable until compared with 0. */
    PTR_TO_MEM_OR_NULL("mem_or_null");

    private final String label;

    RegType(String label) {
        this.label = label;
    }

    /** The kernel-style name used in the log. */
    public String label() {
        return label;
    }

    /** Whether this is one of the pointer types. */
    public boolean isPointer() {
        return this != NOT_INIT && this != SCALAR;
    }
}
