package io.weir.engine.maps;

import io.weir.engine.ebpf.Helper;

/**
 * Where {@code bpf_ktime_get_ns} reads the time. When a capture file is replayed, the caller sets each
 * packet's timestamp on the running thread ({@link #setPacketTime}) before running the program, so programs see
 * the capture's time and a replay is reproducible; when no packet time is set (live traffic), it is the JVM's
 * monotonic clock ({@link System#nanoTime()}), like the kernel's {@code CLOCK_MONOTONIC}.
 *
 * <p>Each thread's time lives in its {@link Slot}. A caller that runs many packets on one thread may keep the
 * slot ({@link #current()}) and set the time through it, and the JIT keeps it in its per-thread run state: then
 * neither side pays a {@code ThreadLocal} lookup per packet.
 */
public final class PacketClock {
    private static final long NONE = Long.MIN_VALUE;
    private static final ThreadLocal<Slot> SLOT = ThreadLocal.withInitial(Slot::new);

    /**
     * The {@code ktime_get_ns} helper ({@link HelperProto#KTIME_GET_NS}): {@link #now()}. An engine that finds this
     * very object in a helper table may read the clock directly instead of calling it (it touches no memory).
     */
    public static final Helper HELPER = (r1, r2, r3, r4, r5, m) -> now();

    private PacketClock() {}

    /** One thread's clock: the packet time its caller set, or none (then the monotonic clock). */
    public static final class Slot {
        private long nanos = NONE;

        private Slot() {}

        /** Sets this thread's packet time in nanoseconds (from a capture's timestamp). */
        public void set(long nanos) {
            this.nanos = nanos;
        }

        /** Goes back to the monotonic clock. */
        public void clear() {
            this.nanos = NONE;
        }

        /** What {@code bpf_ktime_get_ns} returns on this slot's thread now. */
        public long now() {
            long t = nanos;
            return t == NONE ? System.nanoTime() : t;
        }
    }

    /** The current thread's slot; only that thread may use it. */
    public static Slot current() {
        return SLOT.get();
    }

    /** Sets the current thread's packet time in nanoseconds (from a capture's timestamp). */
    public static void setPacketTime(long nanos) {
        SLOT.get().set(nanos);
    }

    /** Goes back to the monotonic clock on the current thread. */
    public static void clear() {
        SLOT.get().clear();
    }

    /** What {@code bpf_ktime_get_ns} returns on this thread now. */
    public static long now() {
        return SLOT.get().now();
    }
}
