package io.weir.engine.maps;

import static io.weir.engine.maps.BpfMap.*;
import static io.weir.engine.maps.MapTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class ArrayBpfMapTest {

    @Test
    void arraySemanticsAsLinux() {
        try (BpfMap m = new MapSpec("a", MapType.ARRAY, 4, 8, 4, 0).create()) {
            assertEquals(0, le(m.lookup(u32(3))), "present and zeroed from creation");
            assertNull(m.lookup(u32(4)));
            assertEquals(0, m.update(u32(2), u64(7), BPF_EXIST));
            assertEquals(0, m.update(u32(2), u64(8), BPF_ANY));
            assertEquals(-Errno.EEXIST, m.update(u32(2), u64(9), BPF_NOEXIST));
            assertEquals(-Errno.E2BIG, m.update(u32(4), u64(9), BPF_ANY));
            assertEquals(-Errno.EINVAL, m.delete(u32(2)));
            assertEquals(8, le(m.lookup(u32(2))));
            byte[] next = new byte[4];
            long[] expected = {0, 1, 2, 3};
            byte[] key = null;
            for (long e : expected) {
                assertEquals(0, m.nextKey(key, next));
                assertEquals(e, le(next));
                key = next.clone();
            }
            assertEquals(-Errno.ENOENT, m.nextKey(key, next));
            assertEquals(0, m.nextKey(u32(99), next), "out of range restarts at 0");
            assertEquals(0, le(next));
            m.clear();
            assertEquals(0, le(m.lookup(u32(2))));
        }
    }

    @Test
    void perCpuValuesAreSummedWhenRead() {
        try (BpfMap m = new MapSpec("p", MapType.PERCPU_ARRAY, 4, 16, 2, 0).create(3)) {
            assertEquals(3, m.cpus());
            byte[] perCpu = new byte[48];
            for (int c = 0; c < 3; c++) {
                System.arraycopy(u64(c + 1), 0, perCpu, c * 16, 8); // lane 0: 1, 2, 3
                System.arraycopy(u64(10L * (c + 1)), 0, perCpu, c * 16 + 8, 8); // lane 1: 10, 20, 30
            }
            assertEquals(0, m.update(u32(1), perCpu, BPF_ANY));
            byte[] sum = m.lookup(u32(1));
            assertEquals(6, le(java.util.Arrays.copyOfRange(sum, 0, 8)));
            assertEquals(60, le(java.util.Arrays.copyOfRange(sum, 8, 16)));
            byte[] back = new byte[48];
            assertTrue(m.lookupPerCpu(u32(1), back));
            assertArrayEquals(perCpu, back);
            assertThrows(MapException.class, () -> m.update(u32(1), new byte[17], BPF_ANY));
        }
        try (BpfMap m = new MapSpec("ph", MapType.PERCPU_HASH, 4, 4, 8, 0).create(2)) {
            assertEquals(0, m.update(u32(5), new byte[] {1, 0, 0, 0, 2, 0, 0, 0}, BPF_ANY));
            assertEquals(3, le(m.lookup(u32(5))));
            assertEquals(0, m.update(u32(6), u32(7), BPF_ANY), "one value: slot 0 gets it");
            assertEquals(7, le(m.lookup(u32(6))));
        }
    }
}
