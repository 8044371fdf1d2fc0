package io.weir.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CyclicBarrier;

/**
 * {@link MapCountBenchmark}'s cases timed in thread CPU time, interleaved round by round (median of 7 rounds after
 * 3 warm-up rounds): on a shared, loaded machine the wall-clock scores of JMH move with the neighbours' load, the
 * CPU time a thread spends on its own work much less. With {@code --threads N} the same number of persistent
 * worker threads run each case at once on the one shared state (as JMH's {@code -t N}); the figure is then the
 * CPU time per packet of one thread (the threads' mean), and the wall time of the round is printed beside it
 * (meaningful only when the machine has N idle cores). The open-addressing peers are single-threaded and run
 * only with one thread. The {@code ...Packets} peers read each key from its packet as the program does, the
 * others from a precomputed {@code int[]}. Run:
 * {@code java -cp bench/target/benchmarks.jar io.weir.bench.MapCountCpu [--threads N] [KEYS...]}.
 */
public final class MapCountCpu {
    /** The variants; the open-addressing peers (not thread-safe) last, run only with one thread. */
    private static final String[] NAMES = {"jitProgram", "jitChainedProgram", "jitPerCpuProgram",
        "jitPerCpuChainedProgram", "concurrentHashMap", "concurrentHashMapPackets", "openAddressing",
        "openAddressingPackets"};
    private static final int SINGLE_THREAD_ONLY = 2;
    private static final int REPS = 200;
    private static final int WARMUP = 3;
    private static final int ROUNDS = 7;

    private MapCountCpu() {}

    public static void main(String[] args) throws Exception {
        int threads = 1;
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--threads")) {
                threads = Integer.parseInt(args[++i]);
            } else {
                keys.add(args[i]);
            }
        }
        if (keys.isEmpty()) {
            keys = List.of("1024", "65536");
        }
        int variants = threads == 1 ? NAMES.length : NAMES.length - SINGLE_THREAD_ONLY;
        for (String k : keys) {
            MapCountBenchmark b = new MapCountBenchmark();
            b.keys = Integer.parseInt(k);
            b.setup();
            double[][][] ns = measure(b, threads, variants);
            b.close();
            for (int w = 0; w < variants; w++) {
                System.out.printf("keys %-6s threads %d %-24s %7.2f ns/op cpu per thread   %7.2f ns/op wall%n", k,
                        threads, NAMES[w], median(ns[0][w]), median(ns[1][w]));
            }
        }
    }

    /** [cpu or wall][variant][round]: ns per packet of one thread. */
    private static double[][][] measure(MapCountBenchmark b, int threads, int variants) throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        int steps = (WARMUP + ROUNDS) * variants;
        long[][] cpu = new long[steps][threads];
        CyclicBarrier start = new CyclicBarrier(threads + 1);
        CyclicBarrier end = new CyclicBarrier(threads + 1);
        Thread[] workers = new Thread[threads];
        long[] sink = new long[threads];
        for (int t = 0; t < threads; t++) {
            int me = t;
            workers[t] = new Thread(() -> {
                try {
                    for (int s = 0; s < steps; s++) {
                        start.await();
                        long t0 = mx.getCurrentThreadCpuTime();
                        for (int r = 0; r < REPS; r++) {
                            sink[me] += run(b, s % variants);
                        }
                        cpu[s][me] = mx.getCurrentThreadCpuTime() - t0;
                        end.await();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "map-count-" + t);
            workers[t].start();
        }
        double[][][] ns = new double[2][variants][ROUNDS];
        double perPacket = (double) REPS * MapCountBenchmark.PACKETS;
        for (int s = 0; s < steps; s++) {
            start.await();
            long w0 = System.nanoTime();
            end.await();
            long wall = System.nanoTime() - w0;
            int round = s / variants - WARMUP;
            if (round >= 0) {
                ns[0][s % variants][round] = Arrays.stream(cpu[s]).average().orElse(0) / perPacket;
                ns[1][s % variants][round] = wall / perPacket;
            }
        }
        for (Thread t : workers) {
            t.join();
        }
        if (Arrays.stream(sink).sum() == 42) {
            System.out.println();
        }
        return ns;
    }

    private static double median(double[] x) {
        double[] c = x.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    private static long run(MapCountBenchmark b, int which) {
        switch (which) {
            case 0: return b.jitProgram();
            case 1: return b.jitChainedProgram();
            case 2: return b.jitPerCpuProgram();
            case 3: return b.jitPerCpuChainedProgram();
            case 4: return b.concurrentHashMap();
            case 5: return b.concurrentHashMapPackets();
            case 6: return b.openAddressing();
            default: return b.openAddressingPackets();
        }
    }
}
