package io.weir.engine.maps;

import static io.weir.engine.maps.MapTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import io.weir.engine.Filter;
import io.weir.engine.ebpf.Assembler;
import io.weir.engine.ebpf.EbpfInterpreter;
import io.weir.engine.ebpf.MemoryModel;
import io.weir.engine.ebpf.Program;
import io.weir.engine.ebpf.ProgramType;
import io.weir.engine.jit.JitCompiler;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link InlinePerCpuHashBpfMap}: seeded random operations against a plain-Java model of per-slot values, the
 * chained {@link HashBpfMap} as the reference for value sizes that sum in lanes, two threads adding into their own
 * slots with a plain (non-atomic) add, and the per-CPU counting program on the interpreter and the JIT.
 */
class InlinePerCpuHashBpfMapTest {
    private static final long SEED = Long.getLong("weir.seed", 0x9E7C_0C0DL);

    /**
     * A program update of the map from the packet: key (4 bytes), value (8), flags (4); returns the helper's
     * result (0 or a negative errno), -100 for a short packet.
     */
    private static final String UPDATE = String.join("\n",
            "ldxw %r2, [%r1+76]",
            "ldxw %r3, [%r1+80]",
            "mov %r4, %r2",
            "add %r4, 16",
            "jgt %r4, %r3, short",
            "ldxw %r5, [%r2+0]",
            "stxw [%r10-4], %r5",
            "ldxdw %r5, [%r2+4]",
            "stxdw [%r10-16], %r5",
            "ldxw %r4, [%r2+12]",
            "lddw %r1, map_by_fd(0)",
            "mov %r2, %r10",
            "add %r2, -4",
            "mov %r3, %r10",
            "add %r3, -16",
            "call 2",
            "exit",
            "short:",
            "mov %r0, -100",
            "exit");

    /**
     * The per-CPU counter: {@link MapConcurrencyTest}'s (lookup; insert 1 with {@code BPF_NOEXIST} when missing;
     * else look up again) on a 4-byte key read in network order, with MapCountBenchmark's per-CPU add: a plain load,
     * add 1, store on the thread's own slot.
     */
    static final String COUNTER = MapConcurrencyTest.PROGRAM.replace("ldabsb 0", "ldabsw 0")
            .replace("mov %r1, 1\nlock add [%r0+0], %r1", "ldxdw %r1, [%r0+0]\nadd %r1, 1\nstxdw [%r0+0], %r1");

    /** A packet whose key, as {@link #COUNTER} reads it, is {@code k}. */
    private static byte[] packet(long k) {
        return new byte[] {(byte) (k >>> 24), (byte) (k >>> 16), (byte) (k >>> 8), (byte) k};
    }

    private static Program linked(String text, BpfMap m) {
        return MapLinker.link(Assembler.assemble(text, ProgramType.SOCKET), List.of(m));
    }

    @ParameterizedTest(name = "percpu_hash key {0} value {1} max {2} on {3} slots: {4} bytes")
    @CsvSource({
        // rows of 8 * (1 + key words) bytes, cpus planes of 8-byte-rounded values, a bit per row; at load 0.75
        "4, 8, 1000, 2, 32184",
        "4, 8, 1000, 4, 53528",
        "8, 8, 1000, 2, 42856",
        "4, 12, 1000, 3, 74872",
        "40, 80, 1000, 1, 170920",
    })
    void specsChooseTheInlineTable(int key, int value, int max, int cpus, long bytes) {
        MapSpec spec = new MapSpec("c", MapType.PERCPU_HASH, key, value, max, 0);
        assertEquals(bytes, InlineTable.tableBytes(spec, cpus));
        assertEquals(bytes, spec.memoryBytes(cpus), "the --max-map-memory accounting counts rows and planes");
        try (BpfMap m = spec.create(cpus)) {
            assertEquals(InlinePerCpuHashBpfMap.class, m.getClass());
            assertEquals(cpus, m.cpus());
        }
        MapSpec chained = new MapSpec("c", MapType.PERCPU_HASH, key, value, max, MapSpec.F_NO_PREALLOC);
        assertEquals(-1, InlineTable.tableBytes(chained, cpus));
        try (BpfMap m = chained.create(cpus)) {
            assertInstanceOf(HashBpfMap.class, m, "BPF_F_NO_PREALLOC: chained");
        }
    }

