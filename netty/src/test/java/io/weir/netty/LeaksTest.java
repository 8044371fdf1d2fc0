package io.weir.netty;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The leak check the other tests rely on does catch a leak. */
class LeaksTest {
    static {
        Leaks.install();
    }

    @Test
    void anUnreleasedBufferIsReported() {
        Leaks.collect();
        leakOne();
        List<String> reports = List.of();
        for (int i = 0; i < 20 && reports.isEmpty(); i++) {
            reports = Leaks.collect();
        }
        assertFalse(reports.isEmpty(), "the deliberately leaked buffer was not reported");
    }

    private static void leakOne() {
        Unpooled.directBuffer(16).writeLong(42);   // unpooled heap buffers are not tracked
    }
}
