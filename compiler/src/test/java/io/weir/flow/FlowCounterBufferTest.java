package io.weir.flow;

import static org.junit.jupiter.api.Assertions.*;

import io.weir.capture.Packet;
import io.weir.capture.PcapReader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link FlowCounter#count(ByteBuffer, int, int, int, long)} counts the same whatever holds the packet: a byte
 * array, a heap buffer (with an array offset), a read-only heap buffer or a direct buffer (copied into the
 * counter's own array); a slice outside the buffer is refused as the engines refuse it.
 */
class FlowCounterBufferTest {
    private static final int PAD = 5;

    /** The packet at {@code PAD} in a buffer of this kind (the array: a heap buffer over it). */
    private static ByteBuffer holder(String kind, byte[] packet) {
        byte[] padded = new byte[packet.length + 2 * PAD];
        System.arraycopy(packet, 0, padded, PAD, packet.length);
        return switch (kind) {
            case "heap" -> ByteBuffer.wrap(padded);
            case "offset" -> {
                byte[] more = new byte[padded.length + 3];
                System.arraycopy(padded, 0, more, 3, padded.length);
                yield ByteBuffer.wrap(more).position(3).slice();   // arrayOffset() == 3
            }
            case "readonly" -> ByteBuffer.wrap(padded).asReadOnlyBuffer();
            default -> ByteBuffer.allocateDirect(padded.length).put(padded).clear();
        };
    }

    private static List<String> count(Function<byte[], ByteBuffer> hold) throws Exception {
        List<String> out = new ArrayList<>();
        try (PcapReader r = PcapReader.open(FlowCounterTest.projectDir().resolve("pcaps/mixed-ether.pcap"));
                FlowCounter c = FlowCounter.builder().linkType(r.linkType()).build()) {
            while (r.next()) {
                Packet p = r.packet();
                byte[] bytes = p.copyBytes();
                ByteBuffer b = hold.apply(bytes);
                if (b == null) {
                    c.count(bytes, 0, bytes.length, p.wireLen(), p.timestampNanos());
                } else {
                    c.count(b, PAD, bytes.length, p.wireLen(), p.timestampNanos());
                }
            }
            c.table().snapshot().forEach(f -> out.add(f.toString()));
            out.sort(null);
            for (FlowCounter.Tally t : FlowCounter.Tally.values()) {
                out.add(t + " " + c.tally(t));
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"heap", "offset", "readonly", "direct"})
    void everyHolderCountsAsTheArray(String kind) throws Exception {
        List<String> expected = count(bytes -> null);
        assertTrue(expected.size() > FlowCounter.Tally.values().length, "some flows");
        assertEquals(expected, count(bytes -> holder(kind, bytes)), kind);
    }

    @ParameterizedTest
    @ValueSource(strings = {"heap", "offset", "readonly", "direct"})
    void aSliceOutsideTheBufferIsRefused(String kind) throws Exception {
        ByteBuffer b = holder(kind, new byte[60]);
        try (FlowCounter c = FlowCounter.builder().build()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> c.count(b, b.capacity() - 10, 20, 20, 0));
            assertTrue(e.getMessage().contains("outside a buffer of " + b.capacity() + " bytes"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> c.count(b, -1, 20, 20, 0), kind);
        }
    }
}
