package io.weir.engine.ebpf;

/**
 * Memory that lives outside a run's {@link EbpfMemory}: the values of a BPF map, a ring buffer's data. Each one
 * is registered in {@link ExternalRegions} under a region id at or above {@link MemoryModel#FIRST_MAP_REGION},
 * so a {@link MemoryModel} pointer {@code id << 32 | offset} reaches it from a program. Implementations check
 * bounds themselves (throwing {@link EbpfMemory.Fault}) and are thread-safe: several runs may touch one region.
 */
public interface ExternalRegion {
    /** Atomic operations of {@link #atomic}, as {@code BPF_ATOMIC}'s (RFC 9669 section 5.3). */
    int ATOMIC_ADD = 0;
    /** Bitwise or. */
    int ATOMIC_OR = 1;
    /** Bitwise and. */
    int ATOMIC_AND = 2;
    /** Bitwise exclusive or. */
    int ATOMIC_XOR = 3;
    /** Exchange: store the value. */
    int ATOMIC_XCHG = 4;
    /** Compare and exchange: store the value when the old one equals {@code expected}. */
    int ATOMIC_CMPXCHG = 5;

    /** Reads {@code size} (1, 2, 4, 8) bytes at {@code offset}, little-endian, zero-extended. */
    long load(int offset, int size);

    /** Writes the low {@code size} bytes of {@code value} at {@code offset}, little-endian. */
    void store(int offset, int size, long value);

    /**
     * Applies atomic operation {@code op} (one of the {@code ATOMIC_*} constants) of {@code size} (4 or 8) bytes at
     * {@code offset} and returns the old value (zero-extended).
     */
    long atomic(int offset, int size, int op, long value, long expected);

    /** A short name for error messages (the map's name). */
    String regionName();
}
