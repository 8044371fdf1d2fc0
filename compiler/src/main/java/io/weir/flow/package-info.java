/**
 * Per-flow counters computed in eBPF maps ({@code weir flows}): the generated count program
 * ({@link io.weir.flow.FlowProgram}: filter, flow-key extraction, map update), the counter that verifies and
 * runs it ({@link io.weir.flow.FlowCounter}), the read view ({@link io.weir.flow.FlowTable},
 * {@link io.weir.flow.FlowRecord}) and the Community ID ({@link io.weir.flow.CommunityId}).
 *
 * <p>Invariants: the key and value layouts live only in {@link io.weir.flow.FlowLayout}; the program is
 * verified before it runs; every packet the program counts is in the table or in an evicted record (eviction:
 * {@link io.weir.flow.EvictionQueue}, second chance over the flows in creation order, no walk of the map); a
 * non-first fragment is attributed to the ports of its datagram's first fragment when that was seen (a small
 * fragment map keyed by addresses, protocol and IP id), otherwise to the port-less key of its addresses.
 *
 * <pre>{@code
 * try (FlowCounter c = FlowCounter.builder().expression("ip or ip6").linkType(1).maxFlows(1000)
 *         .onEvict(exported::add).build()) {
 *     while (reader.next()) { Packet p = reader.packet();
 *         c.count(p.buffer(), p.offset(), p.capLen(), p.wireLen(), p.timestampNanos()); }
 *     c.table().top(20, FlowRecord.Order.BYTES.comparator()).forEach(System.out::println);
 * }
 * }</pre>
 */
package io.weir.flow;
