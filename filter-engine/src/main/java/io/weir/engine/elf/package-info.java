/**
 * Loading eBPF objects built by clang ({@code clang -O2 -g -target bpf -c prog.c}): an
 * {@link io.weir.engine.elf.ElfObjectSpec} (the blueprint: map specs, programs with local calls resolved and map
 * relocations as {@code lddw} pseudo references) and a {@link io.weir.engine.elf.BpfObject} (the live maps and
 * the linked programs).
 *
 * <p>Invariants: a program's {@code lddw} map reference {@code n} names {@code spec.maps().get(n)}; relocations
 * Weir does not implement are errors naming the section and the relocation, never silently skipped.
 *
 * <pre>{@code
 * ElfObjectSpec spec = ElfObjectSpec.read(Path.of("prog.o"));
 * try (BpfObject obj = spec.load()) {
 *     Filter f = obj.interpreter(spec.program(null), MapHelpers.table());
 *     f.run(packet, 0, packet.length, packet.length);
 *     obj.map("proto_packets").forEach((k, v) -> ...);
 * }
 * }</pre>
 */
package io.weir.engine.elf;
