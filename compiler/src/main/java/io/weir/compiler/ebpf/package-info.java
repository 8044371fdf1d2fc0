/**
 * The eBPF path of the compiler: filters whose sets ({@code host in @FILE}, {@code port in {22, 80}}) are too
 * large for a chain of comparisons compile to hash-map lookups.
 *
 * <p>{@link io.weir.compiler.ebpf.EbpfCompiler} runs the classic pipeline with lookups allowed, then translates
 * the classic program to eBPF with each lookup's placeholder jump replaced by
 * {@link io.weir.compiler.ebpf.LookupCode}. The result is a {@link io.weir.compiler.ebpf.CompiledFilter} (a
 * blueprint: program and table contents); {@code load} makes the maps and the running
 * {@link io.weir.compiler.ebpf.LoadedFilter}; {@code program(firstFd)} embeds it in a larger program (the flow
 * counter), and {@code encode()}/{@code decode} ship it to another JVM as plain bytes
 * ({@link io.weir.compiler.ebpf.FilterCodec}, {@link io.weir.compiler.ebpf.SetData}). Invariant: on every packet the filter returns what the classic
 * program with each set written out as comparisons would return.
 * <pre>{@code
 * try (LoadedFilter f = EbpfCompiler.compile("net in @nets.txt", 1, 262144, CompileOptions.DEAD).load(Engine.AUTO)) {
 *     long verdict = f.run(packet, 0, packet.length, packet.length);
 * }
 * }</pre>
 */
package io.weir.compiler.ebpf;
