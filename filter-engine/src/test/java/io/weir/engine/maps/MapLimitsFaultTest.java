package io.weir.engine.maps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Maps filled to {@code max_entries}, then hammered with updates of new keys: each fails with Linux's errno (a
 * hash map: E2BIG; an array: E2BIG past its end, EEXIST for BPF_NOEXIST) or, for an LRU map, evicts; the map
 * never holds more than its maximum and the failing updates allocate nothing (preallocated storage only).
 */
class MapLimitsFaultTest {
    private static final int MAX = 1000;
    private static final int ATTEMPTS = 200_000;
    /** Allowance for the measurement itself (the MXBean call, JIT compilation on this thread: none expected). */
    private static final long ALLOCATION_SLACK = 64 * 1024;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @ParameterizedTest(name = "{0}, flags {1}: {2}")
    @CsvSource({
        "hash,         0, -7",
        "hash,         1, -7",
        "percpu_hash,  0, -7",
        "lru_hash,     0, 0",
        "array,        0, -7",
        "array,        1, -17",
        "percpu_array, 0, -7"})
    void updatesAtMaxEntries(String typeName, long flags, int expected) {
        MapType type = MapType.valueOf(typeName.toUpperCase(java.util.Locale.ROOT));
        try (BpfMap m = new MapSpec("full_" + typeName, type, 4, 8, MAX, 0).create(2)) {
            byte[] key = new byte[4];
            byte[] value = new byte[8];
            for (int k = 0; k < MAX; k++) {
                assertEquals(0, m.update(le(key, k), value, BpfMap.BPF_ANY), typeName + ": fill key " + k);
            }
            assertEquals(MAX, m.size(), typeName + ": full");
            boolean array = type == MapType.ARRAY || type == MapType.PERCPU_ARRAY;
            // For an array, BPF_NOEXIST is tried on existing indexes (EEXIST), anything else past the end (E2BIG).
            int firstNew = array && flags == BpfMap.BPF_NOEXIST ? 0 : MAX;
            for (int i = 0; i < 1000; i++) {
                m.update(le(key, firstNew + i % MAX), value, flags);   // warm-up: JIT compilation of the path
            }
            long before = THREADS.getCurrentThreadAllocatedBytes();
            int failures = 0;
            for (int i = 0; i < ATTEMPTS; i++) {
                int k = array && flags == BpfMap.BPF_NOEXIST ? i % MAX : MAX + i;
                int r = m.update(le(key, k), value, flags);
                if (r != expected) {
                    failures++;
                }
            }
            long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
            assertEquals(0, failures, typeName + ": every update of a full map returns " + expected);
            assertEquals(MAX, m.size(), typeName + ": still exactly max_entries");
            assertTrue(allocated < ALLOCATION_SLACK, typeName + ": " + ATTEMPTS + " updates of a full map allocated "
                    + allocated + " bytes");
        }
    }

    private static byte[] le(byte[] key, int k) {
        key[0] = (byte) k;   // by hand: ByteBuffer.wrap would allocate, and this loop measures allocation
        key[1] = (byte) (k >>> 8);
        key[2] = (byte) (k >>> 16);
        key[3] = (byte) (k >>> 24);
        return key;
    }
}
