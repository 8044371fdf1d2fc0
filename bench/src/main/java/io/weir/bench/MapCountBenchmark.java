package io.weir.bench;

import io.weir.engine.Filter;
import io.weir.engine.ebpf.Assembler;
import io.weir.engine.ebpf.EbpfInterpreter;
import io.weir.engine.ebpf.Program;
import io.weir.engine.ebpf.ProgramType;
import io.weir.engine.jit.JitCompiler;
import io.weir.engine.jit.MemoryFacts;
import io.weir.engine.maps.BpfMap;
import io.weir.engine.maps.MapHelpers;
import io.weir.engine.maps.MapLinker;
import io.weir.engine.maps.MapSpec;
import io.weir.engine.maps.MapType;
import io.weir.engine.verifier.VerifiedProgram;
import io.weir.engine.verifier.Verifier;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Counting by key, the per-flow counter pattern: a program looks its key up in a {@code hash} map, inserts it
 * when missing ({@code BPF_NOEXIST}) and adds 1 to the value with {@code BPF_ATOMIC}; against the plain-Java
 * peers doing the same counting: a {@link ConcurrentHashMap} of {@link AtomicLong}s and an open-addressing
 * primitive map (linear probing over an {@code int[]} and a {@code long[]}, as fastutil's
 * {@code Int2LongOpenHashMap.addTo}; single-threaded, as those maps are). The peers take their keys from a
 * precomputed {@code int[]}, or (the {@code ...Packets} variants) read each from its packet as the program does.
 * The program is verified and the JIT
 * given the verifier's facts, as {@code weir run} does. The score is nanoseconds per counted packet; run with
 * {@code -t 2} for two threads on one shared map (skip {@code openAddressing} then, it is not thread-safe).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class MapCountBenchmark {
    static final int PACKETS = 4096;
    private static final VarHandle LE32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    /** Key of each packet: its first 4 bytes, little-endian (so the program's key equals the Java peers'). */
    public static final String PROGRAM = String.join("\n",
            "ldxw %r2, [%r1+76]",        // skb->data
            "ldxw %r3, [%r1+80]",        // skb->data_end
            "mov %r4, %r2",
            "add %r4, 4",
            "jgt %r4, %r3, out",
            "ldxw %r2, [%r2+0]",
            "stxw [%r10-4], %r2",
            "lddw %r1, map_by_fd(0)",
            "mov %r2, %r10",
            "add %r2, -4",
            "call 1",
            "jne %r0, 0, found",
            "stdw [%r10-16], 0",
            "lddw %r1, map_by_fd(0)",
            "mov %r2, %r10",
            "add %r2, -4",
            "mov %r3, %r10",
            "add %r3, -16",
            "mov %r4, 1",
            "call 2",
            "lddw %r1, map_by_fd(0)",
            "mov %r2, %r10",
            "add %r2, -4",
            "call 1",
            "jeq %r0, 0, out",
            "found:",
            "mov %r1, 1",
            "lock add [%r0+0], %r1",
            "out:",
            "mov %r0, 0",
            "exit");

    /**
     * The same counting on a {@code percpu_hash}: each thread adds to its own slot with a plain load, add and
     * store (no atomic), as per-CPU counters are written in C; the Java API sums the slots. On the inline table
     * ({@code jitPerCpuProgram}) two threads' slots of a key lie in different planes, so they share no written
     * cache line.
     */
    public static final String PER_CPU_PROGRAM = PROGRAM.replace("mov %r1, 1\nlock add [%r0+0], %r1",
            "ldxdw %r1, [%r0+0]\nadd %r1, 1\nstxdw [%r0+0], %r1");

    @Param({"1024", "65536"})
    public int keys;

    private byte[][] packets;
    private int[] keyOf;
    private BpfMap map;
    private Filter jit;
    private BpfMap chainedMap;
    private Filter jitChained;
    private BpfMap perCpuMap;
    private Filter jitPerCpu;
    private BpfMap perCpuChainedMap;
    private Filter jitPerCpuChained;
    private Filter interpreter;
    private ConcurrentHashMap<Integer, AtomicLong> chm;
    private OpenCounter open;

    @Setup
    public void setup() {
        Random r = new Random(7);
        packets = new byte[PACKETS][];
        keyOf = new int[PACKETS];
        for (int i = 0; i < PACKETS; i++) {
            int k = r.nextInt(keys);
            keyOf[i] = k;
            packets[i] = new byte[] {(byte) k, (byte) (k >>> 8), (byte) (k >>> 16), (byte) (k >>> 24), 0, 0};
        }
        map = new MapSpec("counts", MapType.HASH, 4, 8, keys * 2, 0).create();
        Program program = Assembler.assemble(PROGRAM, ProgramType.SOCKET);
        // Verified first, as `weir run` does: the JIT then reads the packet unchecked and clears no stack.
        VerifiedProgram verified = new Verifier(Verifier.Options.DEFAULT.withMaps(List.of(map.spec())))
                .check(program);
        Program linked = MapLinker.link(program, List.of(map));
        jit = JitCompiler.compile(linked, MapHelpers.table(), 1_000_000L, MemoryFacts.of(verified));
        interpreter = new EbpfInterpreter(linked, MapHelpers.table(), 1_000_000L);
        // The chained table (what `hash` was before open addressing; still used with BPF_F_NO_PREALLOC).
        chainedMap = new MapSpec("counts", MapType.HASH, 4, 8, keys * 2, MapSpec.F_NO_PREALLOC).create();
        jitChained = JitCompiler.compile(MapLinker.link(program, List.of(chainedMap)), MapHelpers.table(), 1_000_000L,
                MemoryFacts.of(verified));
        if (PER_CPU_PROGRAM.equals(PROGRAM)) {
            throw new IllegalStateException("the per-CPU program lost its plain add");
        }
        perCpuMap = new MapSpec("per_cpu_counts", MapType.PERCPU_HASH, 4, 8, keys * 2, 0).create();
        Program perCpu = Assembler.assemble(PER_CPU_PROGRAM, ProgramType.SOCKET);
        VerifiedProgram perCpuVerified = new Verifier(Verifier.Options.DEFAULT.withMaps(
                List.of(perCpuMap.spec()))).check(perCpu);
        jitPerCpu = JitCompiler.compile(MapLinker.link(perCpu, List.of(perCpuMap)), MapHelpers.table(), 1_000_000L,
                MemoryFacts.of(perCpuVerified));
        // The chained per-CPU table (what percpu_hash was before its inline rows; still used with BPF_F_NO_PREALLOC).
        perCpuChainedMap = new MapSpec("per_cpu_counts", MapType.PERCPU_HASH, 4, 8, keys * 2, MapSpec.F_NO_PREALLOC)
                .create();
        jitPerCpuChained = JitCompiler.compile(MapLinker.link(perCpu, List.of(perCpuChainedMap)), MapHelpers.table(),
                1_000_000L, MemoryFacts.of(perCpuVerified));
        chm = new ConcurrentHashMap<>();
        open = new OpenCounter(keys * 2);
    }

    @TearDown
    public void close() {
        map.close();
        chainedMap.close();
        perCpuMap.close();
        perCpuChainedMap.close();
    }

    /** The JIT-compiled program counting into a {@code hash} map. */
    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public long jitProgram() {
        return runAll(jit);
    }

    /** The same program counting into a chained {@code hash} ({@code BPF_F_NO_PREALLOC}). */
    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public long jitChainedProgram() {
        return runAll(jitChained);
    }

    /** The per-CPU program ({@link #PER_CPU_PROGRAM}) on the JIT: no atomic, no shared cache line. */
    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public long jitPerCpuProgram() {
        return runAll(jitPerCpu);
    }

    /** The per-CPU program on a chained {@code percpu_hash} ({@code BPF_F_NO_PREALLOC}). */
    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public long jitPerCpuChainedProgram() {
        return runAll(jitPerCpuChained);
    }

    /** The same program on the interpreter. */
    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public long interpretedProgram() {
        return runAll(interpreter);
    }

    private long runAll(Filter f) {
        long acc = 0;
        for (byte[] p : packets) {
            acc += f.run(p, 0, p.length, p.length);
        }
        return acc;
    }

    /** {@code ConcurrentHashMap<Integer, AtomicLong>}: the thread-safe plain-Java peer. */
    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public long concurrentHashMap() {
        long acc = 0;
        for (int k : keyOf) {
            acc += chm.computeIfAbsent(k, x -> new AtomicLong()).incrementAndGet();
        }
        return acc;
    }

    /** Open addressing over primitive arrays: the single-thread peer. */
    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public long openAddressing() {
        long acc = 0;
        for (int k : keyOf) {
            acc += open.addTo(k, 1);
        }
        return acc;
    }

    /**
     * {@link #concurrentHashMap} with each key read from its packet as the program reads it (at least 4 bytes
     * captured, then the first 4 bytes little-endian), not from a precomputed {@code int[]}.
     */
    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public long concurrentHashMapPackets() {
        long acc = 0;
        for (byte[] p : packets) {
            if (p.length >= 4) {
                acc += chm.computeIfAbsent((int) LE32.get(p, 0), x -> new AtomicLong()).incrementAndGet();
            }
        }
        return acc;
    }

    /** {@link #openAddressing} with each key read from its packet as the program reads it. */
    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public long openAddressingPackets() {
        long acc = 0;
        for (byte[] p : packets) {
            if (p.length >= 4) {
                acc += open.addTo((int) LE32.get(p, 0), 1);
            }
        }
        return acc;
    }

    /** Linear probing, keys in an {@code int[]} (0 free, so keys are stored + 1), counts in a {@code long[]}. */
    static final class OpenCounter {
        private final int[] keys;
        private final long[] values;
        private final int mask;

        OpenCounter(int expected) {
            int n = Integer.highestOneBit(Math.max(2, expected * 2 - 1)) << 1;
            keys = new int[n];
            values = new long[n];
            mask = n - 1;
        }

        long addTo(int key, long delta) {
            int stored = key + 1;
            int i = (stored * 0x9E3779B9) >>> 7 & mask;
            for (;;) {
                int k = keys[i];
                if (k == stored) {
                    return values[i] += delta;
                }
                if (k == 0) {
                    keys[i] = stored;
                    return values[i] = delta;
                }
                i = (i + 1) & mask;
            }
        }
    }
}
