package io.weir.engine.maps;

import static io.weir.engine.maps.MapTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import io.weir.engine.ebpf.Assembler;
import io.weir.engine.ebpf.EbpfInterpreter;
import io.weir.engine.ebpf.ProgramType;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Hash maps allocate their entries as they fill: small at creation, full semantics at max entries (-E2BIG for a
 * hash, eviction for an LRU), and no count lost by threads adding to values while other threads make the map grow.
 */
class HashGrowthTest {
    @Test
    void aLargeMapStartsSmallAndFillsToItsMax() {
        int max = 20_000;
        for (MapType type : new MapType[] {MapType.HASH, MapType.LRU_HASH, MapType.PERCPU_HASH}) {
            int flags = type == MapType.HASH ? MapSpec.F_NO_PREALLOC : 0; // a preallocated hash is made inline
            MapSpec spec = new MapSpec("g", type, 4, 8, max, flags);
            spec.validate();
            // An lru_hash this small is made inline (preallocated): the chained one, made above 64 MiB, directly.
            try (HashBpfMap m = new HashBpfMap(spec, type.isPerCpu() ? 2 : 1)) {
                assertEquals(HashBpfMap.INITIAL_ENTRIES, m.capacity(), type.label());
                for (int k = 0; k < max; k++) {
                    assertEquals(0, m.update(u32(k * 7919L), u64(k), BpfMap.BPF_NOEXIST), type + " key " + k);
                }
                assertEquals(max, m.capacity());
                assertEquals(max, m.size());
                for (int k = 0; k < max; k += 97) {
                    assertEquals(k, le(m.lookup(u32(k * 7919L))), type + " key " + k);
                }
                int full = m.update(u32(-1), u64(1), BpfMap.BPF_ANY);
                assertEquals(type == MapType.LRU_HASH ? 0 : -Errno.E2BIG, full, type.label());
                assertEquals(max, m.size());
                m.clear();
                assertEquals(0, m.size());
                assertEquals(0, m.update(u32(5), u64(5), BpfMap.BPF_ANY), "cleared map takes new keys");
            }
        }
    }

    @Test
    void memoryOfTheSpecIsTheCeiling() {
        MapSpec s = new MapSpec("m", MapType.HASH, 4, 8, 1_000_000, MapSpec.F_NO_PREALLOC);
        // 8 (key) + 8 (value) + 13 per entry, 4 per bucket (2^20 buckets).
        assertEquals(1_000_000L * 29 + 4L * (1 << 20), s.memoryBytes(1));
        assertEquals(3_000_000L * 38 + 4L * (1 << 22),
                new MapSpec("l", MapType.LRU_HASH, 4, 8, 3_000_000, 0).memoryBytes(1), "chained LRU: 9 more per entry");
        assertEquals(4L * 4096 * 24, new MapSpec("a", MapType.PERCPU_ARRAY, 4, 20, 4096, 0).memoryBytes(4));
        assertTrue(new MapSpec("h", MapType.HASH, 4, 8, Integer.MAX_VALUE, 0).memoryBytes(1) > 1L << 34);
    }

    /** Counting threads add to values while an inserting thread makes the table grow: no add is lost. */
    @Test
    void countsSurviveGrowth() throws Exception {
        String program = String.join("\n",
                "ldxw %r2, [%r1+76]",
                "ldxw %r3, [%r1+80]",
                "mov %r4, %r2",
                "add %r4, 4",
                "jgt %r4, %r3, out",
                "ldxw %r2, [%r2+0]",
                "stxw [%r10-4], %r2",
                "lddw %r1, map_by_fd(0)",
                "mov %r2, %r10",
                "add %r2, -4",
                "call 1",
                "jeq %r0, 0, out",
                "mov %r1, 1",
                "lock add [%r0+0], %r1",
                "out:",
                "mov %r0, 0",
                "exit");
        try (BpfMap m = new MapSpec("g", MapType.HASH, 4, 8, 50_000, 0).create()) {
            for (int k = 0; k < 16; k++) {
                m.update(u32(k), u64(0), BpfMap.BPF_ANY);
            }
            EbpfInterpreter f = new EbpfInterpreter(MapLinker.link(Assembler.assemble(program, ProgramType.SOCKET),
                    List.of(m)), MapHelpers.table(), 1000);
            int threads = 3;
            int perThread = 40_000;
            AtomicReference<Throwable> error = new AtomicReference<>();
            CountDownLatch start = new CountDownLatch(1);
            Thread[] ts = new Thread[threads + 1];
            for (int t = 0; t < threads; t++) {
                ts[t] = new Thread(() -> {
                    byte[] pkt = new byte[4];
                    try {
                        start.await();
                        for (int i = 0; i < perThread; i++) {
                            pkt[0] = (byte) (i & 15);
                            f.run(pkt, 0, 4, 4);
                        }
                    } catch (Throwable e) {
                        error.set(e);
                    }
                });
            }
            ts[threads] = new Thread(() -> {
                try {
                    start.await();
                    for (int k = 1000; k < 50_000 - 16 + 1000; k++) {
                        m.update(u32(k), u64(1), BpfMap.BPF_NOEXIST);
                    }
                } catch (Throwable e) {
                    error.set(e);
                }
            });
            for (Thread t : ts) {
                t.start();
            }
            start.countDown();
            for (Thread t : ts) {
                t.join();
            }
            assertNull(error.get(), () -> String.valueOf(error.get()));
            long total = 0;
            for (int k = 0; k < 16; k++) {
                total += le(m.lookup(u32(k)));
            }
            assertEquals((long) threads * perThread, total);
            assertEquals(50_000, m.size());
        }
    }
}
