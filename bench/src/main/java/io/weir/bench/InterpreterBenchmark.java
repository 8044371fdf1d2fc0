package io.weir.bench;

import io.weir.engine.Filter;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Nanoseconds per packet of Weir's classic and eBPF interpreters on the five {@link InterpreterFilters} over the
 * {@link PacketMix}: the question is how they compare with libpcap's C {@code bpf_filter}, which
 * {@code bench/c/bpf_filter_bench} times on the same packets and instructions ({@code bench/interp-vs-libpcap.sh}
 * runs both and prints the ratios). Run with {@code -prof gc} to see that a run allocates nothing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
public class InterpreterBenchmark {
    @Param({"IP", "TCP_PORT_80", "HOST_L4", "IP6_TCP_443", "VLAN_SYN"})
    public String filter;

    @Param({"classic", "ebpf"})
    public String engine;

    private byte[][] packets;
    private Filter f;

    @Setup
    public void setup() {
        List<byte[]> mix = PacketMix.generate(PacketMix.DEFAULT_SEED, PacketMix.DEFAULT_COUNT);
        packets = mix.toArray(new byte[0][]);
        f = InterpreterFilters.valueOf(filter).filter(engine);
    }

    /** One pass over the mix; the score is per packet. */
    @Benchmark
    @OperationsPerInvocation(PacketMix.DEFAULT_COUNT)
    public long mix() {
        long acc = 0;
        for (byte[] p : packets) {
            acc += f.run(p, 0, p.length, p.length);
        }
        return acc;
    }
}
