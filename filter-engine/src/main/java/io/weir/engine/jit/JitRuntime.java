package io.weir.engine.jit;

import static io.weir.engine.ebpf.MemoryModel.FIRST_MAP_REGION;
import static io.weir.engine.ebpf.MemoryModel.FRAME_SIZE;
import static io.weir.engine.ebpf.MemoryModel.STACK_SIZE;

import io.weir.engine.ebpf.EbpfMemory;
import io.weir.engine.ebpf.ExternalRegion;
import io.weir.engine.ebpf.ExternalRegions;
import io.weir.engine.ebpf.Helper;
import io.weir.engine.ebpf.HelperTable;
import io.weir.engine.ebpf.MemoryModel;
import io.weir.engine.ebpf.ProgramType;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The small static methods generated code calls: argument checks, per-thread state, the arithmetic corners,
 * byte-order reads, frames, atomics and {@code callx}. Each is a few bytes of bytecode so that HotSpot's C2
 * inlines it into the generated method (static calls: no dispatch).
 *
 * <p>The JIT shares {@link EbpfMemory} with the interpreter, so that helpers and checked accesses behave and
 * fail exactly as there. Its constructor, {@code reset}, {@code release} and frame bookkeeping are
 * package-private to {@code io.weir.engine.ebpf}; they are reached once, at class initialisation, through a
 * private lookup (both packages live in one module), and then called through constant method handles.
 */
final class JitRuntime {
    private static final long M32 = 0xffff_ffffL;

    private static final VarHandle BE16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle BE32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LE16 = MethodHandles.byteArrayViewVarHandle(short[].class,
            ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LE32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LE64 = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);

    private static final VarHandle OWNERS = MethodHandles.arrayElementVarHandle(Thread[].class);

    private static final ThreadLocal<JitState> PER_THREAD = ThreadLocal.withInitial(JitState::new);
    private static final ThreadLocal<byte[][]> SCRATCH = ThreadLocal.withInitial(() -> new byte[][] {new byte[2048]});

    private JitRuntime() {}

    static EbpfMemory newMemory() {
        return new EbpfMemory();
    }

    static byte[] stackOf(EbpfMemory m) {
        return m.stack();
    }

    // ------------------------------------------------------------------ entry points

    /** The interpreter's check of a packet slice, with its message. */
    /**
     * A direct buffer for a program that reaches memory other than through its packet loads: its packet is copied
     * into a per-thread array (a nested run gets a fresh one), so the checked accesses see a byte array.
     */
    static long runDirect(JitProgram program, ByteBuffer packet, int offset, int capLen, int wireLen) {
        byte[][] holder = SCRATCH.get();
        byte[] scratch = holder[0];
        if (scratch == null || scratch.length < capLen) {
            scratch = new byte[Math.max(capLen, 2048)];
        }
        holder[0] = null; // busy: a nested run on this thread allocates its own
        try {
            packet.get(offset, scratch, 0, capLen);
            return program.run(scratch, 0, capLen, wireLen);
        } finally {
            holder[0] = scratch;
        }
    }

    /**
     * This thread's run state for {@code p}: the program's own state for one of its first threads (two independent
     * reads of the program for the first two), else the per-thread one.
     */
    private static JitState stateOf(JitProgram p) {
        Thread me = Thread.currentThread();
        if (p.owner0 == me) {
            return p.state0;
        }
        if (p.owner1 == me) {
            return p.state1;
        }
        return claim(p, me);
    }

    /** Finds or claims {@code me}'s slot among the program's owners; the per-thread state when all are taken. */
    private static JitState claim(JitProgram p, Thread me) {
        Thread[] o = p.owners;
        for (int i = 0; i < o.length; i++) {
            Thread t = o[i];
            if (t == me) {
                return p.ownerStates[i];
            }
            if (t == null && OWNERS.compareAndSet(o, i, null, me)) {
                JitState st = new JitState();
                p.ownerStates[i] = st; // read by this thread only
                if (i == 0) {
                    p.state0 = st;
                    p.owner0 = me;
                } else if (i == 1) {
                    p.state1 = st;
                    p.owner1 = me;
                }
                return st;
            }
        }
        return PER_THREAD.get();
    }

