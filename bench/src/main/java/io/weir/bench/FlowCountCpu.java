package io.weir.bench;

import io.weir.capture.Packet;
import io.weir.capture.PcapReader;
import io.weir.compiler.FilterCompiler;
import io.weir.engine.Engine;
import io.weir.engine.Engines;
import io.weir.engine.Filter;
import io.weir.engine.maps.MapHelpers;
import io.weir.flow.FlowCounter;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
 *
 * <p><b>A/B in one JVM.</b> {@code FlowCountCpu --variants DIRS_A DIRS_B ... FILE [MAX_PACKETS]} loads each
 * variant (class directories, {@code :}-separated, ahead of this jar: e.g. an old and a new build of
 * {@code filter-engine/target/classes} and {@code compiler/target/classes}) in its own class loader and interleaves
 * their rounds in one process, so that the neighbours' load, which moves the figures of separate JVMs by up to 2×
 * on a shared machine, falls on every variant alike. Prints per variant the {@code flows-hot} and {@code flows}
 * medians.
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
        if (args.length > 0 && args[0].equals("--variants")) {
            variants(args);
            return;
        }
        if (args.length < 1) {
            System.err.println("usage: FlowCountCpu FILE [MAX_PACKETS] | --variants DIRS... FILE [MAX_PACKETS]");
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

    /** One variant's counter over its own copy of the packets (called through its class loader). */
    public static Object open(String file, int max) throws Exception {
        FlowCountCpu b = new FlowCountCpu(Path.of(file), max);
        return new Object[] {b, FlowCounter.builder().linkType(b.linkType).snaplen(262144).build()};
    }

    /** One pass of a variant opened by {@link #open}: the first packets again and again, or every packet. */
    public static long pass(Object opened, boolean hot) {
        Object[] o = (Object[]) opened;
        return ((FlowCountCpu) o[0]).flows((FlowCounter) o[1], hot);
    }

    /** The packets a variant holds. */
    public static int packets(Object opened) {
        return ((FlowCountCpu) ((Object[]) opened)[0]).n;
    }

    private static void variants(String[] args) throws Exception {
        List<String> dirs = new ArrayList<>();
        int i = 1;
        while (i < args.length && new File(args[i].split(":")[0]).isDirectory()) {
            dirs.add(args[i++]);
        }
        if (dirs.isEmpty() || i >= args.length) {
            System.err.println("usage: FlowCountCpu --variants DIRS_A DIRS_B ... FILE [MAX_PACKETS]");
            System.exit(2);
        }
        String file = args[i];
        int max = i + 1 < args.length ? Integer.parseInt(args[i + 1]) : 300_000;
        URL jar = FlowCountCpu.class.getProtectionDomain().getCodeSource().getLocation();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Object[] opened = new Object[dirs.size()];
        Method[] pass = new Method[dirs.size()];
        int n = 0;
        for (int v = 0; v < dirs.size(); v++) {
            List<URL> urls = new ArrayList<>();
            for (String d : dirs.get(v).split(":")) {
                urls.add(new File(d).toURI().toURL());
            }
            urls.add(jar);
            ClassLoader loader = new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
            Class<?> c = loader.loadClass(FlowCountCpu.class.getName());
            opened[v] = c.getMethod("open", String.class, int.class).invoke(null, file, max);
            pass[v] = c.getMethod("pass", Object.class, boolean.class);
            n = (int) c.getMethod("packets", Object.class).invoke(null, opened[v]);
            long t0 = mx.getCurrentThreadCpuTime();
            pass[v].invoke(null, opened[v], false);
            System.out.printf("variant %d (%s): first pass %.1f ns/packet cpu%n", v, dirs.get(v),
                    (mx.getCurrentThreadCpuTime() - t0) / (double) n);
        }
        int rounds = 9;
        double[][][] ns = new double[dirs.size()][2][rounds];
        for (int round = 0; round < WARMUP + rounds; round++) {
            for (int v = 0; v < dirs.size(); v++) {
                for (int h = 0; h < 2; h++) {
                    long s = mx.getCurrentThreadCpuTime();
                    pass[v].invoke(null, opened[v], h == 0);
                    if (round >= WARMUP) {
                        ns[v][h][round - WARMUP] = (mx.getCurrentThreadCpuTime() - s) / (double) n;
                    }
                }
            }
        }
        for (int v = 0; v < dirs.size(); v++) {
            Arrays.sort(ns[v][0]);
            Arrays.sort(ns[v][1]);
            System.out.printf("variant %d: flows-hot %.1f, flows %.1f ns/packet cpu (median of %d)%n", v,
                    ns[v][0][rounds / 2], ns[v][1][rounds / 2], rounds);
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
