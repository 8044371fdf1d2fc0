/**
 * A Netty {@code ChannelHandler} that runs a Weir filter on every message of a pipeline and counts them. Netty is
 * a provided dependency: the application brings its own (4.2.x).
 *
 * <p>{@link io.weir.netty.BpfFilterHandler} (built with a builder) judges each inbound message with a
 * {@link io.weir.netty.CompiledFilter} (an expression, a classic or eBPF program, or a clang-built object, run on
 * the JIT when it can) and applies an {@link io.weir.netty.Action}: pass, drop, or route (a
 * {@link io.weir.netty.FilterEvent} or a named handler). A {@code ByteBuf} is a frame of the filter's link type
 * ({@link io.weir.netty.LinkTypes}), read in place; a {@code DatagramPacket} is shown as an IPv4/IPv6 + UDP packet
 * with a synthetic header; other types go through a {@link io.weir.netty.PacketAdapter} into a
 * {@link io.weir.netty.PacketView}. Optional per-flow counters live in a BPF map ({@link io.weir.netty.FlowTable}).
 *
 * <p>Invariants: a message is judged by exactly one filter even across {@code reload}, and counted once; a dropped
 * message is released exactly once, by the handler; no copy of a single-buffer {@code ByteBuf}; no allocation per
 * message (per-thread scratch buffers); the engine never sees a Netty type.
 *
 * <pre>{@code
 * BpfFilterHandler weir = BpfFilterHandler.builder()
 *         .linkType(LinkTypes.RAW)
 *         .expression("udp and src net 10.0.0.0/8 and dst port 53 and udp[10] & 0x80 = 0")
 *         .onMiss(Action.DROP)
 *         .flowTable(FlowTable.lruHash(65_536))
 *         .build();
 * pipeline.addLast("weir", weir);
 * ...
 * weir.reload(CompiledFilter.expression("udp dst port 53", LinkTypes.RAW));   // from any thread
 * }</pre>
 */
package io.weir.netty;
