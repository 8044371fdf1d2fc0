package io.weir.engine.maps;

import io.weir.engine.ebpf.EbpfMemory;
import io.weir.engine.ebpf.ExternalRegion;
import io.weir.engine.ebpf.MemoryModel;

/**
 * {@code array} and {@code percpu_array}: {@code max_entries} values indexed by a 4-byte key, all present from
 * creation and zeroed, in one {@link ValueStore}. Bytes per entry: the value rounded up to 8, times the slots
 * (no key or link is stored). Deleting an element fails with EINVAL as in Linux; {@link #clear()} zeroes.
 *
 * <p>Global data ({@code .rodata}, {@code .data}, {@code .bss} of an ELF object) are one-entry arrays; with
 * {@link MapSpec#F_RDONLY_PROG} (as {@code .rodata} is loaded) a program's stores and atomics fault.
 */
final class ArrayBpfMap extends BpfMap {
    private final int max;
    private final ValueStore values;
    private final boolean readOnlyForProgram;

    ArrayBpfMap(MapSpec spec, int cpus) {
        super(spec, cpus);
        this.max = spec.maxEntries();
        long slots = (long) max * cpus;
        if (slots > Integer.MAX_VALUE - 8 || !ValueStore.fits((int) slots, spec.valueSize())) {
            throw spec.error(Errno.E2BIG, "values need " + slots * ((spec.valueSize() + 7) & ~7)
                    + " bytes, above the 2 GiB of a region");
        }
        this.values = new ValueStore(max * cpus, spec.valueSize(), max * cpus);
        this.readOnlyForProgram = (spec.flags() & MapSpec.F_RDONLY_PROG) != 0;
    }

    private int slotOf(int index) {
        return slotOf(index, cpus == 1 ? 0 : CpuSlots.current());
    }

    /** Element {@code index}'s value slot for per-CPU slot {@code cpu} (taken modulo the map's slots). */
    private int slotOf(int index, int cpu) {
        return index * cpus + (cpus == 1 ? 0 : cpu < cpus ? cpu : cpu % cpus);
    }

    private static long index(long[] k) {
        return k[0] & 0xffff_ffffL;
    }

    // ------------------------------------------------------------------ program side

    @Override
    public long lookupPointer(EbpfMemory memory, long keyAddr) {
        return lookupWord(memory.load(keyAddr, 4));
    }

    @Override
    public boolean wordKeyed() {
        return true;
    }

    /** A bounds check and address arithmetic: {@code index < max_entries ? the value's offset : 0}. */
    @Override
    public long lookupWord(long index) {
        return lookupWord(index, cpus == 1 ? 0 : CpuSlots.current());
    }

    @Override
    public long lookupWord(long index, int cpu) {
        if (index >= max || index < 0) {
            return 0;
        }
        return MemoryModel.pointer(region, values.offset(slotOf((int) index, cpu)));
    }

    @Override
    public long updateFrom(EbpfMemory memory, long keyAddr, long valueAddr, long flags) {
        if (flags < 0 || flags > BPF_EXIST) {
            return -Errno.EINVAL;
        }
        long index = memory.load(keyAddr, 4);
        if (index >= max) {
            return -Errno.E2BIG;
        }
        if (flags == BPF_NOEXIST) {
            return -Errno.EEXIST;
        }
        values.copyIn(slotOf((int) index), memory, valueAddr);
        return 0;
    }

    @Override
    public long deleteFrom(EbpfMemory memory, long keyAddr) {
        return -Errno.EINVAL;
    }

    // ------------------------------------------------------------------ Java API

    @Override
    public boolean lookup(byte[] key, byte[] value) {
        long index = index(readKey(key));
        if (index >= max) {
            return false;
        }
        sumValue(values, (int) index * cpus, cpus, value);
        return true;
    }

    @Override
    public boolean lookupPerCpu(byte[] key, byte[] out) {
        long index = index(readKey(key));
        if (index >= max) {
            return false;
        }
        for (int c = 0; c < cpus; c++) {
            values.copyOut((int) index * cpus + c, out, c * values.valueSize);
        }
        return true;
    }

    @Override
    public int update(byte[] key, byte[] value, long flags) {
        checkValue(value);
        if (flags < 0 || flags > BPF_EXIST) {
            return -Errno.EINVAL;
        }
        long index = index(readKey(key));
        if (index >= max) {
            return -Errno.E2BIG;
        }
        if (flags == BPF_NOEXIST) {
            return -Errno.EEXIST;
        }
        putValue(values, (int) index * cpus, cpus, value);
        return 0;
    }

    /** The value storage (tests of its fast paths against its general ones). */
    ValueStore valueStore() {
        return values;
    }

    /** Sets the bytes of entry 0 from {@code offset} (global data initialisation by the loader). */
    void initialise(byte[] data) {
        byte[] value = new byte[spec.valueSize()];
        System.arraycopy(data, 0, value, 0, Math.min(data.length, value.length));
        values.copyIn(0, value, 0);
    }

    @Override
    public int delete(byte[] key) {
        readKey(key);
        return -Errno.EINVAL;
    }

    @Override
    public int nextKey(byte[] key, byte[] out) {
        long index = key == null ? -1 : index(readKey(key));
        long n = index >= max ? 0 : index + 1;
        if (n >= max) {
            return -Errno.ENOENT;
        }
        out[0] = (byte) n;
        out[1] = (byte) (n >>> 8);
        out[2] = (byte) (n >>> 16);
        out[3] = (byte) (n >>> 24);
        return 0;
    }

    @Override
    public void clear() {
        values.zeroAll();
    }

    @Override
    public int size() {
        return max;
    }

    // ------------------------------------------------------------------ region

    @Override
    public long load(int offset, int size) {
        return values.regionLoad(offset, size, spec.name());
    }

    @Override
    public void store(int offset, int size, long value) {
        if (readOnlyForProgram) {
            throw new EbpfMemory.Fault("write to read-only map '" + spec.name() + "'");
        }
        values.regionStore(offset, size, value, spec.name());
    }

    @Override
    public long atomic(int offset, int size, int op, long value, long expected) {
        if (readOnlyForProgram) {
            throw new EbpfMemory.Fault("atomic write to read-only map '" + spec.name() + "'");
        }
        return values.regionAtomic(offset, size, op, value, expected, spec.name());
    }
}
