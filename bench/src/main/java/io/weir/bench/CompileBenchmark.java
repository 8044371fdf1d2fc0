package io.weir.bench;

import io.weir.compiler.CompileOptions;
import io.weir.compiler.FilterCompiler;
import io.weir.compiler.FilterSyntaxException;
import io.weir.compiler.ebpf.CompiledFilter;
import io.weir.compiler.ebpf.EbpfCompiler;
import io.weir.compiler.lower.SetTable;
import io.weir.engine.cbpf.ClassicProgram;
import io.weir.engine.maps.BpfMap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Compile time, warm (issue 9, "Quality of the compiled code"): a 500-term expression to classic BPF (target
 * under 50 ms), and a set of N IPv4 hosts ({@code src host in @FILE}) to eBPF with map lookups, with and without
 * filling the hash map (target: 100,000 hosts under a second). libpcap's side is {@code bench/c/pcap_compile_bench}
 * on the inputs {@link CompileInputs} writes. Scores are milliseconds per compile.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class CompileBenchmark {
    @Param({"100000"})
    public int hosts;

    private String terms;
    private Path dir;
    private String setExpr;

    @Setup
    public void setup() throws IOException {
        terms = CompileInputs.terms(500);
        dir = Files.createTempDirectory("weir-compile-bench");
        CompileInputs.hostFile(dir.resolve("hosts.txt"), hosts);
        setExpr = "tcp and src host in @hosts.txt";
    }

    @Benchmark
    public ClassicProgram terms500() throws FilterSyntaxException {
        return FilterCompiler.compile(terms, 1, FilterCompiler.DEFAULT_SNAPLEN);
    }

    @Benchmark
    public CompiledFilter setCompile() throws FilterSyntaxException {
        return EbpfCompiler.compile(setExpr, 1, FilterCompiler.DEFAULT_SNAPLEN, CompileOptions.DEAD, dir,
                SetTable.CLASSIC_MAX);
    }

    @Benchmark
    public int setCompileAndFill() throws FilterSyntaxException {
        CompiledFilter f = EbpfCompiler.compile(setExpr, 1, FilterCompiler.DEFAULT_SNAPLEN, CompileOptions.DEAD, dir,
                SetTable.CLASSIC_MAX);
        f.verify();
        List<BpfMap> maps = f.createMaps();
        int n = 0;
        for (BpfMap m : maps) {
            n += m.maxEntries();
            m.close();
        }
        return n;
    }
}
