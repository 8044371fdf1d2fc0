/**
 * Semantic checks and lowering: each primitive becomes a {@link io.weir.compiler.lower.Pred} of
 * self-contained tests with libpcap's meaning and offsets for the link type
 * ({@link io.weir.compiler.lower.LinkLayer}). Invariant: a test's statements depend only on the packet, never
 * on registers left by another test. Names resolve through built-in tables ({@link io.weir.compiler.lower.Names}),
 * never through the machine or DNS.
 */
package io.weir.compiler.lower;