    @Test
    void aTableAboveTheCeilingIsChained() {
        // 2M entries of 8 + 2 * 8 bytes at load 0.75: 64 MB, above 64 MiB with the bits; 1M fits.
        MapSpec large = new MapSpec("l", MapType.PERCPU_HASH, 4, 8, 2_100_000, 0);
        assertEquals(-1, InlineTable.tableBytes(large, 2));
        assertTrue(InlineTable.tableBytes(new MapSpec("s", MapType.PERCPU_HASH, 4, 8, 1_000_000, 0), 2) > 0);
        assertEquals(-1, InlineTable.tableBytes(new MapSpec("s", MapType.PERCPU_HASH, 4, 8, 1_000_000, 0), 64),
                "64 slots: 512 value bytes per entry");
    }

    /**
     * Random Java updates (one value or one per slot, every flag), program updates (the test thread's slot),
     * deletes, slot writes through value pointers of every slot, lookups, walks and clears, against a model of
     * per-slot values; a small map so that inserts also fail with E2BIG.
     */
    @ParameterizedTest(name = "{0} slots")
    @ValueSource(ints = {1, 2, 3, 4})
    void randomOperationsMatchAModel(int cpus) {
        long seed = SEED ^ cpus;
        Random r = new Random(seed);
        int max = 40;
        try (BpfMap m = new MapSpec("p", MapType.PERCPU_HASH, 4, 8, max, 0).create(cpus)) {
            assertInstanceOf(InlinePerCpuHashBpfMap.class, m);
            EbpfInterpreter update = new EbpfInterpreter(linked(UPDATE, m), MapHelpers.table(), 1000);
            int mine = CpuSlots.current() % cpus;
            Map<Long, long[]> model = new HashMap<>();
            for (int step = 0; step < 20_000; step++) {
                String where = "seed " + seed + " step " + step;
                long key = r.nextInt(2 * max);
                long[] have = model.get(key);
                long flags = r.nextInt(10) == 0 ? 3 : r.nextInt(3);
                int expect = flags == 3 ? -Errno.EINVAL : have != null && flags == BpfMap.BPF_NOEXIST ? -Errno.EEXIST
                        : have == null && flags == BpfMap.BPF_EXIST ? -Errno.ENOENT
                        : have == null && model.size() >= max ? -Errno.E2BIG : 0;
                switch (r.nextInt(8)) {
                    case 0, 1 -> { // Java update, one value: slot 0 gets it, the others zero
                        long v = r.nextLong();
                        assertEquals(expect, m.update(u32(key), u64(v), flags), where);
                        if (expect == 0) {
                            long[] slots = new long[cpus];
                            slots[0] = v;
                            model.put(key, slots);
                        }
                    }
                    case 2 -> { // Java update, one value per slot
                        long[] slots = new long[cpus];
                        byte[] all = new byte[8 * cpus];
                        for (int c = 0; c < cpus; c++) {
                            slots[c] = r.nextLong();
                            System.arraycopy(u64(slots[c]), 0, all, 8 * c, 8);
                        }
                        assertEquals(expect, m.update(u32(key), all, flags), where);
                        if (expect == 0) {
                            model.put(key, slots);
                        }
                    }
                    case 3 -> { // program update: this thread's slot; a new key's others zero
                        long v = r.nextLong();
                        byte[] pkt = new byte[16];
                        System.arraycopy(u32(key), 0, pkt, 0, 4);
                        System.arraycopy(u64(v), 0, pkt, 4, 8);
                        System.arraycopy(u32(flags), 0, pkt, 12, 4);
                        assertEquals(expect, update.run(pkt, 0, 16, 16), where + " (program)");
                        if (expect == 0) {
                            long[] slots = have != null ? have : new long[cpus];
                            slots[mine] = v;
                            model.put(key, slots);
                        }
                    }
                    case 4 -> { // delete
                        assertEquals(have != null ? 0 : -Errno.ENOENT, m.delete(u32(key)), where);
                        model.remove(key);
                    }
                    case 5 -> { // a program's write through the value pointer of slot c
                        int c = r.nextInt(cpus + 2); // beyond the map's slots: taken modulo
                        long p = m.lookupWord(key, c);
                        assertEquals(have != null, p != 0, where);
                        assertEquals(p, m.lookupStack(u32(key), 0, c, new long[1]), where + " (stack key)");
                        if (have != null) {
                            assertEquals(m.regionId(), MemoryModel.region(p), where);
                            int off = (int) MemoryModel.offset(p);
                            assertEquals(have[c % cpus], m.load(off, 8), where);
                            long v = r.nextLong();
                            m.store(off, 8, v);
                            have[c % cpus] = v;
                        }
                    }
                    case 6 -> check(m, model, cpus, key, where);
                    default -> {
                        if (r.nextInt(40) == 0) {
                            walk(m, model, cpus, where);
                        }
                        if (r.nextInt(500) == 0) {
                            m.clear();
                            model.clear();
                        }
                    }
                }
                assertEquals(model.size(), m.size(), where);
            }
            walk(m, model, cpus, "seed " + seed + " end");
        }
    }

