package io.weir.compiler.lower;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The sets of one compilation ({@code host in @FILE}, {@code port in {22, 80}}): how they may be compiled, and
 * the lookup tables the lowering made for them.
 *
 * <p>A set of at most {@link #maxChain()} entries is lowered as the equivalent libpcap expression
 * ({@code host in {a, b}} as {@code host (a or b)}), a chain of comparisons that classic BPF holds. A larger set
 * becomes {@link SetLookup} tables and lookup tests ({@link Pred.Test}s whose jump code is {@link #LOOKUP} and
 * whose {@code k} is the table's index), which only the eBPF path can emit (as map lookups); on the classic
 * path such a set is an error that says so.
 *
 * <p>Relative {@code @FILE} paths are resolved against {@link #baseDir()} (the working directory by default).
 */
public final class SetTable {
    /**
     * The jump code of a lookup test: "the value the statements leave in A (and, for 16-byte keys, in M[12..14])
     * is in table {@code k}". Not a classic jump code ({@code BPF_JMP} with op {@code 0xf0}), so it can never be
     * mistaken for one; the optimizer treats it as an opaque test of that value.
     */
    public static final int LOOKUP = 0xf5;
    /** The largest set the classic path compiles, as a chain of comparisons. */
    public static final int CLASSIC_MAX = 64;
    /** First scratch word of a 16-byte key: the key's words are M[12], M[13], M[14] and A. */
    public static final int KEY_SCRATCH = 12;

    private final int maxChain;
    private final boolean lookups;
    private final Path baseDir;
    private final List<SetLookup> tables = new ArrayList<>();

    private SetTable(int maxChain, boolean lookups, Path baseDir) {
        this.maxChain = maxChain;
        this.lookups = lookups;
        this.baseDir = baseDir;
    }

    /** The classic path: sets up to {@link #CLASSIC_MAX} entries become chains, larger ones are errors. */
    public static SetTable classic(Path baseDir) {
        return new SetTable(CLASSIC_MAX, false, baseDir);
    }

    /** The classic path with files relative to the working directory. */
    public static SetTable classic() {
        return classic(workingDirectory());
    }

    /** The eBPF path: sets of more than {@code maxChain} entries become lookups (0: every set does). */
    public static SetTable ebpf(Path baseDir, int maxChain) {
        if (maxChain < 0 || maxChain > CLASSIC_MAX) {
            throw new IllegalArgumentException("maxChain must be 0.." + CLASSIC_MAX + ": " + maxChain);
        }
        return new SetTable(maxChain, true, baseDir);
    }

    /** The working directory, where relative {@code @FILE} paths start. */
    public static Path workingDirectory() {
        return Path.of(System.getProperty("user.dir", "."));
    }

    /** Sets with at most this many entries are lowered to comparison chains. */
    public int maxChain() {
        return maxChain;
    }

    /** Whether larger sets may become lookup tables (the eBPF path). */
    public boolean lookupsAllowed() {
        return lookups;
    }

    /** Where relative {@code @FILE} paths start. */
    public Path baseDir() {
        return baseDir;
    }

    /** Registers a table; returns its index, the {@code k} of its lookup tests. */
    int add(SetLookup table) {
        tables.add(table);
        return tables.size() - 1;
    }

    /** The tables made so far, by index. */
    public List<SetLookup> tables() {
        return Collections.unmodifiableList(tables);
    }
}
