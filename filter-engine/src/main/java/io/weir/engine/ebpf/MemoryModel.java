package io.weir.engine.ebpf;

/**
 * How eBPF pointers are represented as 64-bit register values, shared by the interpreter, the verifier and the
 * JIT (the package documentation explains the model; this class holds its numbers).
 *
 * <pre>
 *   63            32 31             0
 *  +----------------+----------------+
 *  |   region id    |     offset     |
 *  +----------------+----------------+
 * </pre>
 * A pointer is {@code region << 32 | offset}: ordinary 64-bit additions move it within its region, and
 * comparisons of two pointers into the same region compare their offsets. The built-in regions have odd ids with
 * unmapped even ids between them, so an offset that runs below 0 (borrowing from the id) or past 2^32 (carrying
 * into it) lands in no region; map regions ({@link ExternalRegions}) are numbered from 17 upward, and an offset
 * that borrows from one lands near 2^32 in the one below, which that region's bounds check rejects. Region 0 is
 * unmapped, so 0 is the null pointer.
 */
public final class MemoryModel {
    private MemoryModel() {}

    /** No region: scalars and the null pointer. */
    public static final int REGION_NONE = 0;
    /** The program's context: {@code __sk_buff} (SOCKET) or {@code xdp_md} (XDP); read-only, virtual. */
    public static final int REGION_CTX = 1;
    /** The packet (SOCKET, XDP; read-only) or the memory region (RAW; read-write). */
    public static final int REGION_PACKET = 3;
    /** The stack: {@link #MAX_CALL_DEPTH} frames of {@link #FRAME_SIZE} bytes, frame 0 at the top. */
    public static final int REGION_STACK = 5;
    /** The first region id given to map values and other {@link ExternalRegion}s (ids below are reserved). */
    public static final int FIRST_MAP_REGION = 17;

    /** Bytes of stack per frame (RFC 9669 section 2.5 and the kernel's MAX_BPF_STACK). */
    public static final int FRAME_SIZE = 512;
    /** The deepest nesting of local calls, the entry frame included (as the kernel's MAX_CALL_FRAMES). */
    public static final int MAX_CALL_DEPTH = 8;
    /** The size of the stack region; r10 of frame {@code k} is {@code STACK_SIZE - k * FRAME_SIZE}. */
    public static final int STACK_SIZE = FRAME_SIZE * MAX_CALL_DEPTH;

    /** {@code __sk_buff.len} (u32): the packet's length on the wire. */
    public static final int SKB_LEN = 0;
    /** {@code __sk_buff.data} (u32 in C, loaded as a full pointer): the first byte of the packet. */
    public static final int SKB_DATA = 76;
    /** {@code __sk_buff.data_end}: one past the last captured byte. */
    public static final int SKB_DATA_END = 80;
    /** {@code xdp_md.data}. */
    public static final int XDP_DATA = 0;
    /** {@code xdp_md.data_end}. */
    public static final int XDP_DATA_END = 4;
    /** {@code xdp_md.data_meta} (no metadata: equals data). */
    public static final int XDP_DATA_META = 8;

    /** The pointer to {@code offset} in {@code region}. */
    public static long pointer(int region, int offset) {
        return (long) region << 32 | (offset & 0xffff_ffffL);
    }

    /** The region id of a pointer. */
    public static int region(long pointer) {
        return (int) (pointer >>> 32);
    }

    /** The offset of a pointer within its region (negative when above 2^31, which no region reaches). */
    public static int offset(long pointer) {
        return (int) pointer;
    }

    /** A pointer as {@code packet+12}, {@code stack+4088}, {@code packet-1}, for error messages. */
    public static String describe(long pointer) {
        int r = region(pointer);
        String name = regionName(r);
        if (name != null) {
            return name + "+" + Integer.toUnsignedString(offset(pointer));
        }
        String above = r < FIRST_MAP_REGION && (r & 1) == 0 && offset(pointer) < 0 ? regionName(r + 1) : null;
        if (above != null) {
            return above + "-" + (0x1_0000_0000L - Integer.toUnsignedLong(offset(pointer)));
        }
        return String.format("0x%x", pointer);
    }

    /** The name of a region id ({@code packet}, or a map's name), or null when the id is unmapped. */
    public static String regionName(int region) {
        return switch (region) {
            case REGION_CTX -> "ctx";
            case REGION_PACKET -> "packet";
            case REGION_STACK -> "stack";
            default -> {
                ExternalRegion x = region >= FIRST_MAP_REGION ? ExternalRegions.get(region) : null;
                yield x == null ? null : x.regionName();
            }
        };
    }
}
