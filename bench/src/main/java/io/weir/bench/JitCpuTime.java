package io.weir.bench;

import io.weir.engine.Filter;
import io.weir.engine.cbpf.ClassicProgram;
import io.weir.engine.cbpf.TcpdumpFormat;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The JIT comparison in thread CPU time rather than JMH's wall time, for a machine shared with other work (where
 * wall time mostly measures the scheduler): one filter on one engine per JVM (so the filter's call site sees
 * one class, as in {@link JitBenchmark}), passes over the {@link PacketMix}, best of several rounds after a
 * warm-up. The C harness's {@code cpu} mode is the matching libpcap measurement; {@code CPU=1
 * bench/jit-vs-libpcap.sh} uses both.
 *
 * <p>{@code JitCpuTime FILTER ENGINE PROGRAM [rounds [passes]]} prints one line in the shape of JMH's CSV.
 */
public final class JitCpuTime {
    private JitCpuTime() {
    }

    /** Runs the measurement; {@code PROGRAM} is the tcpdump -ddd comma form (from the filters file). */
    public static void main(String[] args) {
        String name = args[0];
        String engine = args[1];
        ClassicProgram program = TcpdumpFormat.parse(args[2]);
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 15;
        int passes = args.length > 4 ? Integer.parseInt(args[4]) : 1000;
        byte[][] packets = PacketMix.generate(PacketMix.DEFAULT_SEED, PacketMix.DEFAULT_COUNT).toArray(new byte[0][]);
        Filter filter = JitFilters.filter(program, engine);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sink = 0;
        double best = Double.MAX_VALUE;
        for (int round = 0; round < rounds; round++) {
            long start = mx.getCurrentThreadCpuTime();
            for (int pass = 0; pass < passes; pass++) {
                for (byte[] p : packets) {
                    sink += filter.run(p, 0, p.length, p.length);
                }
            }
            double ns = (mx.getCurrentThreadCpuTime() - start) / ((double) passes * packets.length);
            if (round >= rounds / 3) {
                best = Math.min(best, ns);
            }
        }
        System.out.printf("\"io.weir.bench.JitBenchmark.mix\",\"cpu\",1,%d,%.3f,0,\"ns/op\",%s,%s%n",
                rounds - rounds / 3, best, engine, name);
        if (sink == 42) {
            System.err.println("(sink)");
        }
    }
}
