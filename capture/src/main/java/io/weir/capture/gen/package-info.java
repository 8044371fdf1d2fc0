/**
 * A deterministic generator of mixed traffic for tests, the bundled captures in {@code pcaps/} and the
 * benchmarks: {@link io.weir.capture.gen.TrafficGenerator} makes packets from a seed (the same bytes on every
 * JVM), {@link io.weir.capture.gen.Framing} frames them for Ethernet, Linux cooked v1/v2, raw IP or BSD
 * loopback, and {@link io.weir.capture.gen.GenerateCapture} writes them to a pcap or pcapng file.
 *
 * <pre>{@code
 * TrafficGenerator g = new TrafficGenerator(7);
 * byte[] frame = new byte[Framing.MAX_FRAME];
 * GeneratedPacket p = g.next();
 * int len = Framing.encode(p, LinkType.LINUX_SLL, frame);   // -1 if the framing cannot carry it
 * }</pre>
 */
package io.weir.capture.gen;
