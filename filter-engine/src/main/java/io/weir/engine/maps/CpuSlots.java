package io.weir.engine.maps;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The JVM's stand-in for CPUs: per-CPU maps keep one value per <em>slot</em>, and each thread that runs a program
 * is given a slot the first time it asks, round-robin. With no more worker threads than slots (the default
 * count is the number of available processors) every thread has a slot of its own, so a program's plain
 * read-modify-write of a per-CPU value loses nothing; more threads than slots share slots, as tasks share a CPU,
 * and then only atomic adds are exact. {@code get_smp_processor_id} returns the slot.
 */
public final class CpuSlots {
    private static final int COUNT = Math.max(1, Integer.getInteger("weir.cpus",
            Runtime.getRuntime().availableProcessors()));
    private static final AtomicInteger NEXT = new AtomicInteger();
    private static final ThreadLocal<int[]> SLOT = ThreadLocal.withInitial(
            () -> new int[] {Math.floorMod(NEXT.getAndIncrement(), COUNT)});

    private CpuSlots() {}

    /** The number of slots (system property {@code weir.cpus}, default the available processors). */
    public static int count() {
        return COUNT;
    }

    /** The calling thread's slot, in {@code [0, count())}. */
    public static int current() {
        return SLOT.get()[0];
    }
}
