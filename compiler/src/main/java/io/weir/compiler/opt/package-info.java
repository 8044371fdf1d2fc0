/**
 * Back end: the short-circuit graph ({@link io.weir.compiler.opt.Cfg}, identical blocks merged), jump
 * threading ({@link io.weir.compiler.opt.JumpThreading}) and emission with redundant-load removal
 * ({@link io.weir.compiler.opt.Emitter}, which also drops recomputed offsets: {@link io.weir.compiler.opt.Recompute}).
 * Invariant: every pass keeps each packet's verdict, faults included
 * (a load past the end still rejects wherever libpcap's program would).
 */
package io.weir.compiler.opt;
