package io.weir.engine;

/**
 * A RAW eBPF program ready to run (the conformance suite's kind): memory in, r0 out. r1 points at the memory
 * (0 when it is empty), r2 holds its length. The program may write the memory in place; pass a copy when the
 * caller's bytes must stay unchanged. Implemented by the eBPF interpreter and the JIT; thread-safe.
 */
public interface RawExecutable {

    /**
     * Runs the program over {@code memory} (may be null or empty) and returns r0.
     *
     * @throws io.weir.engine.ebpf.EbpfRuntimeException when the program faults or exceeds its budget
     */
    long run(byte[] memory);
}
