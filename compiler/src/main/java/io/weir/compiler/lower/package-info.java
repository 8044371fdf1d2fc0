/**
 * Semantic checks and lowering: each primitive becomes a {@link io.weir.compiler.lower.Pred} of
 * self-contained tests with libpcap's meaning and offsets for the link type
 * ({@link io.weir.compiler.lower.LinkLayer}, laid out by the one table {@link io.weir.compiler.lower.LinkTypes}).
 * Invariant: a test's statements depend only on the packet, never on registers left by another test; the one
 * exception is the two scratch words {@link io.weir.compiler.lower.VarOffsets}' prologue fills from the packet
 * before any test runs (802.11 behind radio headers, {@link io.weir.compiler.lower.Wlan}; pflog's header length).
 * The keywords of particular link types have their own files: pflog ({@code Pflog}), SunATM ({@code SunAtm}),
 * MTP2/SS7 ({@code Mtp}). Names resolve through built-in tables ({@link io.weir.compiler.lower.Names}),
 * never through the machine or DNS. Weir's extensions live in their own files: tunnel frames at a variable
 * offset ({@link io.weir.compiler.lower.Frame}, {@link io.weir.compiler.lower.Tunnels}), the IPv6 header walk
 * ({@link io.weir.compiler.lower.Ip6Transport}), {@link io.weir.compiler.lower.TcpFlags} and
 * {@link io.weir.compiler.lower.VlanAny}.
 */
package io.weir.compiler.lower;
