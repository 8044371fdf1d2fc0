package io.weir.bench;

import io.weir.compiler.CompileOptions;
import io.weir.compiler.FilterCompiler;
import io.weir.compiler.FilterSyntaxException;
import io.weir.compiler.ebpf.CompiledFilter;
import io.weir.compiler.ebpf.EbpfCompiler;
import io.weir.compiler.lower.SetTable;
import io.weir.engine.Engine;
import io.weir.engine.Filter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Param;

/**
 * Nanoseconds per packet of a set filter over the {@link PacketMix}: {@code host in @FILE} as a comparison chain
 * ({@code CHAIN_64}, 64 hosts, the largest chain) against hash-map lookups of the same 64 hosts
 * ({@code LOOKUP_64}) and of 100,000 hosts ({@code LOOKUP_100K}), and {@code net in @FILE} with networks of
 * three prefix lengths ({@code NETS_3_LENGTHS}, 30,000 networks: three probes per address). The mix's
 * addresses (192.168.1.1, 10.0.0.0/8) are in every set, so both outcomes occur.
 */
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class SetLookupBenchmark extends MixBenchmark {
    @Param({"CHAIN_64", "LOOKUP_64", "LOOKUP_100K", "NETS_3_LENGTHS"})
    public String set;

    @Param({"jit", "interpreter"})
    public String engine;

    @Override
    protected Filter filter() throws IOException, FilterSyntaxException {
        Path dir = Files.createTempDirectory("weir-set-bench");
        boolean nets = set.equals("NETS_3_LENGTHS");
        int n = set.equals("LOOKUP_100K") ? 100_000 : nets ? 30_000 : 64;
        Files.write(dir.resolve("set.txt"), entries(n, nets));
        String expr = (nets ? "net" : "host") + " in @set.txt";
        int maxChain = set.equals("CHAIN_64") ? SetTable.CLASSIC_MAX : 0;
        CompiledFilter spec = EbpfCompiler.compile(expr, 1, FilterCompiler.DEFAULT_SNAPLEN, CompileOptions.DEAD, dir,
                maxChain);
        return spec.load(engine.equals("jit") ? Engine.JIT : Engine.INTERPRETER);
    }

    /** {@code n} entries: the mix's addresses first, then filler from 11.0.0.0 up (hosts, or /8-/16-/24 nets). */
    static List<String> entries(int n, boolean nets) {
        List<String> out = new ArrayList<>(List.of(nets ? "192.168.1.0/24" : "192.168.1.1",
                nets ? "10.0.0.0/8" : "10.0.0.1"));
        for (int i = 0; out.size() < n; i++) {
            int a = 11 + i % 200;
            int b = (i / 200) % 256;
            int c = (i / 51200) % 256;
            out.add(!nets ? a + "." + b + "." + c + ".7" : i % 3 == 0 ? a + "." + b + "." + c + ".0/24"
                    : i % 3 == 1 ? a + "." + b + ".128.0/17" : (a + 100) % 224 + ".0.0.0/8");
        }
        return out;
    }
}
