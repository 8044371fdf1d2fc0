package io.weir.bench;

import io.weir.capture.Packet;
import io.weir.capture.PcapReader;
import io.weir.compiler.FilterCompiler;
import io.weir.engine.Engine;
import io.weir.engine.Engines;
import io.weir.engine.Filter;
import io.weir.engine.maps.MapHelpers;
import io.weir.flow.FlowCounter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The per-packet cost of {@code weir flows}' counting (issue 11) in thread CPU time, without the file reads, the
 * JVM start or the report: the capture's packets are copied into memory once (the first {@value #SNAP} bytes of
 * each, which hold every header the count program reads; wire lengths kept), then timed in interleaved rounds
 * (median of {@value #ROUNDS} after {@value #WARMUP} warm-up rounds):
 * <ul>
 *   <li>{@code filter}: the JIT-compiled filter {@code ip or ip6} alone, the peer (what {@code --count} pays per
 *       packet at most);</li>
 *   <li>{@code flows-hot}: one {@link FlowCounter} over the first 1,024 packets again and again (a few hundred
 *       flows, all in cache: the program's own work);</li>
 *   <li>{@code flows}: the same counter over every packet (its flows already in the table: lookups, no inserts),
 *       the working set of the whole capture.</li>
 * </ul>
 * The first pass of a fresh counter over every packet (the generated program's JIT warm-up included, inserts
 * of every flow) is printed once before the rounds. Run:
 * {@code java -cp bench/target/benchmarks.jar io.weir.bench.FlowCountCpu FILE [MAX_PACKETS]}.
 */
public final class FlowCountCpu {
    private static final int SNAP = 256;
    private static final int HOT = 1024;
    private static final int WARMUP = 2;
    private static final int ROUNDS = 5;
    private static final String[] NAMES = {"filter", "flows-hot", "flows"};

    private final byte[] data;
    private final int[] capLen;
    private final int[] wireLen;
    private final long[] time;
    private final int n;
    private final int linkType;

    private FlowCountCpu(Path file, int max) throws Exception {
        if (max > (Integer.MAX_VALUE - 8) / SNAP) {
            throw new IllegalArgumentException("at most " + (Integer.MAX_VALUE - 8) / SNAP + " packets");
        }
        int[] cap = new int[4096];
        int[] wire = new int[cap.length];
        long[] ts = new long[cap.length];
        byte[] d = new byte[cap.length * SNAP];
        int count = 0;
        int lt;
        try (PcapReader r = PcapReader.open(file)) {
            lt = r.linkType();
            while (count < max && r.next()) {
                Packet p = r.packet();
                if (count == cap.length) {
                    int m = (int) Math.min(2L * cap.length, (Integer.MAX_VALUE - 8) / SNAP);
                    d = Arrays.copyOf(d, m * SNAP);
                    cap = Arrays.copyOf(cap, m);
                    wire = Arrays.copyOf(wire, m);
                    ts = Arrays.copyOf(ts, m);
                }
                int c = Math.min(p.capLen(), SNAP);
                p.buffer().get(p.offset(), d, count * SNAP, c);
                cap[count] = c;
                wire[count] = p.wireLen();
                ts[count] = p.timestampNanos();
                count++;
            }
        }
        this.data = d;
        this.capLen = cap;
        this.wireLen = wire;
        this.time = ts;
        this.n = count;
        this.linkType = lt;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: FlowCountCpu FILE [MAX_PACKETS]");
            System.exit(2);
        }
        int max = args.length > 1 ? Integer.parseInt(args[1]) : 4_000_000;
        FlowCountCpu b = new FlowCountCpu(Path.of(args[0]), max);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Filter filter = Engines.backend(Engine.AUTO).filter(
                FilterCompiler.compileEbpf("ip or ip6", b.linkType, FilterCompiler.DEFAULT_SNAPLEN),
                MapHelpers.table(), Engines.DEFAULT_BUDGET);
        try (FlowCounter c = FlowCounter.builder().linkType(b.linkType).snaplen(262144).build()) {
            long t0 = mx.getCurrentThreadCpuTime();
            b.flows(c, false);
            System.out.printf("%d packets, %d flows; first pass of a fresh counter: %.1f ns/packet cpu%n", b.n,
                    c.table().size(), (mx.getCurrentThreadCpuTime() - t0) / (double) b.n);
            double[][] ns = new double[NAMES.length][ROUNDS];
            long sink = 0;
            for (int round = 0; round < WARMUP + ROUNDS; round++) {
                for (int v = 0; v < NAMES.length; v++) {
                    long s = mx.getCurrentThreadCpuTime();
                    sink += v == 0 ? b.filter(filter) : b.flows(c, v == 1);
                    long e = mx.getCurrentThreadCpuTime();
                    if (round >= WARMUP) {
                        ns[v][round - WARMUP] = (e - s) / (double) b.n;
                    }
                }
            }
            for (int v = 0; v < NAMES.length; v++) {
                Arrays.sort(ns[v]);
                System.out.printf("%-10s %8.1f ns/packet cpu (median of %d)%n", NAMES[v], ns[v][ROUNDS / 2], ROUNDS);
            }
            System.out.println("(checksum " + sink + ", " + c.table().size() + " flows)");
        }
    }

    private long filter(Filter f) {
        long matched = 0;
        for (int i = 0; i < n; i++) {
            matched += f.run(data, i * SNAP, capLen[i], wireLen[i]) != 0 ? 1 : 0;
        }
        return matched;
    }

    /** One pass of {@code n} packets: every packet, or the first {@link #HOT} ones again and again. */
    private long flows(FlowCounter c, boolean hot) {
        long counted = 0;
        for (int i = 0; i < n; i++) {
            int j = hot ? i & (HOT - 1) : i;
            counted += c.count(data, j * SNAP, capLen[j], wireLen[j], time[i]);
        }
        return counted;
    }
}
