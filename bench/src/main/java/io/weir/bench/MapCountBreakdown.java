package io.weir.bench;

import io.weir.engine.Filter;
import io.weir.engine.ebpf.Assembler;
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
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Where the time of {@link MapCountBenchmark}'s JIT-compiled counter goes, piece by piece: the same packets run
 * through programs that stop earlier and earlier (empty; build the key; look it up; then load, store, plain add or
 * atomic add on the value), all verified and JIT-compiled as {@code weir run} does, the whole counting program on
 * {@code hash}, {@code percpu_hash}, {@code lru_hash} and a chained {@code percpu_hash} ({@code BPF_F_NO_PREALLOC}),
 * plus the map's own lookup called from Java. Each case runs alone in its own JVM (so its call site sees one
 * generated class); thread CPU time per packet, median of 7 rounds after 3 warm-up rounds. Run:
 * {@code java -cp bench/target/benchmarks.jar io.weir.bench.MapCountBreakdown [KEYS]}.
 */
public final class MapCountBreakdown {
    private static final VarHandle LE32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final String HEAD = String.join("\n",
            "ldxw %r2, [%r1+76]", "ldxw %r3, [%r1+80]", "mov %r4, %r2", "add %r4, 4", "jgt %r4, %r3, out",
            "ldxw %r2, [%r2+0]", "stxw [%r10-4], %r2");
    private static final String LOOKUP = String.join("\n",
            "lddw %r1, map_by_fd(0)", "mov %r2, %r10", "add %r2, -4", "call 1", "jeq %r0, 0, out");
    private static final String OUT = "\nout:\nmov %r0, 0\nexit";

    /** Name, program, the map type, and its flags when not 0. */
    private static final Object[][] CASES = {
        {"empty program", "mov %r0, 0\nexit", MapType.HASH},
        {"key built on the stack", HEAD + "\nldxw %r0, [%r10-4]\nexit" + OUT, MapType.HASH},
        {"+ lookup (hash)", HEAD + "\n" + LOOKUP + "\nmov %r0, 1\nexit" + OUT, MapType.HASH},
        {"+ load of the value", HEAD + "\n" + LOOKUP + "\nldxdw %r0, [%r0+0]\nexit" + OUT, MapType.HASH},
        {"+ store to the value", HEAD + "\n" + LOOKUP + "\nstdw [%r0+0], 7" + OUT, MapType.HASH},
        {"+ plain add (load, add, store)", HEAD + "\n" + LOOKUP
                + "\nldxdw %r1, [%r0+0]\nadd %r1, 1\nstxdw [%r0+0], %r1" + OUT, MapType.HASH},
        {"+ atomic add", HEAD + "\n" + LOOKUP + "\nmov %r1, 1\nlock add [%r0+0], %r1" + OUT, MapType.HASH},
        {"bench program, hash", MapCountBenchmark.PROGRAM, MapType.HASH},
        {"bench program, percpu_hash", MapCountBenchmark.PER_CPU_PROGRAM, MapType.PERCPU_HASH},
        {"bench program, lru_hash", MapCountBenchmark.PROGRAM, MapType.LRU_HASH},
        {"bench program, percpu_hash chained", MapCountBenchmark.PER_CPU_PROGRAM, MapType.PERCPU_HASH,
            MapSpec.F_NO_PREALLOC},
    };
    private static final int REPS = 200;

    private MapCountBreakdown() {}

    public static void main(String[] args) throws Exception {
        int keys = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
        if (args.length > 2 && args[1].equals("--case")) {
            System.out.printf("%.2f%n", measureOne(keys, Integer.parseInt(args[2])));
            return;
        }
        // One JVM per case: each case's call site then sees one generated class, as a real caller's does.
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        for (int c = 0; c <= CASES.length; c++) {
            Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    MapCountBreakdown.class.getName(), String.valueOf(keys), "--case", String.valueOf(c))
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
            String name = c < CASES.length ? (String) CASES[c][0] : "Java: key read + map.lookupWord";
            System.out.printf("keys %-6d %-34s %s ns/packet%n", keys, name, out);
        }
    }

    /** Case {@code which} alone: thread CPU time per packet, median of 7 rounds after 3 warm-up rounds. */
    private static double measureOne(int keys, int which) {
        Random r = new Random(7);
        byte[][] packets = new byte[MapCountBenchmark.PACKETS][];
        for (int i = 0; i < packets.length; i++) {
            int k = r.nextInt(keys);
            packets[i] = new byte[] {(byte) k, (byte) (k >>> 8), (byte) (k >>> 16), (byte) (k >>> 24), 0, 0};
        }
        MapType type = which < CASES.length ? (MapType) CASES[which][2] : MapType.HASH;
        int flags = which < CASES.length && CASES[which].length > 3 ? (Integer) CASES[which][3] : 0;
        try (BpfMap m = new MapSpec("counts", type, 4, 8, keys * 2, flags).create()) {
            byte[] zero = new byte[8];
            for (int k = 0; k < keys; k++) {
                m.update(new byte[] {(byte) k, (byte) (k >>> 8), (byte) (k >>> 16), (byte) (k >>> 24)}, zero,
                        BpfMap.BPF_ANY);
            }
            Filter f = null;
            if (which < CASES.length) {
                Program p = Assembler.assemble((String) CASES[which][1], ProgramType.SOCKET);
                VerifiedProgram v = new Verifier(Verifier.Options.DEFAULT.withMaps(List.of(m.spec()))).check(p);
                f = JitCompiler.compile(MapLinker.link(p, List.of(m)), MapHelpers.table(), 1_000_000L,
                        MemoryFacts.of(v));
            }
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            double[] ns = new double[7];
            long sink = 0;
            for (int round = -3; round < 7; round++) {
                long t0 = mx.getCurrentThreadCpuTime();
                for (int rep = 0; rep < REPS; rep++) {
                    sink += f != null ? runAll(f, packets) : javaLookup(m, packets);
                }
                if (round >= 0) {
                    ns[round] = (mx.getCurrentThreadCpuTime() - t0) / ((double) REPS * packets.length);
                }
            }
            if (sink == 42) {
                System.out.println();
            }
            Arrays.sort(ns);
            return ns[3];
        }
    }

    private static long runAll(Filter f, byte[][] packets) {
        long s = 0;
        for (byte[] p : packets) {
            s += f.run(p, 0, p.length, p.length);
        }
        return s;
    }

    /** The key read from the packet as the program does, then the map's lookup, from Java. */
    private static long javaLookup(BpfMap m, byte[][] packets) {
        long s = 0;
        for (byte[] p : packets) {
            long k = (int) LE32.get(p, 0) & 0xffff_ffffL;
            s += m.lookupWord(k, 0) != 0 ? 1 : 0;
        }
        return s;
    }
}
