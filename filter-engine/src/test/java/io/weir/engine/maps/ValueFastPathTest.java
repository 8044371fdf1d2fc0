package io.weir.engine.maps;

import static io.weir.engine.maps.MapTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import io.weir.engine.ebpf.EbpfMemory;
import io.weir.engine.ebpf.ExternalRegion;
import io.weir.engine.ebpf.MemoryModel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The 4- and 8-byte fast paths of value accesses ({@code ValueStore.load8/store8/add8/load4/atomic4}) against
 * the general path: the same values for every in-bounds offset, and the same faults, word for word, for
 * misaligned, out-of-value and out-of-map accesses. Value sizes with a power-of-two stride and without.
 */
class ValueFastPathTest {

    static Stream<Arguments> layouts() {
        List<Arguments> out = new ArrayList<>();
        // HASH with flags 0 keeps its values inline in rows (strides of 24, 32, 40 bytes...); with NO_PREALLOC it is
        // chained, its values in a store of their own.
        // A zero seed: both maps of a case put a key in the same row.
        int z = MapSpec.F_ZERO_SEED;
        int[][] kinds = {{0, z}, {0, z | MapSpec.F_NO_PREALLOC}, {1, 0}, {2, z}};
        MapType[] types = {MapType.HASH, MapType.ARRAY, MapType.PERCPU_HASH};
        for (int[] kind : kinds) {
            MapType t = types[kind[0]];
            for (int valueSize : new int[] {4, 8, 12, 16, 24}) {
                out.add(Arguments.of(t, kind[1], valueSize, 4, 1));
            }
            // Values above one chunk (256 KiB): chunked offsets; the key chosen lands in chunk 1 of an array.
            out.add(Arguments.of(t, kind[1], 8, 40_000, 33_000));
            out.add(Arguments.of(t, kind[1], 12, 30_000, 29_000));
        }
        return out.stream();
    }

    private static String fault(Supplier<?> access) {
        try {
            return "ok " + access.get();
        } catch (EbpfMemory.Fault f) {
            return "fault " + f.getMessage();
        }
    }

    @ParameterizedTest(name = "{0} flags {1}, value {2}, max {3}, key {4}")
    @MethodSource("layouts")
    void fastAndGeneralPathsAgree(MapType type, int flags, int valueSize, int max, int key) {
        try (BpfMap fast = new MapSpec("v", type, 4, valueSize, max, flags).create(2);
                BpfMap slow = new MapSpec("v", type, 4, valueSize, max, flags).create(2)) {
            for (int k : new int[] {0, key, key + 1}) {
                byte[] v = new byte[valueSize];
                for (int i = 0; i < valueSize; i++) {
                    v[i] = (byte) (k * 31 + i * 7 + 1);
                }
                fast.update(u32(k), v, BpfMap.BPF_ANY);
                slow.update(u32(k), v, BpfMap.BPF_ANY);
            }
            int entry = (int) MemoryModel.offset(fast.lookupWord(key, 1));
            assertEquals(entry, (int) MemoryModel.offset(slow.lookupWord(key, 1)));
            // From before the value to past it, every alignment: loads, stores, adds, ors.
            for (int d = -8; d < valueSize + 8; d++) {
                int off = entry + d;
                for (int size : new int[] {4, 8}) {
                    String where = type + " value " + valueSize + " at " + d + " size " + size;
                    assertEquals(fault(() -> slowLoad(slow, off, size)), fault(() -> fast.load(off, size)), where);
                    long x = 0x1122_3344_5566_7788L + d;
                    assertEquals(fault(() -> slowAtomic(slow, off, size, ExternalRegion.ATOMIC_ADD, x)),
                            fault(() -> fast.atomic(off, size, ExternalRegion.ATOMIC_ADD, x, 0)), where + " add");
                    assertEquals(fault(() -> slowAtomic(slow, off, size, ExternalRegion.ATOMIC_OR, x >>> 3)),
                            fault(() -> fast.atomic(off, size, ExternalRegion.ATOMIC_OR, x >>> 3, 0)), where + " or");
                    assertEquals(fault(() -> slowStore(slow, off, size, x)), fault(() -> {
                        fast.store(off, size, x);
                        return null;
                    }), where + " store");
                }
            }
            byte[] a = new byte[valueSize * fast.cpus()];
            byte[] b = new byte[valueSize * slow.cpus()];
            for (int k : new int[] {0, key, key + 1}) {
                assertTrue(fast.lookupPerCpu(u32(k), a));
                assertTrue(slow.lookupPerCpu(u32(k), b));
                assertArrayEquals(b, a, "key " + k);
            }
        }
    }

    private static Object slowLoad(BpfMap m, int off, int size) {
        return new General(m).load(off, size);
    }

    private static Object slowAtomic(BpfMap m, int off, int size, int op, long v) {
        return new General(m).atomic(off, size, op, v);
    }

    private static Object slowStore(BpfMap m, int off, int size, long v) {
        new General(m).store(off, size, v);
        return null;
    }

    /** {@code check} then the general access, as the maps did before the fast paths. */
    record General(BpfMap m) {
        ValueStore values() {
            return m instanceof HashBpfMap h ? h.valueStore() : m instanceof InlineTable i ? i.valueStore()
                    : ((ArrayBpfMap) m).valueStore();
        }

        long load(int off, int size) {
            values().check(off, size, "read", m.name());
            return values().load(off, size);
        }

        void store(int off, int size, long v) {
            values().check(off, size, "write", m.name());
            values().store(off, size, v);
        }

        long atomic(int off, int size, int op, long v) {
            values().check(off, size, "atomic access", m.name());
            return values().atomic(off, size, op, v, 0, m.name());
        }
    }
}
