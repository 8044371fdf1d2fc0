package io.weir.engine.maps;

import static io.weir.engine.maps.MapTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import io.weir.engine.Filter;
import io.weir.engine.ebpf.Assembler;
import io.weir.engine.ebpf.EbpfInterpreter;
import io.weir.engine.ebpf.Program;
import io.weir.engine.ebpf.ProgramType;
import io.weir.engine.jit.JitCompiler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code lru_hash} on inline rows ({@link InlineLruHashBpfMap}) and chained ({@link HashBpfMap}, above the
 * inline ceiling): the same LRU policy ({@link LruModel}) for both, a packed (4-byte), a two-word (12) and a wide
 * (40) key; eviction of an unreferenced entry before a referenced one by a program on the interpreter and the
 * JIT; lookups that mark entries while another thread evicts.
 */
class InlineLruHashBpfMapTest {
    private static final long SEED = Long.getLong("weir.seed", 0x17A_5EEDL);

    enum Table { INLINE, CHAINED }

    static BpfMap lru(Table table, int keySize, int max) {
        return lru(table, keySize, max, 0);
    }

    static BpfMap lru(Table table, int keySize, int max, int flags) {
        MapSpec spec = new MapSpec("lru", MapType.LRU_HASH, keySize, 8, max, flags);
        BpfMap m = table == Table.INLINE ? spec.create() : new HashBpfMap(spec, 1);
        assertEquals(table == Table.INLINE ? InlineLruHashBpfMap.class : HashBpfMap.class, m.getClass());
        return m;
    }

