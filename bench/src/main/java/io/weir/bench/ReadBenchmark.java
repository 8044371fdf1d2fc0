package io.weir.bench;

import io.weir.capture.Packet;
import io.weir.capture.PcapReader;
import io.weir.capture.gen.GenerateCapture;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * How fast does {@link PcapReader} walk a large capture from the page cache, visiting every packet? One
 * operation reads the whole file (default: 2 million generated packets, about 1 GB) and touches each packet's
 * lengths, time stamp and first and last bytes, as a filter would; compare its time with {@code cat FILE >
 * /dev/null} (bench/read-vs-cat.sh does, and prints the ratios).
 *
 * <p>{@code -p file=PATH} reads another file; a missing file is generated first (deterministically, seed 42).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC"})
public class ReadBenchmark {
    /** The capture to read; generated when absent. */
    @Param("/tmp/weir-read-bench-2M.pcap")
    public String file;

    /** Packets to generate when the file is absent. */
    @Param("2000000")
    public long generatePackets;

    private Path path;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        path = Path.of(file);
        if (!Files.exists(path)) {
            GenerateCapture.write(GenerateCapture.parse(new String[] {
                "--count", Long.toString(generatePackets), "--seed", "42", "--out", file}));
        }
        ReadStats.warmPageCache(path);
    }

    /** Reads the whole file, visiting every packet; returns the packet count (so nothing is dead code). */
    @Benchmark
    public long readEveryPacket(Blackhole bh) throws IOException {
        long n = 0;
        try (PcapReader r = PcapReader.open(path)) {
            while (r.next()) {
                Packet p = r.packet();
                ByteBuffer b = p.buffer();
                int off = p.offset();
                int cap = p.capLen();
                bh.consume(p.wireLen());
                bh.consume(p.timestampNanos());
                if (cap > 0) {
                    bh.consume(b.get(off));
                    bh.consume(b.get(off + cap - 1));
                }
                n++;
            }
        }
        return n;
    }
}
