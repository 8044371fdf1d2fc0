package io.weir.engine.maps;

import static io.weir.engine.maps.MapTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import io.weir.engine.ebpf.EbpfMemory;
import io.weir.engine.ebpf.MemoryModel;
import io.weir.engine.ebpf.ProgramType;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What the open-addressing {@code hash} adds to the shared map semantics ({@link HashBpfMapTest} and the
 * concurrency tests run on both tables): which specs get it, its memory, deletes that neither lose keys nor
 * lengthen probes, rows that never move under a program's pointer, the key-size-specialised lookups, and value
 * bounds that keep programs off the state and key words.
 */
class InlineHashBpfMapTest {

    /**
     * A value_size near 2^31 overflowed the row arithmetic into a small (negative) table size, which passed the
     * loader's memory ceiling and then allocated without bound (a Jazzer out-of-memory finding on the ELF loader).
     */
    @org.junit.jupiter.api.Test
    void hugeValuesAreNeitherInlineNorCheap() {
        for (int value : new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE - 3, 1 << 30}) {
            MapSpec spec = new MapSpec("v", MapType.HASH, 4, value, 1, 0);
            assertEquals(-1, InlineHashBpfMap.tableBytes(spec), "value_size " + value);
            org.junit.jupiter.api.Assertions.assertTrue(spec.memoryBytes(1) >= value, "value_size " + value);
        }
    }

    @ParameterizedTest(name = "{0} key {1} value {2} max {3} flags {4}")
    @CsvSource({
        // type, key, value, max, flags, inline?, bytes (inline: rows * row bytes, LRU: + 8 link bytes per row; a bit a row)
        "hash, 4, 8, 1000, 0, true, 21512",
        "hash, 4, 8, 1000000, 0, true, 21500016",
        "hash, 8, 8, 1000000, 0, true, 32166688",
        "hash, 5, 4, 1000, 0, true, 32184",
        "hash, 40, 80, 1000, 0, true, 170920",
        "hash, 4, 8, 3, 0, true, 72",
        "hash, 4, 8, 1000, 1, false, -1",
        "hash, 4, 8, 10000000, 0, false, -1",
        "lru_hash, 4, 8, 1000, 0, true, 32184",
        "lru_hash, 40, 80, 262145, 0, true, 47579368",
        "lru_hash, 4, 8, 3000000, 0, false, -1",
        "percpu_hash, 4, 8, 1000, 1, false, -1",
    })
    void specsChooseTheirTable(String typeName, int key, int value, int max, int flags, boolean inline, long bytes) {
        MapType type = MapType.valueOf(typeName.toUpperCase(java.util.Locale.ROOT));
        MapSpec spec = new MapSpec("c", type, key, value, max, flags);
        assertEquals(inline ? bytes : -1, InlineHashBpfMap.tableBytes(spec));
        if (inline) {
            assertEquals(bytes, spec.memoryBytes(1), "the --max-map-memory accounting counts the rows");
            try (BpfMap m = spec.create(2)) {
                assertEquals(type == MapType.LRU_HASH ? InlineLruHashBpfMap.class : InlineHashBpfMap.class, m.getClass());
            }
        } else if (max <= 1_000_000) {
            try (BpfMap m = spec.create(2)) {
                assertInstanceOf(HashBpfMap.class, m);
            }
        }
    }

    @Test
    void deletesNeitherLoseKeysNorLengthenProbes() {
        long seed = 0x70b5_7073L;
        Random r = new Random(seed);
        int max = 1000;
        try (InlineHashBpfMap m = (InlineHashBpfMap) new MapSpec("t", MapType.HASH, 4, 8, max, 0).create()) {
            Map<Long, Long> ref = new HashMap<>();
            long fresh = 0;
            // Flow-like churn: new keys arrive, old ones leave; 300 full turnovers of the table.
            for (int step = 0; step < 300_000; step++) {
                String where = "seed " + seed + " step " + step;
                if (ref.size() < 700 || ref.size() < 900 && r.nextBoolean()) {
                    long k = fresh++;
                    assertEquals(0, m.update(u32(k), u64(k * 3), BpfMap.BPF_NOEXIST), where);
                    ref.put(k, k * 3);
                } else {
                    long k = fresh - 1 - r.nextInt((int) Math.min(fresh, 2000));
                    assertEquals(ref.remove(k) != null ? 0 : -Errno.ENOENT, m.delete(u32(k)), where);
                }
                if (step % 97 == 0) {
                    long k = fresh - 1 - r.nextInt((int) Math.min(fresh, 3000));
                    byte[] v = m.lookup(u32(k));
                    assertEquals(ref.get(k), v == null ? null : le(v), where);
                }
            }
            assertEquals(ref.size(), m.size());
            for (Map.Entry<Long, Long> e : ref.entrySet()) {
                assertEquals(e.getValue(), le(m.lookup(u32(e.getKey()))), "seed " + seed + " key " + e.getKey());
            }
            // Probes depend on the live load (at most 0.675 here), not on the 300k deletes behind it: inserts take the
            // first row without a key, and a lookup reads only its home and the rows its home names.
            assertTrue(m.maxProbe() < 128, "seed " + seed + ": farthest key " + m.maxProbe());
            assertTrue(m.missRows() < 3, "seed " + seed + ": a miss reads " + m.missRows() + " rows");
        }
    }

    @Test
    void rowsNeverMoveUnderAProgramsPointer() {
        try (BpfMap m = new MapSpec("p", MapType.HASH, 4, 8, 256, 0).create()) {
            m.update(u32(7), u64(70), BpfMap.BPF_ANY);
            long p = m.lookupWord(7, 0);
            int off = (int) MemoryModel.offset(p);
            for (int k = 100; k < 5000; k++) {
                assertEquals(0, m.update(u32(k), u64(k), BpfMap.BPF_ANY));
                if (k >= 300) {
                    assertEquals(0, m.delete(u32(k - 200)));
                }
                m.atomic(off, 8, io.weir.engine.ebpf.ExternalRegion.ATOMIC_ADD, 1, 0);
            }
            assertEquals(p, m.lookupWord(7, 0));
            assertEquals(70 + 4900, le(m.lookup(u32(7))));
        }
    }

    @ParameterizedTest(name = "key {0}")
    @CsvSource({"1", "3", "4", "8", "12", "16", "40"})
    void specialisedLookupsAgreeWithTheGeneralOne(int keySize) {
        try (BpfMap m = new MapSpec("k", MapType.HASH, keySize, 8, 512, 0).create()) {
            byte[] stack = new byte[64 + keySize];
            long[] scratch = new long[8];
            EbpfMemory mem = new EbpfMemory();
            mem.reset(ProgramType.SOCKET, new byte[1], 0, 1, 1, false, 64);
            for (int i = 0; i < (keySize == 1 ? 256 : 300); i++) {
                byte[] k = new byte[keySize];
                for (int b = 0; b < keySize; b++) {
                    k[b] = (byte) ((i * 37 + b * 11) >>> (b % 3));
                }
                k[0] = (byte) i;
                boolean present = i % 3 != 0;
                if (present) {
                    m.update(k, u64(i), BpfMap.BPF_NOEXIST);
                }
                System.arraycopy(k, 0, stack, 17, keySize);
                long viaStack = m.lookupStack(stack, 17, 0, scratch);
                assertEquals(present, viaStack != 0, "key " + i);
                if (present) {
                    assertEquals(i, m.load((int) MemoryModel.offset(viaStack), 8), "key " + i);
                }
                if (m.wordKeyed()) {
                    assertEquals(viaStack, m.lookupWord(le(k), 0), "key " + i);
                }
                long addr = MemoryModel.pointer(MemoryModel.REGION_STACK, MemoryModel.STACK_SIZE - 64);
                for (int b = 0; b < keySize; b++) {
                    mem.store(addr + b, 1, k[b]);
                }
                assertEquals(viaStack, m.lookupPointer(mem, addr), "key " + i);
            }
        }
    }

    @Test
    void programsReachOnlyValueWords() {
        try (BpfMap m = new MapSpec("b", MapType.HASH, 4, 12, 64, MapSpec.F_ZERO_SEED).create()) {
            m.update(u32(1), new byte[12], BpfMap.BPF_ANY);
            int off = (int) MemoryModel.offset(m.lookupWord(1, 0));
            // Row: state with the packed key (8), value (12 of 16): the state, the padding and the next row's state
            // fault; the value does not.
            for (int d : new int[] {-8, -4, 12, 16, 20}) {
                assertThrows(EbpfMemory.Fault.class, () -> m.load(off + d, 4), "at value + " + d);
            }
            m.store(off + 8, 4, 0xabcd);
            assertEquals(0xabcd, m.load(off + 8, 4));
            assertEquals(0xabcdL << 32, m.load(off, 8) | m.load(off + 8, 4) << 32);
        }
    }
}
