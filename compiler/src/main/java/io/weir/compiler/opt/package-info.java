/**
 * Back end: the short-circuit graph ({@link io.weir.compiler.opt.Cfg}, identical blocks merged), jump
 * threading ({@link io.weir.compiler.opt.JumpThreading} path-wise, {@link io.weir.compiler.opt.EdgeThreading} on
 * edges only, as libpcap), libpcap's pullups ({@link io.weir.compiler.opt.Pullup}) and emission with
 * redundant-load removal ({@link io.weir.compiler.opt.Emitter}, which also drops recomputed offsets:
 * {@link io.weir.compiler.opt.Recompute}); {@link io.weir.compiler.opt.Optimizer} runs them in order and keeps
 * the shorter of the path-wise and edge-only programs. {@code EdgeThreading.rejectsAll} decides "expression
 * rejects all packets" with libpcap's folding rule.
 * Invariant: every pass keeps each packet's verdict, faults included
 * (a load past the end still rejects wherever libpcap's program would); set lookups
 * ({@link io.weir.compiler.lower.SetTable#LOOKUP}) are opaque tests, emitted as placeholders for the eBPF path.
 */
package io.weir.compiler.opt;
