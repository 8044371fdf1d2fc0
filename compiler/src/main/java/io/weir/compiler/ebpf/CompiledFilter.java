package io.weir.compiler.ebpf;

import io.weir.compiler.lower.SetLookup;
import io.weir.engine.Engine;
import io.weir.engine.Engines;
import io.weir.engine.Filter;
import io.weir.engine.cbpf.ClassicProgram;
import io.weir.engine.cbpf.ClassicToEbpf;
import io.weir.engine.ebpf.Program;
import io.weir.engine.maps.BpfMap;
import io.weir.engine.maps.MapHelpers;
import io.weir.engine.maps.MapLinker;
import io.weir.engine.maps.MapSpec;
import io.weir.engine.maps.MapType;
import io.weir.engine.verifier.VerifiedProgram;
import io.weir.engine.verifier.Verifier;
import java.util.ArrayList;
import java.util.List;

/**
 * A compiled filter for the eBPF path, as a blueprint: the eBPF program, whose {@code lddw map_by_fd(i)}
 * instructions name the set tables by index, and the tables' contents. Nothing live is made until
 * {@link #load(Engine)}, which creates and fills the hash maps, verifies the program against them, links it and
 * hands it to an engine.
 */
public final class CompiledFilter {
    /** Bytes of a map value: the maps are sets, the value is never read. */
    static final int VALUE_SIZE = 1;

    private final ClassicProgram classic;
    private Program program;
    private final List<SetLookup> tables;

    CompiledFilter(ClassicProgram classic, Program program, List<SetLookup> tables) {
        this.classic = classic;
        this.program = program;
        this.tables = List.copyOf(tables);
    }

    /** Whether the filter needs maps (it has a set too large for a comparison chain). */
    public boolean usesMaps() {
        return !tables.isEmpty();
    }

    /** The classic program the eBPF one translates, when the filter needs no maps; null otherwise. */
    public ClassicProgram classic() {
        return classic;
    }

    /**
     * The eBPF program (maps referenced by fd: the index in {@link #tables()}); without maps, the classic
     * program's translation, made on first use (the CLI starts on the classic interpreter and may never need it).
     */
    public synchronized Program program() {
        if (program == null) {
            program = ClassicToEbpf.translate(classic);
        }
        return program;
    }

    /** The set tables, by map fd. */
    public List<SetLookup> tables() {
        return tables;
    }

    /** The map blueprint of table {@code fd}: a hash map from key to a one-byte value. */
    public MapSpec mapSpec(int fd) {
        SetLookup t = tables.get(fd);
        return new MapSpec("set" + fd + "_" + t.kind().name().toLowerCase(java.util.Locale.ROOT), MapType.HASH,
                t.keySize(), VALUE_SIZE, Math.max(1, t.size()), 0);
    }

    /** The verifier's options: a brief log and the set maps by fd. */
    public Verifier.Options verifierOptions() {
        Verifier.Options o = Verifier.Options.DEFAULT.withBriefLog();
        for (int fd = 0; fd < tables.size(); fd++) {
            o = o.withMap(fd, new Verifier.MapDef(tables.get(fd).keySize(), VALUE_SIZE, MapType.HASH));
        }
        return o;
    }

    /** Verifies the program against the set maps. */
    public VerifiedProgram verify() {
        return new Verifier(verifierOptions()).check(program());
    }

    /** Creates the maps and fills them with the tables' entries. */
    public List<BpfMap> createMaps() {
        List<BpfMap> maps = new ArrayList<>(tables.size());
        byte[] one = {1};
        try {
            for (int fd = 0; fd < tables.size(); fd++) {
                SetLookup t = tables.get(fd);
                BpfMap m = mapSpec(fd).create();
                maps.add(m);
                for (int i = 0; i < t.size(); i++) {
                    int r = m.update(t.key(i), one, BpfMap.BPF_ANY);
                    if (r != 0) {
                        throw new IllegalStateException("map " + m.name() + ": update failed (" + r + ")");
                    }
                }
            }
        } catch (RuntimeException e) {
            for (BpfMap m : maps) {
                m.close();
            }
            throw e;
        }
        return maps;
    }

    /**
     * Verifies the program, creates the maps, links and loads it on {@code engine} ({@code AUTO}: the JIT, or
     * the interpreter where the JIT cannot generate a class).
     *
     * @throws io.weir.engine.verifier.VerifierException if the verifier rejects the program (a Weir bug)
     */
    public LoadedFilter load(Engine engine) {
        verify();
        List<BpfMap> maps = createMaps();
        try {
            Program linked = MapLinker.link(program(), maps);
            Filter f = Engines.backend(engine).filter(linked, MapHelpers.table(), Engines.DEFAULT_BUDGET);
            return new LoadedFilter(f, maps);
        } catch (RuntimeException e) {
            for (BpfMap m : maps) {
                m.close();
            }
            throw e;
        }
    }
}
