package io.weir.engine.ebpf;

import static io.weir.engine.ebpf.MemoryModel.*;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The memory one run of a program sees, with the registers and call frames of that run: one per thread,
 * reused from run to run so that a run allocates nothing. Every access goes through {@link #load} or
 * {@link #store}, which decode a {@link MemoryModel} pointer and check it against its region; a bad access
 * throws {@link Fault}, which the interpreter turns into an error naming the instruction.
 *
 * <p>Regions: the packet (read-only for packet programs, read-write for RAW), the stack (the current frame
 * and its callers' frames, never the unused frames below), and the context (read-only; only its defined
 * fields, as 32-bit loads).
 */
public final class EbpfMemory {
    static final VarHandle LE16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle LE32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle LE64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle BE16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    static final VarHandle BE32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    private static final ThreadLocal<EbpfMemory> PER_THREAD = ThreadLocal.withInitial(EbpfMemory::new);

    /** A bad memory access or helper argument; carries no location (the interpreter adds it). */
    public static final class Fault extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** A fault with this reason. */
        public Fault(String reason) {
            super(reason, null, false, false);
        }
    }

    /** The registers r0..r10 of the running program. */
    final long[] regs = new long[Reg.COUNT];
    /** All frames; frame 0 occupies the top {@link MemoryModel#FRAME_SIZE} bytes. */
    final byte[] stack = new byte[STACK_SIZE];
    /** The lowest stack offset the current frame may touch. */
    int stackLow;
    /** Per call depth: return instruction index, and saved r6..r9, r10 (5 values). */
    final int[] returnTo = new int[MAX_CALL_DEPTH];
    final long[] saved = new long[MAX_CALL_DEPTH * 5];

    /** Whether a run is using this memory (a nested run on the same thread then gets its own). */
    boolean busy;
    byte[] packet = new byte[0];
    int packetBase;
    int packetLength;
    int wireLength;
    boolean packetWritable;
    ProgramType type = ProgramType.RAW;
    /** Scratch copy of a direct ByteBuffer's packet. */
    byte[] scratch = new byte[2048];

    /**
     * A fresh memory (stack and scratch) for one engine thread. Engines (the interpreter, the JIT) keep one per
     * thread and reuse it for every run: nothing is allocated per packet.
     */
    public EbpfMemory() {}

    /** This thread's memory. */
    static EbpfMemory current() {
        return PER_THREAD.get();
    }

    /** Prepares a run on {@code packet[base, base + length)}, zeroing the first {@code stackDepth} stack bytes. */
    public void reset(ProgramType t, byte[] pkt, int base, int length, int wire, boolean writable, int stackDepth) {
        this.type = t;
        this.packet = pkt;
        this.packetBase = base;
        this.packetLength = length;
        this.wireLength = wire;
        this.packetWritable = writable;
        this.stackLow = STACK_SIZE - FRAME_SIZE;
        if (stackDepth > 0) {
            Arrays.fill(stack, STACK_SIZE - stackDepth, STACK_SIZE, (byte) 0);
        }
    }

    /** Drops the reference to the caller's packet so a finished run keeps nothing alive. */
    public void release() {
        this.packet = null;
        this.busy = false;
    }

    /** The stack region's bytes (all frames; frame 0 at the top), for engines that address it directly. */
    public byte[] stack() {
        return stack;
    }

    /** The lowest stack offset the current frame may touch (moves down 512 bytes per local call). */
    public int stackLow() {
        return stackLow;
    }

    /** Sets the lowest reachable stack offset: engines call it on entry to and exit from a local call. */
    public void stackLow(int low) {
        this.stackLow = low;
    }

    /** Reads {@code size} (1, 2, 4, 8) bytes at {@code addr}, little-endian, zero-extended. */
    public long load(long addr, int size) {
        int region = (int) (addr >>> 32);
        int off = (int) addr;
        if (region == REGION_PACKET) {
            if (off >= 0 && off <= packetLength - size) {
                return read(packet, packetBase + off, size);
            }
        } else if (region == REGION_STACK) {
            if (off >= stackLow && off <= STACK_SIZE - size) {
                return read(stack, off, size);
            }
        } else if (region == REGION_CTX && type != ProgramType.RAW) {
            return loadContext(off, size);
        } else if (region >= FIRST_MAP_REGION) {
            ExternalRegion x = ExternalRegions.get(region);
            if (x != null) {
                return x.load(off, size);
            }
        }
        throw outOfBounds("read", addr, size);
    }

    /** Writes the low {@code size} (1, 2, 4, 8) bytes of {@code value} at {@code addr}, little-endian. */
    public void store(long addr, int size, long value) {
        int region = (int) (addr >>> 32);
        int off = (int) addr;
        if (region == REGION_STACK) {
            if (off >= stackLow && off <= STACK_SIZE - size) {
                write(stack, off, size, value);
                return;
            }
        } else if (region == REGION_PACKET) {
            if (!packetWritable) {
                throw new Fault("write to the packet of a " + type.label() + " program (read-only)");
            }
            if (off >= 0 && off <= packetLength - size) {
                write(packet, packetBase + off, size, value);
                return;
            }
        } else if (region == REGION_CTX && type != ProgramType.RAW) {
            throw new Fault("write to the context (read-only)");
        } else if (region >= FIRST_MAP_REGION) {
            ExternalRegion x = ExternalRegions.get(region);
            if (x != null) {
                x.store(off, size, value);
                return;
            }
        }
        throw outOfBounds("write", addr, size);
    }

    private long loadContext(int off, int size) {
        if (size != 4) {
            throw new Fault("context field at offset " + off + " must be read with a 4-byte load, not " + size);
        }
        if (type == ProgramType.SOCKET) {
            switch (off) {
                case SKB_LEN:
                    return wireLength & 0xffff_ffffL;
                case SKB_DATA:
                    return pointer(REGION_PACKET, 0);
                case SKB_DATA_END:
                    return pointer(REGION_PACKET, packetLength);
                default:
                    break;
            }
        } else if (type == ProgramType.XDP) {
            switch (off) {
                case XDP_DATA:
                case XDP_DATA_META:
                    return pointer(REGION_PACKET, 0);
                case XDP_DATA_END:
                    return pointer(REGION_PACKET, packetLength);
                case 12: // ingress_ifindex
                case 16: // rx_queue_index
                case 20: // egress_ifindex
                    return 0;
                default:
                    break;
            }
        }
        throw new Fault("invalid context access at offset " + off + " for a " + type.label() + " program");
    }

    private Fault outOfBounds(String what, long addr, int size) {
        int region = (int) (addr >>> 32);
        // Just below a region (an offset that went negative) counts as out of that region's bounds.
        if ((region & 1) == 0 && (int) addr < 0 && (region + 1 == REGION_PACKET || region + 1 == REGION_STACK)) {
            region++;
        }
        String where;
        if (region == REGION_PACKET) {
            where = (type == ProgramType.RAW ? "memory" : "packet") + " of length " + packetLength;
        } else if (region == REGION_STACK) {
            int frame = (STACK_SIZE - stackLow) / FRAME_SIZE - 1;
            long rel = (addr - pointer(REGION_STACK, stackLow + FRAME_SIZE));
            where = "stack frame " + frame + " (r10 " + (rel < 0 ? "- " + -rel : "+ " + rel) + ")";
        } else {
            return new Fault("invalid memory " + what + " of " + size + " bytes at " + MemoryModel.describe(addr)
                    + " (not a pointer)");
        }
        return new Fault("out-of-bounds " + what + " of " + size + " bytes at " + MemoryModel.describe(addr)
                + " in " + where);
    }

    static long read(byte[] a, int i, int size) {
        switch (size) {
            case 1:
                return a[i] & 0xffL;
            case 2:
                return (short) LE16.get(a, i) & 0xffffL;
            case 4:
                return (int) LE32.get(a, i) & 0xffff_ffffL;
            default:
                return (long) LE64.get(a, i);
        }
    }

    static void write(byte[] a, int i, int size, long v) {
        switch (size) {
            case 1:
                a[i] = (byte) v;
                break;
            case 2:
                LE16.set(a, i, (short) v);
                break;
            case 4:
                LE32.set(a, i, (int) v);
                break;
            default:
                LE64.set(a, i, v);
                break;
        }
    }
}