    /**
     * Starts a run: this thread's state, marked running (a nested run on the same thread gets a fresh one), with
     * the first {@code stackDepth} stack bytes zeroed. Its memory is set up only when the run needs it
     * ({@link #memory}): most runs of a program whose map calls and value accesses are direct never do.
     */
    static JitState enter(JitProgram p, int stackDepth) {
        JitState st = stateOf(p);
        if (st.phase != JitState.IDLE) {
            st = new JitState();
        }
        st.phase = JitState.RUNNING;
        if (stackDepth > 0) {
            Arrays.fill(st.stack, STACK_SIZE - stackDepth, STACK_SIZE, (byte) 0);
        }
        return st;
    }

    /** {@link #enter} with the memory set up at once, for a run on {@code packet[base, base + length)}. */
    static JitState acquire(JitProgram p, byte[] packet, int base, int length, int wire, boolean writable,
            int stackDepth) {
        JitState st = enter(p, 0);
        st.mem.reset(p.type, packet, base, length, wire, writable, stackDepth);
        st.phase = JitState.PREPARED;
        return st;
    }

    /** The run's memory, set up for its (read-only) packet on first need. */
    static EbpfMemory memory(JitProgram p, JitState st, byte[] packet, int base, int length, int wire) {
        if (st.phase != JitState.PREPARED) {
            st.mem.reset(p.type, packet, base, length, wire, false, 0);
            st.phase = JitState.PREPARED;
        }
        return st.mem;
    }

    /** Ends a run: the memory drops its packet (if it was set up) and the state is free again. */
    static void release(JitState st) {
        if (st.phase == JitState.PREPARED) {
            st.mem.release();
        }
        st.phase = JitState.IDLE;
    }

    // ------------------------------------------------------------------ local-call frames

    /** A local call's new frame: the memory's lowest valid stack offset moves down and the frame is zeroed. */
    static void pushFrame(JitState st) {
        int low = st.mem.stackLow() - FRAME_SIZE;
        st.mem.stackLow(low);
        Arrays.fill(st.stack, low, low + FRAME_SIZE, (byte) 0);
    }

    static void popFrame(JitState st) {
        st.mem.stackLow(st.mem.stackLow() + FRAME_SIZE);
    }

    // ------------------------------------------------------------------ arithmetic corners (as the interpreter)

    static long udiv64(long a, long b) {
        return b == 0 ? 0 : Long.divideUnsigned(a, b);
    }

    static long sdiv64(long a, long b) {
        return b == 0 ? 0 : a / b;
    }

    static long umod64(long a, long b) {
        return b == 0 ? a : Long.remainderUnsigned(a, b);
    }

    static long smod64(long a, long b) {
        return b == 0 ? a : a % b;
    }

    static long udiv32(int a, int b) {
        return b == 0 ? 0 : Integer.divideUnsigned(a, b) & M32;
    }

    static long sdiv32(int a, int b) {
        return b == 0 ? 0 : (a / b) & M32;
    }

    static long umod32(int a, int b) {
        return (b == 0 ? a : Integer.remainderUnsigned(a, b)) & M32;
    }

    static long smod32(int a, int b) {
        return (b == 0 ? a : a % b) & M32;
    }

    // ------------------------------------------------------------------ byte order

    static long be16(byte[] a, int i) {
        return (short) BE16.get(a, i) & 0xffffL;
    }

    static long be32(byte[] a, int i) {
        return (int) BE32.get(a, i) & M32;
    }

    static long le16(byte[] a, int i) {
        return (short) LE16.get(a, i) & 0xffffL;
    }

    static long le32(byte[] a, int i) {
        return (int) LE32.get(a, i) & M32;
    }

    static long le64(byte[] a, int i) {
        return (long) LE64.get(a, i);
    }

    static void put16(byte[] a, int i, long v) {
        LE16.set(a, i, (short) v);
    }

    static void put32(byte[] a, int i, long v) {
        LE32.set(a, i, (int) v);
    }

    static void put64(byte[] a, int i, long v) {
        LE64.set(a, i, v);
    }

    // ------------------------------------------------------------------ a ByteBuffer's packet, in place

