package io.weir.engine.maps;

/**
 * A preallocated {@code hash} map with open addressing and values inline: the {@link InlineTable} (one
 * {@code long[]} of rows {@code [state, key words, value words]}, linear probing with each home's keys named by
 * its hop bits, capacity fixed at creation, rows that never move, lock-free lookups) with Linux's {@code hash}
 * policy: a new key for a full map fails with {@code -E2BIG}.
 *
 * <p>Bytes per entry at max entries ({@code capacity = ceil(max * 4 / 3)} rows of {@code 8 * (1 + K + V)}
 * bytes and a bit, {@code K} = 0 for a key of at most 4 bytes, packed into the state word): 4-byte key and 8-byte
 * value {@code 16 * 4 / 3 = 21.3} (21.5 with the bit); 8-byte key {@code 24 * 4 / 3 = 32} (a chained map takes
 * 33-37 when full, less while it fills: this one takes them all at creation, as Linux does unless
 * {@code BPF_F_NO_PREALLOC}).
 * {@link MapSpec#create} chooses it for {@code hash} maps of at most {@link #MAX_BYTES}.
 */
class InlineHashBpfMap extends InlineTable {

    InlineHashBpfMap(MapSpec spec) {
        super(spec);
    }

    /** A map with {@code cpus} value slots per entry ({@link InlinePerCpuHashBpfMap}, the same policy). */
    InlineHashBpfMap(MapSpec spec, int cpus) {
        super(spec, cpus);
    }

    @Override
    long hit(int i) {
        return pointerTo(i);
    }

    @Override
    boolean makeRoom() {
        return false;
    }

    @Override
    void placed(int i, boolean fresh) {
        // No order to keep.
    }

    @Override
    void removed(int i) {
        // No order to keep.
    }

    @Override
    void cleared() {
        // No order to keep.
    }
}
