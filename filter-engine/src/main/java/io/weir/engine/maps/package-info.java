/**
 * BPF maps and the helpers of packet programs: the state a program keeps between packets and hands to Java.
 *
 * <p>A {@link io.weir.engine.maps.MapSpec} (a blueprint, checked as Linux checks {@code BPF_MAP_CREATE}) makes a
 * {@link io.weir.engine.maps.BpfMap}: {@code hash}, {@code array}, {@code lru_hash}, {@code percpu_hash},
 * {@code percpu_array} or {@code ringbuf}. Each live map owns a region of the
 * {@link io.weir.engine.ebpf.MemoryModel} (registered in {@link io.weir.engine.ebpf.ExternalRegions}), so a
 * value pointer returned by {@code map_lookup_elem} is an ordinary pointer the interpreter and the JIT
 * bounds-check. {@link io.weir.engine.maps.MapLinker} turns {@code lddw}'s pseudo map references into map
 * handles; {@link io.weir.engine.maps.MapHelpers} is the helper table and {@link io.weir.engine.maps.HelperProto}
 * the prototypes the verifier reads.
 *
 * <p>Invariants: keys and values live in flat primitive arrays (never one object per entry); program-side
 * lookups allocate nothing; lookups take no lock and atomic operations on values are atomic across threads;
 * every Java-side error is a {@link io.weir.engine.maps.MapException} with Linux's errno. Arrays are allocated
 * whole, and so are preallocated {@code hash}, {@code lru_hash} and {@code percpu_hash} maps of at most 64 MiB
 * (open addressing, values inline in rows that never move: {@code InlineTable}, {@code InlineHashBpfMap},
 * {@code InlineLruHashBpfMap}; {@code InlinePerCpuHashBpfMap} keeps its values in one plane per CPU slot);
 * other hash tables allocate entries as they fill, in value chunks that
 * never move, up to {@code max_entries} ({@link io.weir.engine.maps.MapSpec#memoryBytes} is that ceiling, and
 * states the bytes per entry). Engines
 * that know a call's map may call it directly ({@link io.weir.engine.maps.BpfMap#lookupWord},
 * {@link io.weir.engine.maps.BpfMap#lookupStack} for keys of any size read from the program's stack bytes,
 * {@link io.weir.engine.maps.MapHelpers#mapHelperId}): the JIT does.
 *
 * <pre>{@code
 * BpfMap counts = new MapSpec("proto_packets", MapType.HASH, 4, 8, 256, 0).create();
 * Program linked = MapLinker.link(program, List.of(counts));
 * Filter f = new EbpfInterpreter(linked, MapHelpers.table(), 1_000_000);
 * f.run(packet, 0, packet.length, packet.length);
 * counts.forEach((k, v) -> System.out.println(Arrays.toString(k) + " " + Arrays.toString(v)));
 * }</pre>
 */
package io.weir.engine.maps;
