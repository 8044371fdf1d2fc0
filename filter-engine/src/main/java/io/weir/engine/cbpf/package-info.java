/**
 * Classic BPF (libpcap's and the Linux socket filter's instruction set): the opcode table ({@link
 * io.weir.engine.cbpf.ClassicOp}), instructions and programs, a builder with labels, the validator, the
 * interpreter, tcpdump's {@code -d/-dd/-ddd} formats, and the translation of classic programs to eBPF.
 *
 * <p>Files: {@code ClassicOp} (the opcode table), {@code ClassicInsn}/{@code ClassicProgram} (data, with the
 * kernel's 8-byte encoding), {@code ClassicBuilder} (labels, long jumps), {@code ClassicValidator} (libpcap's and
 * the kernel's rules), {@code ClassicFlow} (the data-flow facts the validator and the translation use),
 * {@code ClassicInterpreter}, {@code TcpdumpFormat} ({@code -d/-dd/-ddd} out and in), {@code ClassicToEbpf},
 * {@code Ancillary} (Linux's {@code SKF_AD_*} loads).
 *
 * <p>Invariants: {@code ClassicOp} is the only list of opcodes; the validator, the printer and the interpreters
 * read it. A {@code ClassicProgram} is just data; only validated programs run, and a validated program
 * terminates (jumps go forward), reads scratch words only after writing them, and never divides by a constant
 * zero. Verdicts match libpcap's {@code bpf_filter} on every packet.
 *
 * <pre>{@code
 * ClassicProgram p = new ClassicBuilder()
 *         .ldh(12).jeq(0x800, null, "drop")
 *         .ret(262144)
 *         .label("drop").ret(0)
 *         .build();
 * Filter f = ClassicInterpreter.of(p);
 * String d = TcpdumpFormat.listing(p);          // "(000) ldh      [12]\n(001) jeq ..."
 * }</pre>
 */
package io.weir.engine.cbpf;
