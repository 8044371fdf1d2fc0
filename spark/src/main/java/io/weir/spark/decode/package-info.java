/**
 * Packet field decoding for the Spark packet table: {@link io.weir.spark.decode.PacketDecoder} reads the link,
 * VLAN, IP and transport headers of one packet in place, {@link io.weir.spark.decode.IpText} renders addresses.
 *
 * <p>Written apart from the compiler on purpose: the decoded columns are an independent statement of what
 * tcpdump's primitives mean, and the tests check the compiler's programs against it. Invariants: no allocation
 * in {@code decode}; every field is "absent" (-1 or {@code null}) unless its header was captured whole.
 *
 * <pre>{@code
 * PacketDecoder d = new PacketDecoder();
 * d.decode(p.buffer(), p.offset(), p.capLen(), p.linkType());
 * if (d.dstPort() == 443) { ... d.srcIp() ... }
 * }</pre>
 */
package io.weir.spark.decode;
