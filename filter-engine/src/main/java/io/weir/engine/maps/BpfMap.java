package io.weir.engine.maps;

import io.weir.engine.ebpf.EbpfMemory;
import io.weir.engine.ebpf.ExternalRegion;
import io.weir.engine.ebpf.ExternalRegions;
import io.weir.engine.ebpf.MemoryModel;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A live map made from a {@link MapSpec}: its memory, its region of the {@link MemoryModel} (so programs reach
 * its values through ordinary pointers) and the Java API to read, iterate, update and clear it from outside the
 * program. Keys and values cross the Java API as little-endian byte arrays of the spec's sizes.
 *
 * <p>The program-side operations ({@code lookupPointer}, {@code updateFrom}, {@code deleteFrom}) take pointers
 * into the running program's memory and return what the helpers return: a value pointer or 0, and 0 or a
 * negative errno.
 *
 * <p>Per-CPU maps keep {@link #cpus()} values per entry. A program sees the value of its thread's slot
 * ({@link CpuSlots}); the Java API's {@link #lookup(byte[], byte[])} sums the slots (each 8-byte lane, or the
 * whole value when it is 1, 2 or 4 bytes, as a little-endian integer), {@link #lookupPerCpu} gives them apart,
 * and {@link #update(byte[], byte[], long)} accepts either {@code value_size} bytes (slot 0 gets them, the
 * others are zeroed, so the sum is the value) or {@code cpus * value_size} bytes, one value per slot.
 *
 * <p>A map must be {@link #close() closed} to free its region id; a closed map's region no longer resolves.
 */
public abstract class BpfMap implements ExternalRegion, AutoCloseable {
    /** {@code BPF_ANY}: create or update. */
    public static final long BPF_ANY = 0;
    /** {@code BPF_NOEXIST}: create only. */
    public static final long BPF_NOEXIST = 1;
    /** {@code BPF_EXIST}: update only. */
    public static final long BPF_EXIST = 2;

    private static final VarHandle LE64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LE32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final ThreadLocal<long[]> KEY_SCRATCH = ThreadLocal.withInitial(
            () -> new long[MapSpec.MAX_KEY_SIZE / 8 + 1]);

    final MapSpec spec;
    final int cpus;
    final int region;
    private volatile boolean closed;

    BpfMap(MapSpec spec, int cpus) {
        this.spec = spec;
        this.cpus = cpus;
        this.region = ExternalRegions.register(this);
    }

    /** The spec this map was made from. */
    public MapSpec spec() {
        return spec;
    }

    /** The map's name. */
    public String name() {
        return spec.name();
    }

    /** The map type. */
    public MapType type() {
        return spec.type();
    }

    /** The key size in bytes. */
    public int keySize() {
        return spec.keySize();
    }

    /** The value size in bytes (of one slot, for a per-CPU map). */
    public int valueSize() {
        return spec.valueSize();
    }

    /** The maximum number of entries. */
    public int maxEntries() {
        return spec.maxEntries();
    }

    /** The number of value slots per entry: {@link CpuSlots#count()} for per-CPU maps, else 1. */
    public int cpus() {
        return cpus;
    }

    /** The region id of this map's values in the {@link MemoryModel}. */
    public int regionId() {
        return region;
    }

    /**
     * The value a {@code lddw} of this map's pseudo fd loads: a pointer to offset 0 of its region, which the
     * helpers recognise as this map (and which is also the map-value address of entry 0, as {@code lddw}'s
     * map-value form with offset 0 gives for global data).
     */
    public long handle() {
        return MemoryModel.pointer(region, 0);
    }

    /** The map whose {@link #handle()} (or any pointer into whose region) is {@code pointer}, or null. */
    public static BpfMap ofPointer(long pointer) {
        ExternalRegion r = ExternalRegions.get(MemoryModel.region(pointer));
        return r instanceof BpfMap ? (BpfMap) r : null;
    }

    @Override
    public String regionName() {
        return spec.name();
    }

    // ------------------------------------------------------------------ Java API

    /**
     * Copies the value of {@code key} into {@code value} ({@code value_size} bytes; per-CPU maps: summed).
     *
     * @return whether the key exists
     */
    public abstract boolean lookup(byte[] key, byte[] value);

    /** The value of {@code key} (per-CPU maps: summed), or null. */
    public byte[] lookup(byte[] key) {
        byte[] v = new byte[spec.valueSize()];
        return lookup(key, v) ? v : null;
    }

    /** Copies the per-slot values of {@code key} into {@code values} ({@code cpus * value_size} bytes). */
    public abstract boolean lookupPerCpu(byte[] key, byte[] values);

    /** Creates or updates {@code key} according to {@code flags}; returns 0 or a negative errno. */
    public abstract int update(byte[] key, byte[] value, long flags);

    /** Deletes {@code key}; returns 0 or a negative errno (-ENOENT, or -EINVAL for arrays). */
    public abstract int delete(byte[] key);

    /**
     * {@code BPF_MAP_GET_NEXT_KEY}: writes into {@code next} the key after {@code key}, or the first key when
     * {@code key} is null or no longer in the map (so a walk survives concurrent deletes, as in Linux).
     *
     * @return 0, or -ENOENT after the last key
     */
    public abstract int nextKey(byte[] key, byte[] next);

    /** Removes every entry (arrays: zeroes every value). */
    public abstract void clear();

    /** The number of entries (arrays: max entries). */
    public abstract int size();

    /** Receives the entries of a walk; the arrays are reused from call to call. */
    @FunctionalInterface
    public interface EntryVisitor {
        /** One entry: its key and its value (per-CPU: summed). */
        void visit(byte[] key, byte[] value);
    }

    /**
     * Visits every entry in {@link #nextKey} order with reused arrays. Consistency: a walk sees every entry that
     * stays in the map for the whole walk exactly once, entries added or deleted meanwhile may or may not be seen,
     * and a value is read at the time its key is visited.
     */
    public void forEach(EntryVisitor visitor) {
        byte[] key = new byte[spec.keySize()];
        byte[] next = new byte[spec.keySize()];
        byte[] value = new byte[spec.valueSize()];
        byte[] cur = null;
        while (nextKey(cur, next) == 0) {
            System.arraycopy(next, 0, key, 0, key.length);
            if (lookup(key, value)) {
                visitor.visit(key, value);
            }
            cur = key;
        }
    }

    // ------------------------------------------------------------------ program side

    /** {@code bpf_map_lookup_elem}: the pointer to the value of the key at {@code keyAddr}, or 0. */
    public abstract long lookupPointer(EbpfMemory memory, long keyAddr);

    /** {@code bpf_map_update_elem} from a program: 0 or a negative errno. */
    public abstract long updateFrom(EbpfMemory memory, long keyAddr, long valueAddr, long flags);

    /** {@code bpf_map_delete_elem} from a program: 0 or a negative errno. */
    public abstract long deleteFrom(EbpfMemory memory, long keyAddr);

    // ------------------------------------------------------------------ for engines that call maps directly

    /**
     * Whether {@link #lookupWord} serves this map: a {@code hash}, {@code lru_hash} or array kind whose key is 1,
     * 2, 4 or 8 bytes. A JIT that knows a call's map and where its key is reads the key itself and calls it: a
     * direct call on a constant receiver, small enough for HotSpot to inline.
     */
    public boolean wordKeyed() {
        return false;
    }

    /**
     * {@code bpf_map_lookup_elem} with the key given as the little-endian value of its {@code key_size} bytes;
     * the same result and effects (LRU reference bit) as {@link #lookupPointer}. Allocates nothing.
     *
     * @throws UnsupportedOperationException when {@link #wordKeyed()} is false
     */
    public long lookupWord(long key) {
        throw new UnsupportedOperationException("map '" + spec.name() + "' has no word-sized key");
    }

    /**
     * {@link #lookupWord(long)} for a caller that knows its per-CPU slot ({@link CpuSlots#current()}, which a JIT
     * keeps per thread): the same result, without the slot's {@code ThreadLocal} lookup.
     */
    public long lookupWord(long key, int cpu) {
        return lookupWord(key);
    }

    /**
     * Whether {@link #lookupStack} serves this map: a hash kind, whatever its key size. A JIT that knows a
     * call's map and that its key lies in the frame at a constant offset calls it instead of the helper.
     */
    public boolean stackKeyed() {
        return false;
    }

    /**
     * {@code bpf_map_lookup_elem} with the key read from {@code stack[offset, offset + key_size)} (a program's
     * stack bytes, little-endian as the program wrote them) by the caller in per-CPU slot {@code cpu}: the same
     * result and effects as {@link #lookupPointer}, without going through an {@code EbpfMemory}. Allocates
     * nothing: the key words go to {@code scratch} (at least {@code (key_size + 7) / 8} longs, the caller's own;
     * a JIT keeps one per thread).
     *
     * @throws UnsupportedOperationException when {@link #stackKeyed()} is false
     */
    public long lookupStack(byte[] stack, int offset, int cpu, long[] scratch) {
        throw new UnsupportedOperationException("map '" + spec.name() + "' has no stack-key lookup");
    }

    /**
     * Faults as map helper {@code helper} does when its map is gone: an engine calling this map directly checks
     * first, so that a program run after {@link #close()} fails the same way on every engine.
     */
    public final void checkOpen(int helper) {
        if (closed) {
            throw MapHelpers.notKeyValue(helper, handle());
        }
    }

    /** This map's region id, or -1 once closed: an engine compares a pointer's region with it. */
    public final int liveRegion() {
        return closed ? -1 : region;
    }

    @Override
    public abstract long load(int offset, int size);

    @Override
    public abstract void store(int offset, int size, long value);

    @Override
    public abstract long atomic(int offset, int size, int op, long value, long expected);

    // ------------------------------------------------------------------ lifecycle

    /** Frees the region id; programs that still hold pointers into this map fault instead of reading it. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            ExternalRegions.unregister(region);
        }
    }

    @Override
    public String toString() {
        return spec.type().label() + " '" + spec.name() + "' key " + spec.keySize() + " value " + spec.valueSize()
                + " max " + spec.maxEntries();
    }

    // ------------------------------------------------------------------ shared helpers

    /** This thread's key scratch filled from program memory: {@code (keySize + 7) / 8} little-endian words. */
    static long[] readKey(EbpfMemory m, long addr, int keySize) {
        long[] k = KEY_SCRATCH.get();
        int full = keySize >>> 3;
        for (int w = 0; w < full; w++) {
            k[w] = m.load(addr + (w << 3), 8);
        }
        int rest = keySize & 7;
        if (rest != 0) {
            long v;
            if (rest == 4) {
                v = m.load(addr + (full << 3), 4);
            } else if (rest == 2) {
                v = m.load(addr + (full << 3), 2);
            } else {
                v = 0;
                for (int i = 0; i < rest; i++) {
                    v |= m.load(addr + (full << 3) + i, 1) << (i << 3);
                }
            }
            k[full] = v;
        }
        return k;
    }

    /**
     * Word {@code w} of a {@code keySize}-byte key at {@code stack[off..]}: 8 bytes little-endian, or the key's
     * last 1 to 7 bytes zero-extended (the words {@link #readKey(EbpfMemory, long, int)} gives).
     */
    static long stackWord(byte[] stack, int off, int keySize, int w) {
        int at = off + (w << 3);
        int rest = keySize - (w << 3);
        if (rest >= 8) {
            return (long) LE64.get(stack, at);
        }
        if (rest == 4) {
            return (int) LE32.get(stack, at) & 0xffff_ffffL;
        }
        long v = 0;
        for (int b = 0; b < rest; b++) {
            v |= (stack[at + b] & 0xffL) << (b << 3);
        }
        return v;
    }

    /** This thread's key scratch filled from a Java key. */
    long[] readKey(byte[] key) {
        if (key == null || key.length != spec.keySize()) {
            throw new MapException(Errno.EINVAL, "map '" + spec.name() + "': key of "
                    + (key == null ? "null" : key.length + " bytes") + ", expected " + spec.keySize());
        }
        long[] k = KEY_SCRATCH.get();
        int words = (key.length + 7) >>> 3;
        for (int w = 0; w < words; w++) {
            long v = 0;
            for (int b = 0; b < 8 && (w << 3) + b < key.length; b++) {
                v |= (key[(w << 3) + b] & 0xffL) << (b << 3);
            }
            k[w] = v;
        }
        return k;
    }

    void checkValue(byte[] value) {
        if (value == null || (value.length != spec.valueSize() && value.length != spec.valueSize() * cpus)) {
            throw new MapException(Errno.EINVAL, "map '" + spec.name() + "': value of "
                    + (value == null ? "null" : value.length + " bytes") + ", expected " + spec.valueSize()
                    + (cpus > 1 ? " or " + spec.valueSize() * cpus : ""));
        }
    }

    /** Writes a Java value into the {@code cpus} slots starting at {@code firstSlot}. */
    static void putValue(ValueStore values, int firstSlot, int cpus, byte[] value) {
        if (value.length == values.valueSize) {
            values.copyIn(firstSlot, value, 0);
            for (int c = 1; c < cpus; c++) {
                values.zero(firstSlot + c);
            }
        } else {
            for (int c = 0; c < cpus; c++) {
                values.copyIn(firstSlot + c, value, c * values.valueSize);
            }
        }
    }

    /** Reads the {@code cpus} slots from {@code firstSlot} into {@code out}, summed lane by lane. */
    static void sumValue(ValueStore values, int firstSlot, int cpus, byte[] out) {
        values.copyOut(firstSlot, out, 0);
        if (cpus == 1) {
            return;
        }
        int size = values.valueSize;
        int lane = size == 1 || size == 2 || size == 4 ? size : 8;
        for (int at = 0; at + lane <= size; at += lane) {
            long sum = 0;
            for (int c = 0; c < cpus; c++) {
                sum += values.load(values.offset(firstSlot + c) + at, lane);
            }
            for (int b = 0; b < lane; b++) {
                out[at + b] = (byte) (sum >>> (b << 3));
            }
        }
    }
}
