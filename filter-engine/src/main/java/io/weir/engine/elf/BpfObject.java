package io.weir.engine.elf;

import io.weir.engine.ebpf.EbpfInterpreter;
import io.weir.engine.ebpf.HelperTable;
import io.weir.engine.ebpf.Program;
import io.weir.engine.maps.BpfMap;
import io.weir.engine.maps.MapLinker;
import io.weir.engine.maps.MapSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A loaded ELF object: its live maps (global data initialised from the file) and its programs linked against
 * them. Closing it closes the maps.
 */
public final class BpfObject implements AutoCloseable {
    private final ElfObjectSpec spec;
    private final List<BpfMap> maps;

    BpfObject(ElfObjectSpec spec) {
        this.spec = spec;
        List<BpfMap> made = new ArrayList<>();
        try {
            for (int i = 0; i < spec.maps().size(); i++) {
                MapSpec m = spec.maps().get(i);
                BpfMap map = m.create();
                made.add(map);
                byte[] initial = spec.initialData(i);
                if (initial != null) {
                    byte[] key = new byte[4];
                    // Global data is written through the Java API, which read-only-for-programs maps accept.
                    map.update(key, initial, BpfMap.BPF_ANY);
                }
            }
        } catch (RuntimeException e) {
            for (BpfMap m : made) {
                m.close();
            }
            throw e;
        }
        this.maps = Collections.unmodifiableList(made);
    }

    /** The blueprint this object was loaded from. */
    public ElfObjectSpec spec() {
        return spec;
    }

    /** The live maps, in the spec's order (the order {@code lddw} map references use). */
    public List<BpfMap> maps() {
        return maps;
    }

    /** The map named {@code name}, or null. */
    public BpfMap map(String name) {
        for (BpfMap m : maps) {
            if (m.name().equals(name)) {
                return m;
            }
        }
        return null;
    }

    /** The code of {@code program} with its map references resolved against this object's maps. */
    public Program link(ElfProgram program) {
        return MapLinker.link(program.program(), maps);
    }

    /** An interpreter for {@code program} with these helpers and an instruction budget of one million. */
    public EbpfInterpreter interpreter(ElfProgram program, HelperTable helpers) {
        return new EbpfInterpreter(link(program), helpers, 1_000_000L);
    }

    @Override
    public void close() {
        for (BpfMap m : maps) {
            m.close();
        }
    }
}