    /** The summed and the per-slot value of {@code key} against the model. */
    private static void check(BpfMap m, Map<Long, long[]> model, int cpus, long key, String where) {
        long[] have = model.get(key);
        byte[] sum = new byte[8];
        byte[] all = new byte[8 * cpus];
        assertEquals(have != null, m.lookup(u32(key), sum), where);
        assertEquals(have != null, m.lookupPerCpu(u32(key), all), where);
        if (have != null) {
            long total = 0;
            for (int c = 0; c < cpus; c++) {
                total += have[c];
                assertEquals(have[c], le(java.util.Arrays.copyOfRange(all, 8 * c, 8 * c + 8)), where + " slot " + c);
            }
            assertEquals(total, le(sum), where + " sum");
        }
    }

    /** {@code nextKey} from null and {@code forEach} see each key once, with its summed value. */
    private static void walk(BpfMap m, Map<Long, long[]> model, int cpus, String where) {
        Set<Long> seen = new HashSet<>();
        byte[] next = new byte[4];
        byte[] cur = null;
        while (m.nextKey(cur, next) == 0) {
            assertTrue(seen.add(le(next)), where + ": key " + le(next) + " twice");
            cur = next.clone();
        }
        assertEquals(model.keySet(), seen, where);
        Map<Long, Long> sums = new HashMap<>();
        m.forEach((k, v) -> sums.put(le(k), le(v)));
        assertEquals(model.size(), sums.size(), where);
        model.forEach((k, slots) -> assertEquals(java.util.Arrays.stream(slots).sum(), (long) sums.get(k),
                where + " key " + k));
        for (long k : model.keySet()) {
            check(m, model, cpus, k, where);
        }
    }

    /**
     * Value sizes that sum in lanes (1, 2, 4 bytes whole; 8-byte lanes; a tail of 4 bytes after the lanes, which
     * the sum leaves as slot 0 has it): the same Java updates on the inline map and the chained one read back
     * the same, summed and per slot.
     */
    @ParameterizedTest(name = "value {0}")
    @ValueSource(ints = {1, 2, 4, 8, 12, 16, 20})
    void sumsInLanesAsTheChainedMap(int valueSize) {
        int cpus = 3;
        Random r = new Random(SEED ^ valueSize);
        try (BpfMap inline = new MapSpec("s", MapType.PERCPU_HASH, 4, valueSize, 16, 0).create(cpus);
                BpfMap chained = new MapSpec("s", MapType.PERCPU_HASH, 4, valueSize, 16, MapSpec.F_NO_PREALLOC)
                        .create(cpus)) {
            for (int step = 0; step < 200; step++) {
                byte[] v = new byte[valueSize * (r.nextBoolean() ? 1 : cpus)];
                r.nextBytes(v);
                byte[] key = u32(r.nextInt(20));
                assertEquals(chained.update(key, v, BpfMap.BPF_ANY), inline.update(key, v, BpfMap.BPF_ANY));
                byte[] a = new byte[valueSize];
                byte[] b = new byte[valueSize];
                assertEquals(chained.lookup(key, b), inline.lookup(key, a));
                assertArrayEquals(b, a, "step " + step);
                byte[] pa = new byte[valueSize * cpus];
                byte[] pb = new byte[valueSize * cpus];
                assertEquals(chained.lookupPerCpu(key, pb), inline.lookupPerCpu(key, pa));
                assertArrayEquals(pb, pa, "step " + step);
            }
        }
    }

