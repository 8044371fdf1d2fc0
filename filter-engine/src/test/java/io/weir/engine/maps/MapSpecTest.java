package io.weir.engine.maps;

import static org.junit.jupiter.api.Assertions.*;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MapSpecTest {
    static Stream<Arguments> cases() {
        return Stream.of(
                // type, key, value, max, flags, expected errno (0 = accepted), message fragment
                Arguments.of(MapType.HASH, 4, 8, 16, 0, 0, ""),
                Arguments.of(MapType.HASH, 0, 8, 16, 0, Errno.EINVAL, "non-zero"),
                Arguments.of(MapType.HASH, 4, 0, 16, 0, Errno.EINVAL, "non-zero"),
                Arguments.of(MapType.HASH, 4, 8, 0, 0, Errno.EINVAL, "non-zero"),
                Arguments.of(MapType.HASH, 513, 8, 16, 0, Errno.E2BIG, "key_size 513"),
                Arguments.of(MapType.HASH, 512, 8, 16, 0, 0, ""),
                Arguments.of(MapType.HASH, 4, 8, 16, 0x8000, Errno.EINVAL, "flags 0x8000"),
                Arguments.of(MapType.HASH, 4, 8, 16, MapSpec.F_NO_COMMON_LRU, Errno.EINVAL, "NO_COMMON_LRU"),
                Arguments.of(MapType.LRU_HASH, 4, 8, 16, MapSpec.F_NO_PREALLOC, Errno.EINVAL, "preallocated"),
                Arguments.of(MapType.LRU_HASH, 4, 8, 16, MapSpec.F_NO_COMMON_LRU, 0, ""),
                Arguments.of(MapType.PERCPU_HASH, 4, 32769, 16, 0, Errno.E2BIG, "value_size 32769"),
                Arguments.of(MapType.ARRAY, 8, 8, 16, 0, Errno.EINVAL, "key_size must be 4"),
                Arguments.of(MapType.ARRAY, 4, 0, 16, 0, Errno.EINVAL, "non-zero"),
                Arguments.of(MapType.ARRAY, 4, 8, 0, 0, Errno.EINVAL, "non-zero"),
                Arguments.of(MapType.ARRAY, 4, 8, 16, MapSpec.F_MMAPABLE, 0, ""),
                Arguments.of(MapType.ARRAY, 4, 8, 16, MapSpec.F_NO_PREALLOC, Errno.EINVAL, "flags 0x1"),
                Arguments.of(MapType.PERCPU_ARRAY, 4, 40000, 1, 0, Errno.E2BIG, "value_size 40000"),
                Arguments.of(MapType.RINGBUF, 0, 0, 4096, 0, 0, ""),
                Arguments.of(MapType.RINGBUF, 4, 0, 4096, 0, Errno.EINVAL, "must be 0"),
                Arguments.of(MapType.RINGBUF, 0, 0, 6000, 0, Errno.EINVAL, "power of 2"),
                Arguments.of(MapType.RINGBUF, 0, 0, 2048, 0, Errno.EINVAL, "power of 2"),
                Arguments.of(MapType.HASH, 4, 1 << 23, 1, 0, Errno.E2BIG, "value_size"));
    }

    @ParameterizedTest(name = "{0} key {1} value {2} max {3} flags {4} -> {5}")
    @MethodSource("cases")
    void checkedAsLinux(MapType type, int key, int value, int max, int flags, int errno, String fragment) {
        MapSpec spec = new MapSpec("m", type, key, value, max, flags);
        if (errno == 0) {
            try (BpfMap map = spec.create(2)) {
                assertEquals(type, map.type());
            }
        } else {
            MapException e = assertThrows(MapException.class, spec::create);
            assertEquals(errno, e.errno(), e.getMessage());
            assertTrue(e.getMessage().contains(fragment), e.getMessage());
            assertTrue(e.getMessage().startsWith("map 'm' (" + type.label() + ")"), e.getMessage());
        }
    }
}
