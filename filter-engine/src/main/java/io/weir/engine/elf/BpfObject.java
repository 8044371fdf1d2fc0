package io.weir.engine.elf;

import io.weir.engine.ebpf.EbpfInterpreter;
import io.weir.engine.ebpf.HelperTable;
import io.weir.engine.ebpf.Program;
import io.weir.engine.maps.BpfMap;
import io.weir.engine.maps.CpuSlots;
import io.weir.engine.maps.Errno;
import io.weir.engine.maps.MapException;
import io.weir.engine.maps.MapLinker;
import io.weir.engine.maps.MapSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A loaded ELF object: its live maps (global data initialised from the file) and its programs linked against
 * them. Closing it closes the maps. The maps' full size ({@link MapSpec#memoryBytes}) is checked against a
 * limit before any is made, so an object cannot make the JVM run out of memory by asking for huge maps.
 */
public final class BpfObject implements AutoCloseable {
    private final ElfObjectSpec spec;
    private final List<BpfMap> maps;

    BpfObject(ElfObjectSpec spec, long maxMapMemory) {
        this.spec = spec;
        checkMemory(spec.maps(), maxMapMemory);
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

    /** Refuses maps whose full size exceeds {@code limit}, before anything is allocated. */
    private static void checkMemory(List<MapSpec> specs, long limit) {
        long total = 0;
        MapSpec largest = null;
        long largestBytes = -1;
        for (MapSpec m : specs) {
            m.validate();
            long b = m.memoryBytes(CpuSlots.count());
            total += b;
            if (b > largestBytes) {
                largest = m;
                largestBytes = b;
            }
        }
        if (total > limit) {
            throw new MapException(Errno.ENOMEM, "the maps need " + total + " bytes when full, above the limit of "
                    + limit + " bytes (largest: '" + largest.name() + "', " + largest.type().label() + " of "
                    + largest.maxEntries() + " entries, " + largestBytes + " bytes)");
        }
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
