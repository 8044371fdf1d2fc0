/**
 * The eBPF verifier: only safe packet programs run.
 *
 * <p>{@link io.weir.engine.verifier.Verifier} checks a {@link io.weir.engine.ebpf.Program} of type SOCKET or XDP
 * in two passes. <b>Structure</b> (no values): supported instructions (an {@code Insn} cannot hold an unknown
 * opcode or a non-zero reserved field; raw bytes are decoded first), jumps inside their function and never into
 * the second slot of a {@code lddw}, every function ending in {@code exit} or a jump, no unreachable
 * instruction, no recursion, at most {@code MemoryModel.MAX_CALL_DEPTH} frames, at most 65,536 slots.
 * <b>Abstract interpretation</b> (the kernel's verifier, ASM's Analyzer + Interpreter split): every path is
 * walked with a type per register (scalar, context, packet with a proven range, packet end, stack at a known
 * offset, map value, map value or null, map, ring buffer record, record or null) and per stack byte
 * (uninitialised, data, spilled register), and per path the references it holds;
 * scalars carry known bits and signed/unsigned 64- and 32-bit bounds. It proves:
 * <ul>
 *   <li>no register is read before it is written, no stack byte before it is stored;</li>
 *   <li>packet bytes are read only below a {@code data + N <= data_end} comparison, never written; the context
 *       only at its fields ({@code __sk_buff}: {@code len} at 0, {@code data} at 76, {@code data_end} at 80;
 *       {@code xdp_md}: {@code data} 0, {@code data_end} 4, {@code data_meta} 8, 12, 16, 20) with 4-byte loads;
 *       the stack inside the 512-byte frame, naturally aligned; map values inside their size after a null check,
 *       never written when the map is read-only for programs ({@code .rodata}); global data
 *       ({@code lddw map_val_by_fd(fd, off)}) as a map value of that array at that offset;</li>
 *   <li>pointer arithmetic only where the kernel allows it (bounded scalars, 64-bit, no pointer + pointer);</li>
 *   <li>helper arguments match the prototypes of {@link io.weir.engine.maps.HelperProto#packetHelpers()} (map
 *       lookup, update, delete, time, printk, random, skb_load_bytes, the ring buffer), map values only after a
 *       null check;</li>
 *   <li>references are released: a {@code ringbuf_reserve} record (constant size) is written only after its
 *       null check and within its size, and every path submits or discards it before exiting
 *       ({@code Unreleased reference id=N alloc_insn=K}, as Linux); after the release every copy of the
 *       pointer is unreadable;</li>
 *   <li>loops end: states are pruned by inclusion; a state that repeats inside its own loop is rejected; at most
 *       {@link io.weir.engine.verifier.Verifier#DEFAULT_COMPLEXITY_LIMIT} instructions are analysed (configurable);</li>
 *   <li>r0 at exit is a number (SOCKET: any; XDP: an action 0..4).</li>
 * </ul>
 *
 * <p><b>Not proven</b>: anything about values the program computes (a filter may return any length); the
 * legacy {@code ldabs}/{@code ldind} loads stay checked at run time (out of the packet they return 0 from the
 * program, as defined); map contents. The engines keep their run-time checks as a safety net. Scalars do not
 * carry the kernel's register ids, so bounds learnt on one copy of a register do not reach the others.
 *
 * <p>The result, {@link io.weir.engine.verifier.VerifiedProgram}, tells an engine per instruction which memory
 * it touches and whether the access is proven in bounds (a JIT may then skip its check). A rejection is a
 * {@link io.weir.engine.verifier.VerifierException}: a short message naming the instruction (slot index and
 * disassembly) and the reason, and the full kernel-style log.
 *
 * <pre>{@code
 * Program p = Assembler.assemble(text, ProgramType.SOCKET);
 * VerifiedProgram v = Verifier.verify(p);     // or throws VerifierException
 * }</pre>
 *
 * <p>Classic BPF is checked by {@link io.weir.engine.cbpf.ClassicValidator} (libpcap's and the kernel's rules);
 * its translation to eBPF passes this verifier.
 */
package io.weir.engine.verifier;
