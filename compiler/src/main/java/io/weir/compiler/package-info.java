/**
 * The pcap-filter(7) language compiled to classic BPF with libpcap's verdicts.
 *
 * <p>Entry point: {@link io.weir.compiler.FilterCompiler#compile(String, int, int)}; errors are
 * {@link io.weir.compiler.FilterSyntaxException}s that carry the span of the offending token and render with
 * a caret. The pipeline is a list of named passes, one package each: {@code parse} (lexer, parser, syntax
 * tree), {@code lower} (semantic checks and libpcap's meaning of each primitive per link type), {@code opt}
 * (control-flow graph, jump threading, libpcap's pullups, redundant-load removal, emission through the
 * engine's {@link io.weir.engine.cbpf.ClassicBuilder}).
 *
 * <p>Invariant: for every expression libpcap 1.10 accepts in this subset, Weir's program returns what
 * libpcap's optimized program returns on every packet, including truncated ones; what libpcap rejects, Weir
 * rejects. The one documented difference: Weir never resolves host, network or Ethernet names.
 * <pre>{@code
 * ClassicProgram p = FilterCompiler.compile("tcp port 80", 1, 262144);   // DLT_EN10MB
 * }</pre>
 */
package io.weir.compiler;