    /** Key {@code k} as {@code size} bytes: its little-endian bytes, then bytes that depend on it (wide keys). */
    static byte[] key(long k, int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = i < 8 ? (byte) (k >>> (i << 3)) : (byte) (k * 31 + i);
        }
        return b;
    }

    /** A program's lookup of key {@code k} (marks it), through the stack-key path the JIT takes. */
    static boolean touch(BpfMap m, long k) {
        byte[] stack = new byte[16 + m.keySize()];
        System.arraycopy(key(k, m.keySize()), 0, stack, 8, m.keySize());
        return m.lookupStack(stack, 8, 0, new long[8]) != 0;
    }

    static Stream<Arguments> tablesAndKeys() {
        List<Arguments> out = new ArrayList<>();
        for (Table t : Table.values()) {
            for (int k : new int[] {4, 12, 40}) {
                out.add(Arguments.of(t, k));
            }
        }
        return out.stream();
    }

    /**
     * Scenarios on a 3-entry map: {@code +k} insert (NOEXIST), {@code =k} update (EXIST), {@code !k} NOEXIST on an
     * existing key (EEXIST, nothing changes), {@code ~k} EXIST on a missing key (ENOENT), {@code ?k} program
     * lookup, {@code jk} Java lookup, {@code -k} delete; then the keys left.
     */
    static final String[][] SCENARIOS = {
        {"+1 +2 +3 +4", "2 3 4"},
        {"+1 +2 +3 ?1 +4", "1 3 4"},
        {"+1 +2 +3 ?1 +4 +5", "1 4 5"},
        {"+1 +2 +3 ?1 +4 +5 +6", "4 5 6"},
        {"+1 +2 +3 ?1 ?2 ?3 +4", "2 3 4"},
        {"+1 +2 +3 j1 +4", "2 3 4"},
        {"+1 +2 +3 =1 +4", "1 3 4"},
        {"+1 +2 +3 =1 +4 +5", "1 4 5"},
        {"+1 +2 +3 !1 +4", "2 3 4"},
        {"+1 +2 ~3 +3 +4", "2 3 4"},
        {"+1 +2 +3 -2 +4", "1 3 4"},
        {"+1 +2 +3 -2 +4 +5", "3 4 5"},
        {"+1 +2 +3 ?2 -2 +2 +4", "2 3 4"},
        {"+1 +2 +3 ?9 +4", "2 3 4"},
    };

    @ParameterizedTest(name = "{0}, key {1}")
    @MethodSource("tablesAndKeys")
    void scenariosFollowTheLruPolicy(Table table, int keySize) {
        for (String[] sc : SCENARIOS) {
            try (BpfMap m = lru(table, keySize, 3)) {
                for (String op : sc[0].split(" ")) {
                    long k = Long.parseLong(op.substring(1));
                    byte[] kb = key(k, keySize);
                    String where = sc[0] + ": " + op;
                    switch (op.charAt(0)) {
                        case '+' -> assertEquals(0, m.update(kb, u64(k), BpfMap.BPF_NOEXIST), where);
                        case '=' -> assertEquals(0, m.update(kb, u64(k), BpfMap.BPF_EXIST), where);
                        case '!' -> assertEquals(-Errno.EEXIST, m.update(kb, u64(k), BpfMap.BPF_NOEXIST), where);
                        case '~' -> assertEquals(-Errno.ENOENT, m.update(kb, u64(k), BpfMap.BPF_EXIST), where);
                        case '?' -> touch(m, k);
                        case 'j' -> assertNotNull(m.lookup(kb), where);
                        case '-' -> assertEquals(0, m.delete(kb), where);
                        default -> fail("bad op " + op);
                    }
                }
                Set<Long> left = new TreeSet<>();
                m.forEach((k, v) -> left.add(le(v)));
                Set<Long> want = new TreeSet<>();
                for (String k : sc[1].split(" ")) {
                    want.add(Long.parseLong(k));
                }
                assertEquals(want, left, sc[0]);
            }
        }
    }

    /** Seeded random operations against {@link LruModel}: the same results, contents and evictions. */
    @ParameterizedTest(name = "{0}, key {1}")
    @MethodSource("tablesAndKeys")
    void randomOperationsAgreeWithTheModel(Table table, int keySize) {
        Random r = new Random(SEED ^ keySize ^ table.ordinal());
        int max = 24;
        try (BpfMap m = lru(table, keySize, max)) {
            LruModel model = new LruModel(max);
            byte[] value = new byte[8];
            for (int step = 0; step < 12_000; step++) {
                long k = r.nextInt(48);
                String where = "seed " + SEED + " step " + step + " key " + k;
                byte[] kb = key(k, keySize);
                int op = r.nextInt(10);
                if (op < 4) {
                    long flags = r.nextInt(3);
                    long v = r.nextLong();
                    assertEquals(model.update(k, v, flags), m.update(kb, u64(v), flags), where);
                } else if (op < 7) {
                    assertEquals(model.touch(k), touch(m, k), where);
                } else if (op < 8) {
                    Long want = model.get(k);
                    assertEquals(want != null, m.lookup(kb, value), where);
                    if (want != null) {
                        assertEquals(want, le(value), where);
                    }
                } else if (op < 9) {
                    assertEquals(model.delete(k), m.delete(kb), where);
                } else {
                    assertEquals(model.contents(), walk(m, keySize), where);
                }
                assertEquals(model.contents().size(), m.size(), where);
            }
            assertEquals(model.contents(), walk(m, keySize), "seed " + SEED);
        }
    }

    /** The map's contents by a {@code nextKey} walk (each key once), values read through the Java API. */
    private static Map<Long, Long> walk(BpfMap m, int keySize) {
        Map<Long, Long> out = new HashMap<>();
        byte[] cur = null;
        byte[] next = new byte[keySize];
        byte[] value = new byte[8];
        while (m.nextKey(cur, next) == 0) {
            assertTrue(m.lookup(next, value));
            assertNull(out.put(le(next), le(value)), "seen twice");
            cur = next.clone();
        }
        return out;
    }

    /**
     * Reads {@code key_size} bytes of the packet as the key; when the key is in the map, adds 1 to its value
     * and returns 1, else returns 0.
     */
    static String touchProgram(int keySize) {
        StringBuilder copy = new StringBuilder();
        for (int j = 0; j < keySize; j++) {
            copy.append("ldxb %r5, [%r2+").append(j).append("]\n");
            copy.append("stxb [%r10-").append(64 - j).append("], %r5\n");
        }
        return String.join("\n",
                "ldxw %r2, [%r1+76]",
                "ldxw %r3, [%r1+80]",
                "mov %r4, %r2",
                "add %r4, " + keySize,
                "jgt %r4, %r3, out",
                copy.toString().strip(),
                "lddw %r1, map_by_fd(0)",
                "mov %r2, %r10",
                "add %r2, -64",
                "call 1",
                "jeq %r0, 0, out",
                "mov %r1, 1",
                "lock add [%r0+0], %r1",
                "mov %r0, 1",
                "exit",
                "out:",
                "mov %r0, 0",
                "exit");
    }

    static Stream<Arguments> enginesTablesAndKeys() {
        List<Arguments> out = new ArrayList<>();
        for (String engine : new String[] {"interpreter", "jit"}) {
            tablesAndKeys().forEach(a -> out.add(Arguments.of(engine, a.get()[0], a.get()[1])));
        }
        return out.stream();
    }

    /**
     * A full map whose entries a program has looked up, all but one: a new key evicts that one, wherever it is
     * in the order, and the referenced ones keep their counts.
     */
    @ParameterizedTest(name = "{0}, {1}, key {2}")
    @MethodSource("enginesTablesAndKeys")
    void aFullMapEvictsAnUnreferencedEntryBeforeReferencedOnes(String engine, Table table, int keySize) {
        int max = 16;
        Random r = new Random(SEED ^ keySize);
        for (int round = 0; round < 4; round++) {
            int victim = r.nextInt(max);
            try (BpfMap m = lru(table, keySize, max)) {
                Program p = MapLinker.link(Assembler.assemble(touchProgram(keySize), ProgramType.SOCKET), List.of(m));
                Filter f = engine.equals("jit") ? JitCompiler.compile(p, MapHelpers.table(), 10_000)
                        : new EbpfInterpreter(p, MapHelpers.table(), 10_000);
                for (int k = 0; k < max; k++) {
                    assertEquals(0, m.update(key(k, keySize), u64(0), BpfMap.BPF_NOEXIST));
                }
                for (int k = 0; k < max; k++) {
                    byte[] pkt = key(k, keySize);
                    if (k != victim) {
                        assertEquals(1, f.run(pkt, 0, pkt.length, pkt.length), "key " + k);
                    }
                }
                assertEquals(0, m.update(key(100, keySize), u64(0), BpfMap.BPF_NOEXIST));
                String where = "seed " + SEED + " victim " + victim;
                assertNull(m.lookup(key(victim, keySize)), where);
                for (int k = 0; k < max; k++) {
                    if (k != victim) {
                        assertEquals(1, le(m.lookup(key(k, keySize))), where + " key " + k);
                    }
                }
                assertEquals(max, m.size(), where);
            }
        }
    }

    /**
     * One thread looks keys up as a program does (marking them) while another inserts new keys into the full
     * map (evicting, clearing marks): a mark never brings back a deleted row or breaks the list, the map stays
     * at max entries with each key once, and every value is its key's.
     */
    @ParameterizedTest(name = "key {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {4, 12})
    void marksRacingWithEvictionsKeepTheTableWhole(int keySize) throws Exception {
        int max = 256;
        try (BpfMap m = lru(Table.INLINE, keySize, max)) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> error = new AtomicReference<>();
            java.util.concurrent.atomic.AtomicLong inserted = new java.util.concurrent.atomic.AtomicLong();
            Thread marker = new Thread(() -> {
                Random r = new Random(SEED);
                try {
                    while (!stop.get()) {
                        long newest = inserted.get();
                        touch(m, Math.max(0, newest - r.nextInt(2 * max)));
                    }
                } catch (Throwable e) {
                    error.set(e);
                }
            });
            marker.start();
            try {
                for (long k = 0; k < 60_000; k++) {
                    assertEquals(0, m.update(key(k, keySize), u64(k * 3), BpfMap.BPF_NOEXIST), "key " + k);
                    inserted.set(k);
                }
            } finally {
                stop.set(true);
                marker.join();
            }
            assertNull(error.get(), () -> String.valueOf(error.get()));
            assertEquals(max, m.size());
            Map<Long, Long> left = walk(m, keySize);
            assertEquals(max, left.size());
            left.forEach((k, v) -> assertEquals(k * 3, v, "key " + k));
            assertTrue(left.containsKey(59_999L), "the newest key stays");
            // Whatever the marks left, the next inserts evict only what the list holds: the map turns over whole.
            for (long k = 100_000; k < 100_000 + 2 * max; k++) {
                assertEquals(0, m.update(key(k, keySize), u64(k * 3), BpfMap.BPF_NOEXIST));
            }
            Set<Long> keys = new HashSet<>(walk(m, keySize).keySet());
            assertEquals(max, keys.size());
            keys.forEach(k -> assertTrue(k >= 100_000 + max, "key " + k + " older than the last turnover"));
        }
    }

    /**
     * Under eviction churn a miss (a new flow's first lookup) reads its home row and the rows its hops and far
     * bound name: about 2.3 rows at load 0.75. A walk to the first empty row with tombstones for deletes took
     * about 270 rows once churn had turned every free row into a tombstone, and a walk to a per-home bound 5.
     */
    @ParameterizedTest(name = "key {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {4, 12})
    void evictionChurnKeepsMissesShort(int keySize) {
        int max = 2000;
        // A fixed hash seed: the average depends on where the keys land, and a random seed made it flaky
        // (3.82 rows once in several runs, when a saturated far bound counted as the farthest row).
        try (BpfMap map = lru(Table.INLINE, keySize, max, MapSpec.F_ZERO_SEED)) {
            InlineLruHashBpfMap m = (InlineLruHashBpfMap) map;
            for (long k = 0; k < 40L * max; k++) {
                assertFalse(touch(m, k), "key " + k);
                assertEquals(0, m.update(key(k, keySize), u64(k), BpfMap.BPF_NOEXIST), "key " + k);
            }
            double rows = m.missRows();
            assertTrue(rows < 3.5, "a miss reads " + rows + " rows on average; longest distance " + m.maxProbe());
            for (long k = 39L * max; k < 40L * max; k++) {
                assertEquals(k, le(m.lookup(key(k, keySize))), "key " + k);
            }
            for (long k = 38L * max; k < 39L * max; k++) {
                assertNull(m.lookup(key(k, keySize)), "evicted key " + k);
            }
        }
    }

    @Test
    void theSpecChoosesTheTableByItsSize() {
        // 4-byte key, 8-byte value: rows of 16 bytes plus 8 of links and a bit, 4/3 rows per entry.
        MapSpec small = new MapSpec("s", MapType.LRU_HASH, 4, 8, 1_000_000, 0);
        assertEquals(1_333_334L * 24 + 20_834 * 8, small.memoryBytes(1), "32.2 bytes per entry");
        try (BpfMap m = new MapSpec("s", MapType.LRU_HASH, 4, 8, 1000, 0).create()) {
            assertInstanceOf(InlineLruHashBpfMap.class, m);
        }
        MapSpec large = new MapSpec("l", MapType.LRU_HASH, 4, 8, 3_000_000, 0);
        assertEquals(-1, InlineTable.tableBytes(large), "above 64 MiB: chained");
        try (BpfMap m = new MapSpec("l", MapType.LRU_HASH, 4, 64, 2_000_000, 0).create()) {
            assertInstanceOf(HashBpfMap.class, m, "rows of 80 bytes for 2M entries: chained");
        }
    }
}
