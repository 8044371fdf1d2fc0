/**
 * The eBPF instruction set of RFC 9669: the opcode table, instructions, encoding, assembler, disassembler,
 * program builder, and the interpreter.
 *
 * <h2>One table</h2>
 * {@link io.weir.engine.ebpf.Opcode} lists every valid instruction variant (opcode byte plus, where the byte is
 * not enough, the discriminating src/off/imm value) with the rules its fields obey, its RFC section and its
 * form. {@link io.weir.engine.ebpf.Insn} validates against it when made, the codec decodes through it, the
 * assembler looks mnemonics up in it, the disassembler prints by its forms and the interpreter dispatches on its
 * codes. {@link io.weir.engine.ebpf.Insn} is immutable; {@code lddw} is one {@code Insn} over two 8-byte slots,
 * and every jump offset, call target and error location counts slots ({@link io.weir.engine.ebpf.Program}
 * converts between slot and instruction indices).
 *
 * <h2>The memory model (the verifier and the JIT follow it)</h2>
 * <ul>
 *   <li><b>Pointers are 64-bit values</b> {@code region << 32 | offset} ({@link io.weir.engine.ebpf.MemoryModel}).
 *       Plain 64-bit arithmetic moves a pointer within its region; pointers into one region compare by offset;
 *       region 0 is unmapped, so 0 is null and any scalar below 2^32 faults when dereferenced. Unaligned
 *       accesses are allowed. Memory is little-endian, as on x86-64 and arm64 Linux.</li>
 *   <li><b>Regions</b>: 1 = the context, 3 = the packet (RAW: the memory region), 5 = the stack (even ids between
 *       them are unmapped, so an offset that underflows or overflows lands nowhere), 17 and up = map values and
 *       other {@link io.weir.engine.ebpf.ExternalRegion}s, given out by
 *       {@link io.weir.engine.ebpf.ExternalRegions}. Every load, store and atomic names a region and an offset, and is
 *       checked against that region's bounds; a failure stops the run with an
 *       {@link io.weir.engine.ebpf.EbpfRuntimeException} naming the instruction and its disassembly.</li>
 *   <li><b>Stack</b>: {@value io.weir.engine.ebpf.MemoryModel#MAX_CALL_DEPTH} frames of 512 bytes in one region
 *       of {@value io.weir.engine.ebpf.MemoryModel#STACK_SIZE} bytes; frame 0 is the top 512 bytes and r10 starts
 *       at offset 4096. A local call moves r10 down 512 bytes and clears the new frame; the callee may touch its
 *       own frame and its callers' frames (pointers passed down stay valid), never the unused frames below it.
 *       Exit from a local call restores r6-r9 and r10. The entry frame is cleared before a run (RAW: all of it;
 *       packet programs: the depth their r10-relative accesses reach).</li>
 *   <li><b>RAW programs</b>: r1 = pointer to offset 0 of region 2 (0 when the memory is empty), r2 = its length;
 *       the memory is read-write; helpers: the conformance table (helper 5 returns r1). Nothing is verified
 *       statically; every access is checked at run time.</li>
 *   <li><b>SOCKET programs</b>: r1 = pointer to the context, region 1, a read-only {@code __sk_buff}-like view
 *       whose fields are read with 4-byte loads: {@code len} at 0 (the wire length), {@code data} at 76 and
 *       {@code data_end} at 80, which load full 64-bit pointers to the packet's first byte and one past its last
 *       captured byte (as the kernel's context rewriting does). The packet (region 2) is read-only. The legacy
 *       {@code ldabs}/{@code ldind} read it in network byte order into r0; out of bounds, the program ends with
 *       r0 = 0, as in the kernel.</li>
 *   <li><b>XDP programs</b>: r1 = an {@code xdp_md}-like context: {@code data} at 0, {@code data_end} at 4,
 *       {@code data_meta} at 8 (equal to data), the interface fields at 12, 16, 20 read as 0.</li>
 *   <li><b>Safety net</b>: an instruction budget, charged at backward branches and calls, stops endless loops;
 *       local calls nest at most 8 deep. Packet programs run only after the verifier accepts them; the run-time
 *       checks are not what makes them safe, and the verifier must not assume more than this model gives.</li>
 * </ul>
 *
 * <h2>Example</h2>
 * <pre>{@code
 * Program p = Assembler.assemble("ldxh %r0, [%r1+12]\nbe16 %r0\nexit\n", ProgramType.RAW);
 * long r0 = new EbpfInterpreter(p).run(packetBytes);     // the EtherType
 * String text = Disassembler.kernel(p);                   // "   0: r0 = *(u16 *)(r1 + 12)" ...
 * }</pre>
 */
package io.weir.engine.ebpf;
