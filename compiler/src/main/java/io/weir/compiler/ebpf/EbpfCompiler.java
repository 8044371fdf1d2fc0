package io.weir.compiler.ebpf;

import io.weir.compiler.CompileOptions;
import io.weir.compiler.FilterCompiler;
import io.weir.compiler.FilterSyntaxException;
import io.weir.compiler.lower.SetLookup;
import io.weir.compiler.lower.SetTable;
import io.weir.engine.cbpf.ClassicProgram;
import io.weir.engine.cbpf.ClassicToEbpf;
import io.weir.engine.ebpf.Program;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Compiles an expression for the eBPF path, where sets larger than a comparison chain become hash-map lookups.
 * The pipeline is {@link FilterCompiler}'s; its classic program carries a placeholder jump per lookup, which the
 * classic-to-eBPF translation replaces with {@link LookupCode}. Without large sets the result is exactly the
 * translation of the classic program {@link FilterCompiler#compile} gives.
 *
 * <pre>{@code
 * CompiledFilter spec = EbpfCompiler.compile("src host in @blocklist.txt", 1, 262144, CompileOptions.DEAD);
 * try (LoadedFilter f = spec.load(Engine.AUTO)) {
 *     f.run(packet, 0, packet.length, packet.length);
 * }
 * }</pre>
 */
public final class EbpfCompiler {
    private EbpfCompiler() {
    }

    /** Compiles with sets of more than {@link SetTable#CLASSIC_MAX} entries as lookups, files relative to the working directory. */
    public static CompiledFilter compile(String expr, int linkType, int snaplen, CompileOptions options)
            throws FilterSyntaxException {
        return compile(expr, linkType, snaplen, options, SetTable.workingDirectory(), SetTable.CLASSIC_MAX);
    }

    /**
     * Compiles with sets of more than {@code maxChain} entries as lookups (0: every set), {@code @FILE} paths
     * relative to {@code baseDir}.
     */
    public static CompiledFilter compile(String expr, int linkType, int snaplen, CompileOptions options, Path baseDir,
            int maxChain) throws FilterSyntaxException {
        SetTable sets = SetTable.ebpf(baseDir, maxChain);
        Map<Integer, Integer> placeholders = new HashMap<>();
        ClassicProgram classic = FilterCompiler.compile(expr, linkType, snaplen, options, sets, placeholders);
        List<SetLookup> tables = sets.tables();
        if (placeholders.isEmpty()) {
            return new CompiledFilter(classic, null, List.of()); // translated when asked for
        }
        // Tables are map fds in the order the lowering made them; one a placeholder no longer uses (its tests
        // were threaded away) is still created, empty of meaning but harmless.
        Map<Integer, ClassicToEbpf.JumpOverride> overrides = new HashMap<>();
        for (Map.Entry<Integer, Integer> e : placeholders.entrySet()) {
            overrides.put(e.getKey(), new LookupCode(tables.get(e.getValue()), e.getValue()));
        }
        Program program = ClassicToEbpf.translate(classic, overrides);
        return new CompiledFilter(null, program, tables);
    }
}
