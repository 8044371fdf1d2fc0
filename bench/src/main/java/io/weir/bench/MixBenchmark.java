package io.weir.bench;

import io.weir.engine.Filter;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The shape the per-packet filter benchmarks share: each trial makes one filter ({@link #filter()}, from the
 * subclass's {@code @Param}s) and each invocation runs it once over the {@link PacketMix} (the default seed and
 * count), so the score is nanoseconds per packet. JMH generates the benchmark under the subclass's name
 * ({@code io.weir.bench.InterpreterBenchmark.mix}); the subclass adds its {@code @Fork} and parameters. A filter
 * that is {@link AutoCloseable} (one holding maps) is closed after the trial.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
public abstract class MixBenchmark {
    private byte[][] packets;
    private Filter f;

    /** The filter of this trial's parameters. */
    protected abstract Filter filter() throws Exception;

    /** Generates the mix and makes the filter. */
    @Setup
    public void setupMix() throws Exception {
        packets = PacketMix.generate(PacketMix.DEFAULT_SEED, PacketMix.DEFAULT_COUNT).toArray(new byte[0][]);
        f = filter();
    }

    /** Closes a filter that holds resources. */
    @TearDown
    public void closeFilter() throws Exception {
        if (f instanceof AutoCloseable c) {
            c.close();
        }
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
