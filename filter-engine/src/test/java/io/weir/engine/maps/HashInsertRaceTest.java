package io.weir.engine.maps;

import static org.junit.jupiter.api.Assertions.*;

import io.weir.engine.Filter;
import io.weir.engine.ebpf.Assembler;
import io.weir.engine.ebpf.EbpfInterpreter;
import io.weir.engine.ebpf.Program;
import io.weir.engine.ebpf.ProgramType;
import io.weir.engine.jit.JitCompiler;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Two threads count the same fresh keys at the same time (lookup; insert with {@code BPF_NOEXIST} and value 1
 * when missing; else an atomic add): every count must land. A new entry must not be visible before its value is
 * written, or the other thread's add on it is overwritten (a count lost per race, as an earlier version did).
 * Also while the table grows under the adders (values stay where the programs' pointers point).
 */
class HashInsertRaceTest {
    /** {@link MapConcurrencyTest}'s counter (lookup, insert 1 with NOEXIST, or atomic add) on a 4-byte key. */
    static final String PROGRAM = MapConcurrencyTest.PROGRAM.replace("ldabsb 0", "ldabsw 0");

    /** Flags 0: a {@code hash} or {@code lru_hash} is inline (open addressing); 1 ({@code BPF_F_NO_PREALLOC}): chained, growing. */
    @ParameterizedTest(name = "{0} flags {2} on the {1}")
    @CsvSource({"hash, jit, 0", "hash, jit, 1", "lru_hash, jit, 0", "percpu_hash, jit, 0", "hash, interpreter, 0",
            "hash, interpreter, 1", "lru_hash, interpreter, 0"})
    void twoThreadsCountingFreshKeysLoseNothing(String typeName, String engine, int flags) throws Exception {
        MapType type = MapType.valueOf(typeName.toUpperCase(java.util.Locale.ROOT));
        int keys = 20_000;
        int rounds = 3;
        // Max entries above the keys: no E2BIG, no eviction; the table grows from 1024 entries while counting.
        try (BpfMap m = new MapSpec("race", type, 4, 8, keys * rounds + 16, flags).create()) {
            Program p = MapLinker.link(Assembler.assemble(PROGRAM, ProgramType.SOCKET), List.of(m));
            Filter f = engine.equals("jit") ? JitCompiler.compile(p, MapHelpers.table(), 10_000)
                    : new EbpfInterpreter(p, MapHelpers.table(), 10_000);
            AtomicReference<Throwable> error = new AtomicReference<>();
            CyclicBarrier go = new CyclicBarrier(2);
            Thread[] ts = new Thread[2];
            for (int t = 0; t < 2; t++) {
                ts[t] = new Thread(() -> {
                    byte[] pkt = new byte[4];
                    try {
                        for (int r = 0; r < rounds; r++) {
                            go.await();
                            for (int k = 0; k < keys; k++) {
                                int key = r * keys + k;
                                pkt[0] = (byte) key;
                                pkt[1] = (byte) (key >>> 8);
                                pkt[2] = (byte) (key >>> 16);
                                f.run(pkt, 0, 4, 4);
                            }
                        }
                    } catch (Throwable e) {
                        error.set(e);
                    }
                });
                ts[t].start();
            }
            for (Thread t : ts) {
                t.join();
            }
            assertNull(error.get(), () -> String.valueOf(error.get()));
            long[] total = {0};
            long[] wrong = {0};
            m.forEach((k, v) -> {
                long c = MapTestSupport.le(v);
                total[0] += c;
                wrong[0] += c == 2 ? 0 : 1;
            });
            assertEquals(0, wrong[0], "keys not counted exactly twice");
            assertEquals(2L * keys * rounds, total[0]);
        }
    }
}
