package io.weir.engine.maps;

import static io.weir.engine.maps.HelperProto.*;

import io.weir.engine.ebpf.EbpfMemory;
import io.weir.engine.ebpf.Helper;
import io.weir.engine.ebpf.HelperTable;
import io.weir.engine.ebpf.MemoryModel;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The helpers of packet programs (SOCKET, XDP), with the Linux ids of {@link HelperProto}: maps, time, random
 * numbers, the slot number, {@code trace_printk}, {@code skb_load_bytes} and the ring buffer. Map arguments are
 * {@link BpfMap#handle()} pointers (what a linked {@code lddw} of a pseudo map fd loads); memory arguments are
 * read and written through the run's {@link EbpfMemory}, so they are bounds-checked like the program's own
 * accesses. A map argument that is not a map, or of a type the helper does not accept, faults.
 *
 * <p>Note that the conformance suite's RAW table uses id 5 for a helper of its own; this table is only for
 * packet programs.
 */
public final class MapHelpers {
    private static final long M32 = 0xffff_ffffL;
    private static final int EFAULT = 14;

    /** {@code map_lookup_elem}, {@code map_update_elem}, {@code map_delete_elem}: shared by every table. */
    private static final Helper LOOKUP = (r1, r2, r3, r4, r5, m) -> map(r1, MAP_LOOKUP_ELEM).lookupPointer(m, r2);
    private static final Helper UPDATE = (r1, r2, r3, r4, r5, m) -> map(r1, MAP_UPDATE_ELEM)
            .updateFrom(m, r2, r3, r4);
    private static final Helper DELETE = (r1, r2, r3, r4, r5, m) -> map(r1, MAP_DELETE_ELEM).deleteFrom(m, r2);

    private MapHelpers() {}

    /**
     * Which map helper {@code h} is ({@link HelperProto#MAP_LOOKUP_ELEM}, {@code MAP_UPDATE_ELEM},
     * {@code MAP_DELETE_ELEM}), or -1 when it is not one of this class's: an engine that knows the map of a call
     * may then call the map directly ({@link BpfMap#lookupWord}, {@link BpfMap#updateFrom}...), to the same effect.
     */
    public static int mapHelperId(Helper h) {
        return h == LOOKUP ? MAP_LOOKUP_ELEM : h == UPDATE ? MAP_UPDATE_ELEM : h == DELETE ? MAP_DELETE_ELEM : -1;
    }

    /** The packet-program table; {@code trace_printk} lines go to {@code trace}. */
    public static HelperTable table(TraceSink trace) {
        TraceSink sink = trace == null ? TraceSink.DISCARD : trace;
        return HelperTable.empty()
                .with(MAP_LOOKUP_ELEM, "map_lookup_elem", LOOKUP)
                .with(MAP_UPDATE_ELEM, "map_update_elem", UPDATE)
                .with(MAP_DELETE_ELEM, "map_delete_elem", DELETE)
                .with(KTIME_GET_NS, "ktime_get_ns", PacketClock.HELPER)
                .with(TRACE_PRINTK, "trace_printk", (r1, r2, r3, r4, r5, m) -> traceLine(sink, m, r1, r2, r3, r4, r5))
                .with(GET_PRANDOM_U32, "get_prandom_u32",
                        (r1, r2, r3, r4, r5, m) -> ThreadLocalRandom.current().nextInt() & M32)
                .with(GET_SMP_PROCESSOR_ID, "get_smp_processor_id", (r1, r2, r3, r4, r5, m) -> CpuSlots.current())
                .with(SKB_LOAD_BYTES, "skb_load_bytes", (r1, r2, r3, r4, r5, m) -> skbLoadBytes(m, r2, r3, r4))
                .with(RINGBUF_OUTPUT, "ringbuf_output", (r1, r2, r3, r4, r5, m) -> ring(r1, RINGBUF_OUTPUT)
                        .output(m, r2, r3, r4))
                .with(RINGBUF_RESERVE, "ringbuf_reserve", (r1, r2, r3, r4, r5, m) -> ring(r1, RINGBUF_RESERVE)
                        .reserve(r2, r3))
                .with(RINGBUF_SUBMIT, "ringbuf_submit", (r1, r2, r3, r4, r5, m) -> commit(r1, false))
                .with(RINGBUF_DISCARD, "ringbuf_discard", (r1, r2, r3, r4, r5, m) -> commit(r1, true));
    }

    /** The packet-program table with {@code trace_printk} output discarded. */
    public static HelperTable table() {
        return table(TraceSink.DISCARD);
    }

    private static BpfMap map(long pointer, int helper) {
        BpfMap map = BpfMap.ofPointer(pointer);
        if (map == null || MemoryModel.offset(pointer) != 0 || map instanceof RingBuffer) {
            throw notKeyValue(helper, pointer);
        }
        return map;
    }

    /** The fault of a map helper whose r1 is not a live key/value map. */
    static EbpfMemory.Fault notKeyValue(int helper, long pointer) {
        return new EbpfMemory.Fault(of(helper).name() + ": r1 " + MemoryModel.describe(pointer)
                + " is not a key/value map");
    }

    private static RingBuffer ring(long pointer, int helper) {
        BpfMap map = BpfMap.ofPointer(pointer);
        if (!(map instanceof RingBuffer) || MemoryModel.offset(pointer) != 0) {
            throw new EbpfMemory.Fault(of(helper).name() + ": r1 " + MemoryModel.describe(pointer)
                    + " is not a ring buffer");
        }
        return (RingBuffer) map;
    }

    private static long commit(long pointer, boolean discard) {
        BpfMap map = BpfMap.ofPointer(pointer);
        if (!(map instanceof RingBuffer)) {
            throw new EbpfMemory.Fault("ringbuf_" + (discard ? "discard" : "submit") + ": r1 "
                    + MemoryModel.describe(pointer) + " is not a ring buffer record");
        }
        ((RingBuffer) map).commit(pointer, discard);
        return 0;
    }

    /**
     * {@code bpf_skb_load_bytes(ctx, offset, to, len)}: 0, or -EFAULT when the bytes are not in the packet, with
     * {@code to} zeroed then, as Linux does (the verifier counts the buffer as written after the call, so a
     * program may read it either way; without the zeroing it would read an earlier run's stack).
     */
    static long skbLoadBytes(EbpfMemory m, long offset, long to, long len) {
        if (len <= 0 || offset < 0 || offset > Integer.MAX_VALUE - len) {
            return clear(m, to, len);
        }
        long from = MemoryModel.pointer(MemoryModel.REGION_PACKET, (int) offset);
        try {
            m.load(from + len - 1, 1);
        } catch (EbpfMemory.Fault outside) {
            return clear(m, to, len);
        }
        int i = 0;
        for (; i + 8 <= len; i += 8) {
            m.store(to + i, 8, m.load(from + i, 8));
        }
        for (; i < len; i++) {
            m.store(to + i, 1, m.load(from + i, 1));
        }
        return 0;
    }

    /** The failed {@code skb_load_bytes}: zeroes {@code to[0, len)} where it can be written; -EFAULT. */
    private static long clear(EbpfMemory m, long to, long len) {
        try {
            for (long i = 0; i < len && i < MemoryModel.FRAME_SIZE; i++) {
                m.store(to + i, 1, 0);
            }
        } catch (EbpfMemory.Fault unwritable) {
            // An unverified program's bad buffer: the error code is the answer, as before.
        }
        return -EFAULT;
    }

    private static long traceLine(TraceSink sink, EbpfMemory m, long fmt, long size, long a1, long a2, long a3) {
        String line = TracePrintk.format(m, fmt, size, new long[] {a1, a2, a3});
        sink.line(line);
        return line.length() + 1;
    }
}
