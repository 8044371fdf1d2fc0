package io.weir.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * {@link MapCountBenchmark}'s single-thread cases timed in thread CPU time, interleaved round by round (median of
 * 7 rounds after 3 warm-up rounds): on a shared, loaded machine the wall-clock scores of JMH move with the
 * neighbours' load, the CPU time a thread spends on its own work much less. Run:
 * {@code java -cp bench/target/benchmarks.jar io.weir.bench.MapCountCpu [KEYS...]}.
 */
public final class MapCountCpu {
    private static final String[] NAMES = {"jitProgram", "jitPerCpuProgram", "concurrentHashMap", "openAddressing"};
    private static final int REPS = 200;

    private MapCountCpu() {}

    public static void main(String[] args) {
        String[] keys = args.length == 0 ? new String[] {"1024", "65536"} : args;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sink = 0;
        for (String k : keys) {
            MapCountBenchmark b = new MapCountBenchmark();
            b.keys = Integer.parseInt(k);
            b.setup();
            double[][] ns = new double[NAMES.length][7];
            for (int round = -3; round < 7; round++) {
                for (int w = 0; w < NAMES.length; w++) {
                    long t0 = mx.getCurrentThreadCpuTime();
                    for (int r = 0; r < REPS; r++) {
                        sink += run(b, w);
                    }
                    if (round >= 0) {
                        ns[w][round] = (mx.getCurrentThreadCpuTime() - t0) / (double) (REPS * MapCountBenchmark.PACKETS);
                    }
                }
            }
            b.close();
            for (int w = 0; w < NAMES.length; w++) {
                double[] x = ns[w].clone();
                Arrays.sort(x);
                System.out.printf("keys %-6s %-18s %7.2f ns/op%n", k, NAMES[w], x[3]);
            }
        }
        if (sink == 42) {
            System.out.println();
        }
    }

    private static long run(MapCountBenchmark b, int which) {
        switch (which) {
            case 0: return b.jitProgram();
            case 1: return b.jitPerCpuProgram();
            case 2: return b.concurrentHashMap();
            default: return b.openAddressing();
        }
    }
}
