package io.weir.engine.maps;

import static io.weir.engine.maps.MapTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import io.weir.engine.ebpf.Assembler;
import io.weir.engine.ebpf.EbpfInterpreter;
import io.weir.engine.ebpf.ProgramType;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MapConcurrencyTest {

    static final String PROGRAM = String.join("\n",
            "ldabsb 0",
            "stxw [%r10-4], %r0",
            "lddw %r1, map_by_fd(0)",
            "mov %r2, %r10",
            "add %r2, -4",
            "call 1",
            "jne %r0, 0, found",
            "stdw [%r10-16], 1",
            "lddw %r1, map_by_fd(0)",
            "mov %r2, %r10",
            "add %r2, -4",
            "mov %r3, %r10",
            "add %r3, -16",
            "mov %r4, 1", // BPF_NOEXIST: a racing thread may have inserted it first
            "call 2",
            "jeq %r0, 0, out",
            "lddw %r1, map_by_fd(0)",
            "mov %r2, %r10",
            "add %r2, -4",
            "call 1",
            "jeq %r0, 0, out",
            "found:",
            "mov %r1, 1",
            "lock add [%r0+0], %r1",
            "out:",
            "mov %r0, 0",
            "exit");

    @Test
    void concurrentCountingLosesNothing() throws Exception {
        int threads = 4;
        int perThread = 50_000;
        int seenHash = 0;
        for (MapType type : new MapType[] {MapType.HASH, MapType.HASH, MapType.LRU_HASH, MapType.PERCPU_HASH}) {
            // HASH twice: inline, then chained (BPF_F_NO_PREALLOC).
            int flags = type == MapType.HASH && seenHash++ > 0 ? MapSpec.F_NO_PREALLOC : 0;
            try (BpfMap m = new MapSpec("c", type, 4, 8, 1024, flags).create()) {
                EbpfInterpreter f = new EbpfInterpreter(MapLinker.link(
                        Assembler.assemble(PROGRAM, ProgramType.SOCKET), List.of(m)), MapHelpers.table(), 1000);
                AtomicReference<Throwable> error = new AtomicReference<>();
                CountDownLatch start = new CountDownLatch(1);
                Thread[] ts = new Thread[threads];
                for (int t = 0; t < threads; t++) {
                    ts[t] = new Thread(() -> {
                        byte[] pkt = new byte[1];
                        try {
                            start.await();
                            for (int i = 0; i < perThread; i++) {
                                pkt[0] = (byte) (i % 37);
                                f.run(pkt, 0, 1, 1);
                            }
                        } catch (Throwable e) {
                            error.set(e);
                        }
                    });
                    ts[t].start();
                }
                start.countDown();
                for (Thread t : ts) {
                    t.join();
                }
                assertNull(error.get(), () -> String.valueOf(error.get()));
                long[] total = {0};
                m.forEach((k, v) -> total[0] += le(v));
                assertEquals((long) threads * perThread, total[0], type.label());
                assertEquals(37, m.size(), type.label());
            }
        }
    }

    @ParameterizedTest(name = "flags {0}")
    @ValueSource(ints = {0, MapSpec.F_NO_PREALLOC})
    void lookupsNeverMissStableKeysWhileOthersChurn(int flags) throws Exception {
        try (BpfMap m = new MapSpec("churn", MapType.HASH, 4, 8, 256, flags).create()) {
            // Keys 0..63 stay; keys 1000.. are inserted and deleted by another thread, in the same buckets.
            for (int k = 0; k < 64; k++) {
                m.update(u32(k), u64(k), BpfMap.BPF_ANY);
            }
            AtomicBoolean stop = new AtomicBoolean();
            Thread churn = new Thread(() -> {
                int k = 1000;
                while (!stop.get()) {
                    m.update(u32(k), u64(k), BpfMap.BPF_ANY);
                    m.delete(u32(k - 100 < 1000 ? k : k - 100));
                    k = k >= 1190 ? 1000 : k + 1;
                }
            });
            churn.start();
            byte[] v = new byte[8];
            try {
                for (int round = 0; round < 200_000; round++) {
                    int k = round & 63;
                    assertTrue(m.lookup(u32(k), v), "key " + k + " missed at round " + round);
                }
            } finally {
                stop.set(true);
                churn.join();
            }
        }
    }
}
