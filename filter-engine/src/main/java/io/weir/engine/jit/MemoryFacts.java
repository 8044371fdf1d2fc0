package io.weir.engine.jit;

import io.weir.engine.verifier.VerifiedProgram;

/**
 * What a verifier proved about a program's memory accesses, per instruction index: the JIT drops the run-time
 * check of an access proven in range and keeps every other check. {@link #NONE} proves nothing (every access
 * checked), and RAW programs are always compiled as if with {@code NONE}.
 *
 * <p>The JVM's own array bounds check stays under every access whatever is claimed here, so a wrong fact can
 * change an error's wording but never read outside the packet array.
 */
public interface MemoryFacts {
    /** No facts: every access is checked at run time. */
    MemoryFacts NONE = index -> false;

    /**
     * Whether the load or store at instruction {@code index} was proven to address the packet region, at an
     * offset where all its bytes lie within the captured length, on every path.
     */
    boolean packetAccessInRange(int index);

    /**
     * Whether the program never reads a stack byte it has not written in the same run (nor lets a helper read
     * one): then the JIT need not clear the stack before each run (up to 512 bytes for a program whose frame
     * pointer escapes into a helper's argument), since no leftover of an earlier run can be observed.
     */
    default boolean stackReadsInitialised() {
        return false;
    }

    /** What the verifier proved: packet accesses in bounds on every path, no read of an unwritten stack byte. */
    static MemoryFacts of(VerifiedProgram verified) {
        return new MemoryFacts() {
            @Override
            public boolean packetAccessInRange(int index) {
                return verified.access(index) == VerifiedProgram.Access.PACKET && verified.provenInBounds(index);
            }

            @Override
            public boolean stackReadsInitialised() {
                return true;
            }
        };
    }
}
