package io.weir.engine.maps;

import static io.weir.engine.maps.MapTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code HashBpfMap.forEach} walks the buckets directly: the same entries, in the same order and with the same
 * (per-CPU: summed) values as the general walk by {@link BpfMap#nextKey} and {@link BpfMap#lookup}; and a walk
 * that deletes as it goes still sees every entry that stays exactly once.
 */
class HashWalkTest {

    private static List<String> generalWalk(BpfMap m) {
        List<String> out = new ArrayList<>();
        byte[] key = new byte[m.keySize()];
        byte[] next = new byte[m.keySize()];
        byte[] value = new byte[m.valueSize()];
        byte[] cur = null;
        while (m.nextKey(cur, next) == 0) {
            System.arraycopy(next, 0, key, 0, key.length);
            assertTrue(m.lookup(key, value));
            out.add(HexFormat.of().formatHex(key) + "=" + HexFormat.of().formatHex(value));
            cur = key;
        }
        return out;
    }

    @ParameterizedTest(name = "{0}, key {1}, value {2}, {3} entries")
    @CsvSource({"hash, 4, 8, 3000", "lru_hash, 4, 8, 700", "percpu_hash, 4, 8, 500", "hash, 40, 80, 1500",
            "hash, 3, 12, 2000", "hash, 16, 4, 0"})
    void directWalkEqualsTheGeneralOne(String typeName, int keySize, int valueSize, int entries) {
        MapType type = MapType.valueOf(typeName.toUpperCase(java.util.Locale.ROOT));
        try (BpfMap m = new MapSpec("w", type, keySize, valueSize, Math.max(1, entries), 0).create(3)) {
            for (int i = 0; i < entries; i++) {
                byte[] k = new byte[keySize];
                byte[] v = new byte[valueSize * (i % 2 == 1 && m.cpus() > 1 ? m.cpus() : 1)]; // per-CPU: some per slot
                for (int b = 0; b < keySize; b++) {
                    k[b] = (byte) ((i * 131 + b * 7) >>> (b % 2 == 0 ? 0 : 8));
                }
                k[0] = (byte) i;
                k[keySize - 1] ^= (byte) (i >>> 8);
                for (int b = 0; b < v.length; b++) {
                    v[b] = (byte) (i + b);
                }
                m.update(k, v, BpfMap.BPF_ANY);
            }
            List<String> direct = new ArrayList<>();
            m.forEach((k, v) -> direct.add(HexFormat.of().formatHex(k) + "=" + HexFormat.of().formatHex(v)));
            assertEquals(generalWalk(m), direct);
            assertEquals(m.size(), direct.size());
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"hash", "lru_hash"})
    void deletingWhileWalkingSeesEveryStayingEntryOnce(String typeName) {
        MapType type = MapType.valueOf(typeName.toUpperCase(java.util.Locale.ROOT));
        try (BpfMap m = new MapSpec("w", type, 4, 8, 4096, 0).create()) {
            for (int k = 0; k < 4000; k++) {
                m.update(u32(k), u64(k), BpfMap.BPF_ANY);
            }
            int[] seen = new int[4000];
            m.forEach((k, v) -> {
                int key = (int) le(k);
                seen[key]++;
                assertEquals(key, le(v));
                if (key % 2 == 0) {
                    m.delete(u32(key ^ 2)); // deletes entries ahead of and behind the walk
                }
            });
            for (int k = 1; k < 4000; k += 2) {
                assertEquals(1, seen[k], "odd key " + k + " stays in the map");
            }
            for (int k = 0; k < 4000; k += 2) {
                assertTrue(seen[k] <= 1, "key " + k + " seen twice");
            }
        }
    }
}
