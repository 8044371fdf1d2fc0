package io.weir.bench;

import io.weir.engine.Filter;
import io.weir.engine.cbpf.ClassicProgram;
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
 * Nanoseconds per packet of the JIT, the eBPF interpreter and the classic interpreter on the six
 * {@link JitFilters} (from {@code tcp} to a 20-term expression) over the in-memory {@link PacketMix}. The
 * question: how much faster than libpcap's C {@code bpf_filter} is the JIT ({@code bench/jit-vs-libpcap.sh}
 * runs this and the C harness on the same packets and prints the ratios). {@code -prof gc} shows the
 * allocation per packet (0 B/op expected).
 *
 * <p>Both sides loop over an array of packets and call the filter once per packet: here an interface call
 * that HotSpot inlines (one filter class per fork), in C an external call into libpcap.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
public class JitBenchmark {
    @Param({"TCP", "TCP_PORT_80", "HOST_L4", "WEB_NOT_LAN", "TERMS_12", "TERMS_20"})
    public String filter;

    @Param({"jit", "ebpf", "classic"})
    public String engine;

    private byte[][] packets;
    private Filter f;

    @Setup
    public void setup() {
        List<byte[]> mix = PacketMix.generate(PacketMix.DEFAULT_SEED, PacketMix.DEFAULT_COUNT);
        packets = mix.toArray(new byte[0][]);
        ClassicProgram program = JitFilters.valueOf(filter).program();
        f = JitFilters.filter(program, engine);
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
