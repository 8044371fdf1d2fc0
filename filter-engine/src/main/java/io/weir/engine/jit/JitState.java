package io.weir.engine.jit;

import io.weir.engine.ebpf.EbpfMemory;
import io.weir.engine.ebpf.MemoryModel;
import io.weir.engine.ebpf.Reg;
import io.weir.engine.maps.CpuSlots;
import io.weir.engine.maps.MapSpec;
import io.weir.engine.maps.PacketClock;

/**
 * The state of one run of a JIT-compiled program that does not fit in JVM locals: the {@link EbpfMemory} its
 * helpers and checked accesses see (stack bytes, packet, context), the local-call frames, and the registers,
 * budget and call depth as they cross from one generated method to the next. One per thread, reused from run to
 * run, so a run allocates nothing; a nested run on the same thread (a helper running a program) gets its own.
 *
 * <p>States of different threads never share a cache line in practice: each is allocated by its own thread, in
 * that thread's allocation buffer, and only its owner writes it.
 */
final class JitState {
    /** r0..r10 between chunk methods (a program split into several methods). */
    final long[] regs = new long[Reg.COUNT];
    /** The instruction budget left, between chunk methods. */
    long left;
    /** The local-call depth, between chunk methods. */
    int depth;
    /** Per call depth: the instruction index to return to. */
    final int[] returnTo = new int[MemoryModel.MAX_CALL_DEPTH];
    /** Per call depth: the caller's r6..r10. */
    final long[] saved = new long[MemoryModel.MAX_CALL_DEPTH * 5];
    /** The memory checked accesses and helpers go through; owned by this state. */
    final EbpfMemory mem;
    /** {@code mem}'s stack bytes, for accesses the JIT proved to stay in the current frame. */
    final byte[] stack;
    /** Key words of a direct map lookup whose key is longer than a word ({@code BpfMap.lookupStack}). */
    final long[] key = new long[MapSpec.MAX_KEY_SIZE / 8 + 1];
    /** The creating thread's per-CPU slot ({@link CpuSlots}): a state is only ever used by that thread. */
    final int cpu;
    /** The creating thread's clock, read by a direct {@code ktime_get_ns} (no {@code ThreadLocal} per call). */
    final PacketClock.Slot clock;
    /** {@link #IDLE}, {@link #RUNNING} or {@link #PREPARED}. */
    int phase;

    /** No run is using this state. */
    static final int IDLE = 0;
    /** A run is using this state; {@link #mem} is not set up for it yet (it is on first need). */
    static final int RUNNING = 1;
    /** A run is using this state and {@link #mem} holds its packet. */
    static final int PREPARED = 2;

    JitState() {
        mem = JitRuntime.newMemory();
        stack = JitRuntime.stackOf(mem);
        cpu = CpuSlots.current();
        clock = PacketClock.current();
    }
}
