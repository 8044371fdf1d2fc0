package io.weir.compiler.ebpf;

import io.weir.engine.Filter;
import io.weir.engine.maps.BpfMap;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A {@link CompiledFilter} made live: the engine's filter and the set maps it reads. Closing it frees the maps'
 * memory regions; the filter must not run after that.
 */
public final class LoadedFilter implements Filter, AutoCloseable {
    private final Filter filter;
    private final List<BpfMap> maps;

    LoadedFilter(Filter filter, List<BpfMap> maps) {
        this.filter = filter;
        this.maps = List.copyOf(maps);
    }

    @Override
    public long run(byte[] packet, int offset, int capLen, int wireLen) {
        return filter.run(packet, offset, capLen, wireLen);
    }

    @Override
    public long run(ByteBuffer packet, int offset, int capLen, int wireLen) {
        return filter.run(packet, offset, capLen, wireLen);
    }

    /** The engine's filter (the JIT's or the interpreter's). */
    public Filter engineFilter() {
        return filter;
    }

    /** The set maps, by fd. */
    public List<BpfMap> maps() {
        return maps;
    }

    @Override
    public void close() {
        for (BpfMap m : maps) {
            m.close();
        }
    }
}
