package io.weir.engine.ebpf;

/**
 * A helper function called by {@code call imm} or {@code callx} (RFC 9669 section 4.3.1): arguments in r1-r5,
 * result in r0. Pointers among the arguments are values of the {@link MemoryModel}; a helper reads and writes
 * them through {@code memory}, which checks bounds as the program's own accesses are checked.
 */
@FunctionalInterface
public interface Helper {
    /** Calls the helper; throws {@link EbpfMemory.Fault} on a bad pointer. */
    long call(long r1, long r2, long r3, long r4, long r5, EbpfMemory memory);
}
