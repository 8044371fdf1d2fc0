package io.weir.engine.maps;

import static io.weir.engine.maps.BpfMap.*;
import static io.weir.engine.maps.MapTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HashBpfMapTest {

    /** Both hash tables: open addressing with values inline (flags 0), chained (BPF_F_NO_PREALLOC). */
    private static BpfMap hash(int max, int flags) {
        BpfMap m = new MapSpec("h", MapType.HASH, 4, 8, max, flags).create();
        assertEquals(flags == 0 ? InlineHashBpfMap.class : HashBpfMap.class, m.getClass());
        return m;
    }

    @ParameterizedTest(name = "flags {0}")
    @ValueSource(ints = {0, MapSpec.F_NO_PREALLOC})
    void updateFlagsAsLinux(int flags) {
        try (BpfMap m = hash(4, flags)) {
            // {flags, key, value, expected result, expected value after (or -1 when absent)}
            long[][] steps = {
                {BPF_EXIST, 1, 10, -Errno.ENOENT, -1},
                {BPF_NOEXIST, 1, 11, 0, 11},
                {BPF_NOEXIST, 1, 12, -Errno.EEXIST, 11},
                {BPF_EXIST, 1, 13, 0, 13},
                {BPF_ANY, 1, 14, 0, 14},
                {BPF_ANY, 2, 20, 0, 20},
                {3, 2, 21, -Errno.EINVAL, 20},
                {4, 2, 21, -Errno.EINVAL, 20},
            };
            for (long[] s : steps) {
                assertEquals(s[3], m.update(u32(s[1]), u64(s[2]), s[0]), "step " + java.util.Arrays.toString(s));
                byte[] v = m.lookup(u32(s[1]));
                assertEquals(s[4], v == null ? -1 : le(v), "value after " + java.util.Arrays.toString(s));
            }
        }
    }

    @ParameterizedTest(name = "flags {0}")
    @ValueSource(ints = {0, MapSpec.F_NO_PREALLOC})
    void fullMapRefusesNewKeysButUpdatesOldOnes(int flags) {
        try (BpfMap m = hash(3, flags)) {
            for (int k = 0; k < 3; k++) {
                assertEquals(0, m.update(u32(k), u64(k), BPF_ANY));
            }
            assertEquals(-Errno.E2BIG, m.update(u32(9), u64(9), BPF_ANY));
            assertEquals(-Errno.E2BIG, m.update(u32(9), u64(9), BPF_NOEXIST));
            assertEquals(0, m.update(u32(1), u64(100), BPF_ANY));
            assertEquals(0, m.update(u32(1), u64(101), BPF_EXIST));
            assertEquals(0, m.delete(u32(0)));
            assertEquals(-Errno.ENOENT, m.delete(u32(0)));
            assertEquals(0, m.update(u32(9), u64(9), BPF_NOEXIST));
            assertEquals(3, m.size());
        }
    }

    @ParameterizedTest(name = "flags {0}")
    @ValueSource(ints = {0, MapSpec.F_NO_PREALLOC})
    void randomOperationsAgreeWithJavaHashMap(int flags) {
        long seed = 0x5eed_1234L;
        Random r = new Random(seed);
        int max = 64;
        try (BpfMap m = hash(max, flags)) {
            Map<Long, Long> ref = new HashMap<>();
            for (int step = 0; step < 20_000; step++) {
                long key = r.nextInt(100);
                long value = r.nextLong();
                int op = r.nextInt(5);
                String where = "seed " + seed + " step " + step;
                if (op < 3) {
                    long how = op;
                    int expected;
                    boolean exists = ref.containsKey(key);
                    if (how == BPF_NOEXIST && exists) {
                        expected = -Errno.EEXIST;
                    } else if (how == BPF_EXIST && !exists) {
                        expected = -Errno.ENOENT;
                    } else if (!exists && ref.size() >= max) {
                        expected = -Errno.E2BIG;
                    } else {
                        expected = 0;
                        ref.put(key, value);
                    }
                    assertEquals(expected, m.update(u32(key), u64(value), how), where);
                } else if (op == 3) {
                    assertEquals(ref.remove(key) != null ? 0 : -Errno.ENOENT, m.delete(u32(key)), where);
                } else {
                    byte[] v = m.lookup(u32(key));
                    Long expected = ref.get(key);
                    assertEquals(expected, v == null ? null : le(v), where);
                }
                assertEquals(ref.size(), m.size(), where);
            }
            Map<Long, Long> walked = new HashMap<>();
            m.forEach((k, v) -> assertNull(walked.put(le(k), le(v)), "key seen twice"));
            assertEquals(ref, walked, "seed " + seed);
        }
    }

    @ParameterizedTest(name = "flags {0}")
    @ValueSource(ints = {0, MapSpec.F_NO_PREALLOC})
    void nextKeyWalkSurvivesDeletes(int flags) {
        try (BpfMap m = hash(100, flags)) {
            for (int k = 0; k < 50; k++) {
                m.update(u32(k), u64(k), BPF_ANY);
            }
            Set<Long> seen = new HashSet<>();
            byte[] key = null;
            byte[] next = new byte[4];
            int steps = 0;
            while (m.nextKey(key, next) == 0 && steps++ < 1000) {
                long k = le(next);
                seen.add(k);
                // Delete the key we stand on: the next call restarts from the first key, as Linux does.
                if (k % 2 == 0) {
                    assertEquals(0, m.delete(next));
                }
                key = next.clone();
            }
            for (long k = 1; k < 50; k += 2) {
                assertTrue(seen.contains(k), "odd key " + k + " kept in the map was walked");
            }
            assertEquals(25, m.size());
            assertTrue(steps < 1000, "walk ended");
        }
    }

    @ParameterizedTest(name = "flags {0}")
    @ValueSource(ints = {0, MapSpec.F_NO_PREALLOC})
    void clearEmptiesAndLookupMisses(int flags) {
        try (BpfMap m = hash(8, flags)) {
            m.update(u32(1), u64(1), BPF_ANY);
            m.clear();
            assertEquals(0, m.size());
            assertNull(m.lookup(u32(1)));
            assertEquals(-Errno.ENOENT, m.nextKey(null, new byte[4]));
            assertThrows(MapException.class, () -> m.lookup(new byte[3]));
        }
    }

    @Test
    void lruEvictsLeastRecentlyUsed() {
        try (BpfMap m = new MapSpec("l", MapType.LRU_HASH, 4, 8, 4, 0).create()) {
            for (int k = 1; k <= 4; k++) {
                assertEquals(0, m.update(u32(k), u64(k), BPF_ANY));
            }
            // Order (oldest first): 1 2 3 4. A program lookup of 1 marks it referenced.
            EvictionProbe.touch(m, 1);
            assertEquals(0, m.update(u32(5), u64(5), BPF_NOEXIST)); // evicts 2: 1 had a second chance
            assertNull(m.lookup(u32(2)));
            assertEquals(0, m.update(u32(3), u64(33), BPF_EXIST)); // 3 becomes the most recent
            assertEquals(0, m.update(u32(6), u64(6), BPF_ANY)); // evicts 4
            assertNull(m.lookup(u32(4)));
            List<Long> keys = new ArrayList<>();
            m.forEach((k, v) -> keys.add(le(k)));
            keys.sort(null);
            assertEquals(List.of(1L, 3L, 5L, 6L), keys);
            assertEquals(4, m.size());
        }
    }
}
