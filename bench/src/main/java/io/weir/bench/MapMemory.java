package io.weir.bench;

import io.weir.engine.maps.BpfMap;
import io.weir.engine.maps.MapSpec;
import io.weir.engine.maps.MapType;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Heap bytes per entry of a full 1M-entry counter table (4-byte key, 8-byte value): a Weir {@code hash} (inline,
 * open addressing; and chained, with {@code BPF_F_NO_PREALLOC}) and {@code lru_hash} map (inline too: rows plus
 * list links) against a
 * {@code ConcurrentHashMap<Integer, AtomicLong>}, measured as the used-heap difference after full collections; and
 * an empty 1M-entry hash (inline: all its rows, preallocated; chained: its buckets, entries being allocated as it
 * fills).
 * Run: {@code java -cp bench/target/benchmarks.jar io.weir.bench.MapMemory}.
 */
public final class MapMemory {
    private static final int N = 1_000_000;

    private MapMemory() {}

    public static void main(String[] args) {
        System.out.printf("hash (inline)  %6.1f bytes/entry%n", measure(() -> fill(MapType.HASH, 0)));
        System.out.printf("hash (chained) %6.1f bytes/entry%n",
                measure(() -> fill(MapType.HASH, MapSpec.F_NO_PREALLOC)));
        System.out.printf("hash (inline), empty (max 1M)  %6.1f bytes/max entry%n",
                measure(() -> new MapSpec("m", MapType.HASH, 4, 8, N, 0).create()));
        System.out.printf("hash (chained), empty (max 1M) %6.1f bytes/max entry%n",
                measure(() -> new MapSpec("m", MapType.HASH, 4, 8, N, MapSpec.F_NO_PREALLOC).create()));
        System.out.printf("lru_hash (inline) %6.1f bytes/entry%n", measure(() -> fill(MapType.LRU_HASH, 0)));
        System.out.printf("CHM        %6.1f bytes/entry%n", measure(() -> {
            ConcurrentHashMap<Integer, AtomicLong> m = new ConcurrentHashMap<>();
            for (int k = 0; k < N; k++) {
                m.computeIfAbsent(k * 7919, x -> new AtomicLong()).incrementAndGet();
            }
            return m;
        }));
    }

    private static Object fill(MapType type, int flags) {
        BpfMap m = new MapSpec("m", type, 4, 8, N, flags).create();
        byte[] key = new byte[4];
        byte[] one = {1, 0, 0, 0, 0, 0, 0, 0};
        for (int k = 0; k < N; k++) {
            int v = k * 7919;
            key[0] = (byte) v;
            key[1] = (byte) (v >>> 8);
            key[2] = (byte) (v >>> 16);
            key[3] = (byte) (v >>> 24);
            m.update(key, one, BpfMap.BPF_ANY);
        }
        return m;
    }

    private static double measure(java.util.function.Supplier<Object> make) {
        long before = used();
        Object keep = make.get();
        long after = used();
        if (keep.hashCode() == 42) {
            System.out.print("");
        }
        if (keep instanceof BpfMap b) {
            b.close();
        }
        return (after - before) / (double) N;
    }

    private static long used() {
        Runtime r = Runtime.getRuntime();
        for (int i = 0; i < 4; i++) {
            System.gc();
        }
        return r.totalMemory() - r.freeMemory();
    }
}