    private static final VarHandle BUF_BE16 = MethodHandles.byteBufferViewVarHandle(short[].class,
            ByteOrder.BIG_ENDIAN);
    private static final VarHandle BUF_BE32 = MethodHandles.byteBufferViewVarHandle(int[].class,
            ByteOrder.BIG_ENDIAN);
    private static final VarHandle BUF_LE16 = MethodHandles.byteBufferViewVarHandle(short[].class,
            ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle BUF_LE32 = MethodHandles.byteBufferViewVarHandle(int[].class,
            ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle BUF_LE64 = MethodHandles.byteBufferViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);

    // Absolute reads: the buffer's position, limit and byte order are neither used nor changed.

    static long bufU8(ByteBuffer b, int i) {
        return b.get(i) & 0xffL;
    }

    static long bufBe16(ByteBuffer b, int i) {
        return (short) BUF_BE16.get(b, i) & 0xffffL;
    }

    static long bufBe32(ByteBuffer b, int i) {
        return (int) BUF_BE32.get(b, i) & M32;
    }

    static long bufLe16(ByteBuffer b, int i) {
        return (short) BUF_LE16.get(b, i) & 0xffffL;
    }

    static long bufLe32(ByteBuffer b, int i) {
        return (int) BUF_LE32.get(b, i) & M32;
    }

    static long bufLe64(ByteBuffer b, int i) {
        return (long) BUF_LE64.get(b, i);
    }

    // ------------------------------------------------------------------ calls and atomics

    /** {@code callx}: the helper whose id is in a register, or a fault naming it. */
    static long callx(HelperTable helpers, long id, long r1, long r2, long r3, long r4, long r5, EbpfMemory m) {
        Helper h = helpers.get(id);
        if (h == null) {
            throw new EbpfMemory.Fault("callx " + id + ": unknown helper");
        }
        return h.call(r1, r2, r3, r4, r5, m);
    }

    /** Atomics on map values are applied by their region, atomically across threads (as the interpreter). */
    private static ExternalRegion external(long addr) {
        ExternalRegion x = ExternalRegions.get((int) (addr >>> 32));
        if (x == null) {
            throw new EbpfMemory.Fault("invalid atomic access at " + MemoryModel.describe(addr) + " (not a pointer)");
        }
        return x;
    }

    /**
     * A 64-bit atomic read-modify-write ({@code op}: 0 add, 1 or, 2 and, 3 xor, 4 xchg) at {@code addr};
     * returns the old value. Read then write, as the interpreter, so a fault names the same access.
     */
    static long atomic64(EbpfMemory m, long addr, int op, long val) {
        if ((int) (addr >>> 32) >= FIRST_MAP_REGION) {
            return external(addr).atomic((int) addr, 8, op, val, 0);
        }
        long old = m.load(addr, 8);
        long next;
        switch (op) {
            case 0: next = old + val; break;
            case 1: next = old | val; break;
            case 2: next = old & val; break;
            case 3: next = old ^ val; break;
            default: next = val; break;
        }
        m.store(addr, 8, next);
        return old;
    }

    /** The 32-bit form of {@link #atomic64}; the old value is zero-extended. */
    static long atomic32(EbpfMemory m, long addr, int op, long value) {
        if ((int) (addr >>> 32) >= FIRST_MAP_REGION) {
            return external(addr).atomic((int) addr, 4, op, value, 0) & M32;
        }
        int old = (int) m.load(addr, 4);
        int val = (int) value;
        int next;
        switch (op) {
            case 0: next = old + val; break;
            case 1: next = old | val; break;
            case 2: next = old & val; break;
            case 3: next = old ^ val; break;
            default: next = val; break;
        }
        m.store(addr, 4, next);
        return old & M32;
    }

    /** 64-bit compare-and-exchange against r0; returns the old value (the new r0). */
    static long cmpxchg64(EbpfMemory m, long addr, long expected, long val) {
        if ((int) (addr >>> 32) >= FIRST_MAP_REGION) {
            return external(addr).atomic((int) addr, 8, ExternalRegion.ATOMIC_CMPXCHG, val, expected);
        }
        long old = m.load(addr, 8);
        if (old == expected) {
            m.store(addr, 8, val);
        }
        return old;
    }

    static long cmpxchg32(EbpfMemory m, long addr, long expected, long val) {
        if ((int) (addr >>> 32) >= FIRST_MAP_REGION) {
            return external(addr).atomic((int) addr, 4, ExternalRegion.ATOMIC_CMPXCHG, val, expected) & M32;
        }
        int old = (int) m.load(addr, 4);
        if (old == (int) expected) {
            m.store(addr, 4, val);
        }
        return old & M32;
    }
}