    /**
     * The per-CPU counter on the interpreter and on the JIT, each on its own map, from one thread: the same
     * results and the same per-slot values, which are the plain-Java counts; 5 of 12 keys do not fit (E2BIG).
     */
    @Test
    void interpreterAndJitCountAlike() {
        try (BpfMap a = new MapSpec("n", MapType.PERCPU_HASH, 4, 8, 7, 0).create(2);
                BpfMap b = new MapSpec("n", MapType.PERCPU_HASH, 4, 8, 7, 0).create(2)) {
            assertTrue(COUNTER.contains("stxdw [%r0+0], %r1") && !COUNTER.contains("lock"), "a plain add");
            Filter interp = new EbpfInterpreter(linked(COUNTER, a), MapHelpers.table(), 1_000_000);
            Filter jit = JitCompiler.compile(linked(COUNTER, b), MapHelpers.table(), 1_000_000);
            Random r = new Random(SEED);
            Map<Long, Long> counts = new HashMap<>();
            for (int n = 0; n < 5000; n++) {
                long key = r.nextInt(12);
                byte[] pkt = packet(key);
                assertEquals(interp.run(pkt, 0, 4, 4), jit.run(pkt, 0, 4, 4), "packet " + n + " seed " + SEED);
                if (counts.containsKey(key) || counts.size() < 7) {
                    counts.merge(key, 1L, Long::sum);
                }
            }
            int mine = CpuSlots.current() % 2;
            for (long k = 0; k < 12; k++) {
                byte[] pa = new byte[16];
                byte[] pb = new byte[16];
                assertEquals(counts.containsKey(k), a.lookupPerCpu(u32(k), pa), "key " + k);
                assertEquals(counts.containsKey(k), b.lookupPerCpu(u32(k), pb), "key " + k);
                assertArrayEquals(pa, pb, "key " + k);
                if (counts.containsKey(k)) {
                    assertEquals(counts.get(k), le(java.util.Arrays.copyOfRange(pb, 8 * mine, 8 * mine + 8)));
                    assertEquals(counts.get(k), le(b.lookup(u32(k))), "key " + k + ": the other slot is 0");
                }
            }
        }
    }

    /**
     * Two threads in two slots count the same keys with the JIT-compiled per-CPU counter (a plain load, add and
     * store: no atomic): every count lands in its thread's slot, and the Java sum is exact.
     */
    @Test
    void twoThreadsInTheirOwnSlotsLoseNoCounts() throws Exception {
        Assumptions.assumeTrue(CpuSlots.count() >= 2,
                "one CPU slot (weir.cpus or the available processors is 1): two threads share it");
        int keys = 512;
        int packets = 200_000;
        try (BpfMap m = new MapSpec("two", MapType.PERCPU_HASH, 4, 8, keys, 0).create()) {
            Filter jit = JitCompiler.compile(linked(COUNTER, m), MapHelpers.table(), 1_000_000);
            long[] expected = new long[keys];
            for (int n = 0; n < packets; n++) {
                expected[key(n, keys)]++;
            }
            AtomicReference<Throwable> error = new AtomicReference<>();
            CyclicBarrier go = new CyclicBarrier(2);
            int[] slots = new int[2];
            Thread[] ts = new Thread[2];
            for (int t = 0; t < 2; t++) {
                int me = t;
                CountDownLatch placed = new CountDownLatch(1);
                ts[t] = new Thread(() -> {
                    slots[me] = CpuSlots.current();
                    placed.countDown();
                    try {
                        go.await();
                        for (int n = 0; n < packets; n++) {
                            byte[] pkt = packet(key(n, keys));
                            jit.run(pkt, 0, 4, 4);
                        }
                    } catch (Throwable e) {
                        error.set(e);
                    }
                });
                // Slots are given round-robin as threads first ask: one after the other, the two differ.
                ts[t].start();
                placed.await();
            }
            for (Thread t : ts) {
                t.join();
            }
            assertNull(error.get(), () -> String.valueOf(error.get()));
            assertNotEquals(slots[0], slots[1], "two threads started one after the other share a slot");
            byte[] all = new byte[8 * m.cpus()];
            long total = 0;
            for (int k = 0; k < keys; k++) {
                assertEquals(expected[k] > 0, m.lookupPerCpu(u32(k), all), "key " + k);
                for (int t = 0; t < 2; t++) {
                    assertEquals(expected[k], le(java.util.Arrays.copyOfRange(all, 8 * slots[t], 8 * slots[t] + 8)),
                            "key " + k + " slot " + slots[t]);
                }
                long sum = expected[k] > 0 ? le(m.lookup(u32(k))) : 0;
                assertEquals(2 * expected[k], sum, "key " + k);
                total += sum;
            }
            assertEquals(2L * packets, total);
        }
    }

    /** Packet {@code n}'s key: scattered over the keys, the same sequence on both threads. */
    private static int key(int n, int keys) {
        return (int) (((n * 0x9E3779B1L) >>> 7) % keys);
    }
}
