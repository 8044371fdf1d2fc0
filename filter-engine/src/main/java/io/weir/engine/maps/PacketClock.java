package io.weir.engine.maps;

/**
 * Where {@code bpf_ktime_get_ns} reads the time. When a capture file is replayed, the caller sets each
 * packet's timestamp on the running thread ({@link #setPacketTime}) before running the program, so programs see
 * the capture's time and a replay is reproducible; when no packet time is set (live traffic), it is the JVM's
 * monotonic clock ({@link System#nanoTime()}), like the kernel's {@code CLOCK_MONOTONIC}.
 */
public final class PacketClock {
    private static final ThreadLocal<long[]> TIME = ThreadLocal.withInitial(() -> new long[] {Long.MIN_VALUE});

    private PacketClock() {}

    /** Sets the current thread's packet time in nanoseconds (from a capture's timestamp). */
    public static void setPacketTime(long nanos) {
        TIME.get()[0] = nanos;
    }

    /** Goes back to the monotonic clock on the current thread. */
    public static void clear() {
        TIME.get()[0] = Long.MIN_VALUE;
    }

    /** What {@code bpf_ktime_get_ns} returns on this thread now. */
    public static long now() {
        long t = TIME.get()[0];
        return t == Long.MIN_VALUE ? System.nanoTime() : t;
    }
}
