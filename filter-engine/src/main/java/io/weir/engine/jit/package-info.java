/**
 * The JIT: eBPF programs compiled to JVM bytecode with ASM and defined as hidden classes, which HotSpot then
 * compiles to machine code. Entry: {@link io.weir.engine.jit.JitCompiler}; the engine seam:
 * {@link io.weir.engine.jit.JitBackend}.
 *
 * <p>Invariants: a compiled program returns the same r0, has the same memory effects and throws the same
 * errors (same slot index, same text) as {@link io.weir.engine.ebpf.EbpfInterpreter} on every input, budget
 * included; it allocates nothing per run; no generated method exceeds HotSpot's 8000-byte
 * {@code HugeMethodLimit} (large programs are split into chunk methods that call the later ones directly, with
 * the registers as arguments, and return to a dispatcher for a backward transfer:
 * {@link io.weir.engine.jit.ChunkCalls}); every memory access not proven by the verifier (and every access of a
 * RAW program) is checked at run time. Map helper calls on a map known at compile time, and accesses to that
 * map's values, go straight to the map object (see {@link io.weir.engine.jit.MapSites}), with the same results
 * and faults as the helper table's path.
 *
 * <p>Per-run state: the first threads to run a program keep their {@code JitState} in the program object
 * (found with two reads, no {@code ThreadLocal}); a single-method packet program sets up the interpreter's
 * {@code EbpfMemory} only when a run first takes a generic path (a helper through the table, a checked access),
 * so a run whose map calls and value accesses are all direct never touches it.
 *
 * <p>Layout of a generated class: {@code run(byte[],int,int,int)}, {@code run(ByteBuffer,...)} and
 * {@code run(byte[])} (the entry points, in the class itself so a caller's call site stays monomorphic), then
 * {@code exec} (the whole program, registers as {@code long} locals) or, for a split program, {@code exec} as a
 * dispatcher over {@code c0..cN}; a program that reads memory only through packet loads also gets
 * {@code execDirect}, the same body reading a direct {@code ByteBuffer} in place (zero copy). {@code -Dweir.jit.dump=DIR} writes each class for {@code javap -c -p}.
 *
 * <pre>{@code
 * Program p = ClassicToEbpf.translate(classic);
 * Filter f = JitCompiler.compile(p);
 * boolean keep = f.matches(frame, 0, frame.length, frame.length);
 * }</pre>
 */
package io.weir.engine.jit;
