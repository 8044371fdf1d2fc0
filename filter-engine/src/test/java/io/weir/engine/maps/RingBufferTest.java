package io.weir.engine.maps;

import static org.junit.jupiter.api.Assertions.*;

import io.weir.engine.ebpf.MemoryModel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RingBufferTest {

    private static RingBuffer ring() {
        return (RingBuffer) new MapSpec("rb", MapType.RINGBUF, 0, 0, 4096, 0).create();
    }

    @Test
    void recordsArriveInOrderAndDiscardedOnesAreSkipped() {
        try (RingBuffer rb = ring()) {
            long a = rb.reserve(3, 0);
            long b = rb.reserve(5, 0);
            long c = rb.reserve(1, 0);
            rb.store(MemoryModel.offset(a), 2, 0x0201);
            rb.store(MemoryModel.offset(a) + 2, 1, 3);
            rb.store(MemoryModel.offset(c), 1, 9);
            rb.commit(c, false);
            List<byte[]> got = new ArrayList<>();
            assertEquals(0, rb.poll(got::add), "a is still being written: nothing after it is delivered");
            rb.commit(a, false);
            rb.commit(b, true);
            assertEquals(2, rb.poll(got::add));
            assertArrayEquals(new byte[] {1, 2, 3}, got.get(0));
            assertArrayEquals(new byte[] {9}, got.get(1));
            assertEquals(0, rb.pending());
            assertThrows(io.weir.engine.ebpf.EbpfMemory.Fault.class, () -> rb.commit(a, false), "twice");
        }
    }

    @Test
    void fullRingRefusesAndCountsDrops() {
        try (RingBuffer rb = ring()) {
            int n = 0;
            while (rb.offer(new byte[100])) {
                n++;
            }
            assertEquals(4096 / 112, n, "records of 100 bytes take 112 with header and padding");
            assertEquals(1, rb.dropped());
            assertEquals(0, rb.reserve(4096, 0), "larger than the ring");
            assertEquals(0, rb.reserve(8, 1), "flags must be 0");
            assertEquals(n, rb.poll(r -> assertEquals(100, r.length)));
            // After consuming, records wrap around the end and stay whole.
            for (int round = 0; round < 100; round++) {
                byte[] rec = new byte[2 + round % 200];
                rec[0] = (byte) round;
                rec[rec.length - 1] = (byte) ~round;
                assertTrue(rb.offer(rec), "round " + round);
                int r = round;
                assertEquals(1, rb.poll(got -> {
                    assertEquals(rec.length, got.length);
                    assertEquals((byte) r, got[0]);
                    assertEquals((byte) ~r, got[got.length - 1]);
                }));
            }
        }
    }
}
