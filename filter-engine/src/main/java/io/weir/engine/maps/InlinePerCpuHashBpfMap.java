package io.weir.engine.maps;

import io.weir.engine.ebpf.EbpfMemory;
import io.weir.engine.ebpf.MemoryModel;

/**
 * A preallocated {@code percpu_hash} map on the open-addressing rows of {@link InlineTable} (linear probing with
 * each home's keys named by its hop bits, rows that never move, lock-free lookups), with one value per CPU slot
 * ({@link CpuSlots}) and the policy of {@link InlineHashBpfMap}: a new key for a full map fails with
 * {@code -E2BIG}.
 *
 * <p>Layout: a row is {@code [state, key words]} (a key of at most 4 bytes is packed into the state word: the row
 * is that one word). The values are not in the row but in one plane per slot, all in one {@code long[]} of
 * {@code cpus * capacity} values: slot {@code c} of row {@code i} is value {@code c * capacity + i}. Two threads
 * counting into the same key thus write two different planes, never one cache line (values of a row side by side
 * would put both slots of an 8-byte counter in one line, which the two cores would pass back and forth on every
 * add); the rows themselves are only read by lookups. A hit reads its row and then its value: two lines, but not
 * dependent ones (the value's address follows from the row index, not from anything read from the row).
 *
 * <p>Bytes per entry at max entries ({@code capacity = ceil(max * 4 / 3)} rows, each {@code 8 * (1 + K)} bytes
 * and a bit, plus {@code cpus} values of {@code V} bytes, {@code V} the value size rounded up to 8):
 * {@code (8 + 8K + cpus * V) * 4 / 3}; a 4-byte key and an 8-byte value on 2 slots {@code (8 + 16) * 4 / 3 = 32}
 * (32.2 with the bit), on 4 slots 53.5 (the chained {@link HashBpfMap} takes {@code K + cpus * V + 13} plus 4 to 8
 * for buckets: 41-45 and 57-61). All allocated at creation, as Linux's preallocated maps.
 *
 * <p>Semantics (Linux's {@code htab_percpu}): a program's lookup returns the value of its thread's slot (the JIT
 * passes the slot its run state keeps); a program's update writes its own slot only, and a new key's other slots
 * are zeroed first (Linux's {@code pcpu_init_value}); the Java API reads all slots (summed lane by lane, or apart
 * with {@link #lookupPerCpu}) and an update from Java writes every slot ({@code value_size} bytes: slot 0 gets
 * them and the others are zeroed; {@code cpus * value_size} bytes: one value per slot). Iteration and deletes are
 * those of {@link InlineTable}. {@link MapSpec#create} chooses it for {@code percpu_hash} maps without
 * {@code BPF_F_NO_PREALLOC} whose table takes at most {@link #MAX_BYTES}.
 */
final class InlinePerCpuHashBpfMap extends InlineHashBpfMap {

    InlinePerCpuHashBpfMap(MapSpec spec, int cpus) {
        super(spec, cpus);
    }

    /** Row {@code i}'s value for per-CPU slot {@code cpu} (taken modulo the map's slots). */
    private int slot(int i, int cpu) {
        return (cpu < cpus ? cpu : cpu % cpus) * cap + i;
    }

    @Override
    long hit(int i) {
        return hit(i, CpuSlots.current());
    }

    @Override
    long hit(int i, int cpu) {
        return MemoryModel.pointer(region, values.rowOffset(slot(i, cpu)));
    }

    @Override
    void write(int i, boolean fresh, byte[] value, EbpfMemory memory, long valueAddr) {
        int vs = values.valueSize;
        if (value != null) {
            // From Java: every slot, from one value (slot 0, the others zero) or from one per slot.
            boolean all = value.length != vs;
            for (int c = 0; c < cpus; c++) {
                if (all || c == 0) {
                    values.copyIn(slot(i, c), value, all ? c * vs : 0);
                } else {
                    values.zero(slot(i, c));
                }
            }
            return;
        }
        // From a program: its own slot; a new key's other slots start at zero (the program cannot reach them).
        int mine = cpus == 1 ? 0 : CpuSlots.current() % cpus;
        if (fresh) {
            for (int c = 0; c < cpus; c++) {
                if (c != mine) {
                    values.zero(slot(i, c));
                }
            }
        }
        values.copyIn(slot(i, mine), memory, valueAddr);
    }

    /** The slots of row {@code i} summed lane by lane (8-byte lanes, or the whole value of 1, 2 or 4 bytes). */
    @Override
    void read(int i, byte[] out) {
        values.copyOut(slot(i, 0), out, 0);
        int size = values.valueSize;
        int lane = size == 1 || size == 2 || size == 4 ? size : 8;
        for (int at = 0; at + lane <= size && cpus > 1; at += lane) {
            long sum = 0;
            for (int c = 0; c < cpus; c++) {
                sum += values.load(values.rowOffset(slot(i, c)) + at, lane);
            }
            for (int b = 0; b < lane; b++) {
                out[at + b] = (byte) (sum >>> (b << 3));
            }
        }
    }

    @Override
    public boolean lookupPerCpu(byte[] key, byte[] out) {
        int i = rowOf(key);
        if (i < 0) {
            return false;
        }
        for (int c = 0; c < cpus; c++) {
            values.copyOut(slot(i, c), out, c * values.valueSize);
        }
        return true;
    }
}
