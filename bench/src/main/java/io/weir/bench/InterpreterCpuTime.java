package io.weir.bench;

import io.weir.engine.Filter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;

/**
 * The interpreter comparison measured in thread CPU time rather than JMH's wall time, for machines shared with
 * other work (where wall time mostly measures the scheduler): every filter on every engine, passes over the
 * {@link PacketMix} in alternation, best of several rounds after a warm-up. The C harness has the matching
 * {@code cpu} mode; {@code CPU=1 bench/interp-vs-libpcap.sh} uses both.
 *
 * <p>Prints {@code FILTER,ENGINE,ns-per-packet} lines in the shape of JMH's CSV for the script.
 */
public final class InterpreterCpuTime {
    private static final String[] ENGINES = {"classic", "ebpf"};

    private InterpreterCpuTime() {
    }

    /** {@code InterpreterCpuTime [rounds [passes-per-round]]}. */
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 12;
        int passes = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        List<byte[]> mix = PacketMix.generate(PacketMix.DEFAULT_SEED, PacketMix.DEFAULT_COUNT);
        byte[][] packets = mix.toArray(new byte[0][]);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sink = 0;
        System.out.println("\"Benchmark\",\"Mode\",\"Threads\",\"Samples\",\"Score\",\"Score Error (99.9%)\",\"Unit\","
                + "\"Param: engine\",\"Param: filter\"");
        for (InterpreterFilters f : InterpreterFilters.values()) {
            Filter[] filters = new Filter[ENGINES.length];
            double[] best = new double[ENGINES.length];
            for (int e = 0; e < ENGINES.length; e++) {
                filters[e] = f.filter(ENGINES[e]);
                best[e] = Double.MAX_VALUE;
            }
            for (int round = 0; round < rounds; round++) {
                for (int e = 0; e < ENGINES.length; e++) {
                    Filter filter = filters[e];
                    long start = mx.getCurrentThreadCpuTime();
                    for (int pass = 0; pass < passes; pass++) {
                        for (byte[] p : packets) {
                            sink += filter.run(p, 0, p.length, p.length);
                        }
                    }
                    double ns = (mx.getCurrentThreadCpuTime() - start) / ((double) passes * packets.length);
                    if (round >= rounds / 3) {
                        best[e] = Math.min(best[e], ns);
                    }
                }
            }
            for (int e = 0; e < ENGINES.length; e++) {
                System.out.printf("\"io.weir.bench.InterpreterBenchmark.mix\",\"cpu\",1,%d,%.3f,0,\"ns/op\",%s,%s%n",
                        rounds - rounds / 3, best[e], ENGINES[e], f.name());
            }
        }
        if (sink == 42) {
            System.err.println("(sink)");
        }
    }
}
