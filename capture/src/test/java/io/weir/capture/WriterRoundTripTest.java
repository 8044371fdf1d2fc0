package io.weir.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Writers: byte-exact against hand-built files, read back, and re-written byte for byte. */
class WriterRoundTripTest {
    private static final int[] SIZES = {60, 1514, 0, 1, 2, 3, 9000, 65535};

    static List<Arguments> pcapSettings() {
        return List.of(
                Arguments.of(false, ByteOrder.LITTLE_ENDIAN, 1, 65535),
                Arguments.of(false, ByteOrder.BIG_ENDIAN, 101, 262144),
                Arguments.of(true, ByteOrder.LITTLE_ENDIAN, 113, 96),
                Arguments.of(true, ByteOrder.BIG_ENDIAN, 276, 262144));
    }

    @ParameterizedTest(name = "nanos={0} {1} linktype {2} snaplen {3}")
    @MethodSource("pcapSettings")
    void pcapWriterWritesExactlyTheExpectedBytesAndReadsBack(boolean nanos, ByteOrder order, int linkType,
            int snapLen) throws IOException {
        Bytes expected = new Bytes(order).pcapHeader(nanos ? 0xa1b23c4d : 0xa1b2c3d4, 2, 4, snapLen, linkType);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // A 4 KiB buffer: some records go through the buffer, the large ones are written alone.
        try (PcapWriter w = PcapWriter.builder().nanos(nanos).order(order).linkType(linkType).snapLen(snapLen)
                .bufferSize(4096).open(out)) {
            for (int i = 0; i < SIZES.length; i++) {
                int cap = Math.min(SIZES[i], snapLen);
                long ts = 1_700_000_000_000_000_000L + i * 1_234_567L;
                w.write(Bytes.data(SIZES[i], i), 0, cap, SIZES[i], ts);
                expected.record(ts / 1_000_000_000L, nanos ? ts % 1_000_000_000L : ts % 1_000_000_000L / 1000, cap,
                        SIZES[i], java.util.Arrays.copyOf(Bytes.data(SIZES[i], i), cap));
            }
        }
        byte[] file = out.toByteArray();
        assertArrayEquals(expected.toArray(), file);
        assertArrayEquals(file, rewrite(file, nanos, order));
    }

    /** Reads a pcap file and writes its packets again with the same settings. */
    private static byte[] rewrite(byte[] file, boolean nanos, ByteOrder order) throws IOException {
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        try (PcapReader r = PcapReader.open(new java.io.ByteArrayInputStream(file), "t");
                PcapWriter w = PcapWriter.builder().nanos(nanos).order(order).linkType(r.linkType())
                        .snapLen(r.firstInterface().fileSnapLen()).open(again)) {
            while (r.next()) {
                w.write(r.packet());
            }
        }
        return again.toByteArray();
    }

    @Test
    void pcapNgWriterWithTwoInterfacesRoundTrips() throws IOException {
        for (ByteOrder order : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            long ts = 1_700_000_000_123_456_789L;
            try (PcapNgWriter w = PcapNgWriter.open(out, order)) {
                int eth = w.addInterface(1, 262144, 6, "eth0");
                int raw = w.addInterface(101, 0, 9, null);
                int bin = w.addInterface(113, 1500, 0x80 | 20, "any");
                for (int i = 0; i < SIZES.length; i++) {
                    w.write(i % 3 == 0 ? eth : i % 3 == 1 ? raw : bin, Bytes.data(SIZES[i], i), 0, SIZES[i],
                            SIZES[i] + 4, ts + i);
                }
            }
            byte[] file = out.toByteArray();
            TestSupport.Result r = TestSupport.readAll(file, 128);
            assertNull(r.error());
            assertEquals(SIZES.length, r.packets().size());
            for (int i = 0; i < SIZES.length; i++) {
                TestSupport.Seen s = r.packets().get(i);
                int kind = i % 3;
                assertEquals(kind == 0 ? 1 : kind == 1 ? 101 : 113, s.linkType());
                long expectTs = kind == 0 ? (ts + i) / 1000 * 1000 : kind == 1 ? ts + i : s.ts();
                assertEquals(expectTs, s.ts(), "packet " + i);
                if (kind == 2) {   // 2^-20 s ≈ 954 ns: within one unit
                    assertEquals(ts + i, s.ts(), 954.0, "packet " + i);
                }
                int cap = kind == 2 ? Math.min(SIZES[i], 1500) : SIZES[i];
                assertEquals(cap, s.capLen());
                assertEquals(SIZES[i] + 4, s.wireLen());
                assertArrayEquals(java.util.Arrays.copyOf(Bytes.data(SIZES[i], i), cap), s.data());
            }
            // The same packets written again through the same interfaces give the same bytes.
            ByteArrayOutputStream again = new ByteArrayOutputStream();
            try (PcapReader rd = PcapReader.open(new java.io.ByteArrayInputStream(file), "t");
                    PcapNgWriter w = PcapNgWriter.open(again, order)) {
                w.addInterface(1, 262144, 6, "eth0");
                w.addInterface(101, 0, 9, null);
                w.addInterface(113, 1500, 0x80 | 20, "any");
                while (rd.next()) {
                    w.write(rd.packet().interfaceId(), rd.packet());
                }
            }
            byte[] second = again.toByteArray();
            assertArrayEquals(file, second, order.toString());
        }
    }

    @Test
    void closeLeavesACompleteFileAndFlushWritesWholeRecords(@TempDir Path dir) throws IOException {
        Path p = dir.resolve("x.pcap");
        PcapWriter w = PcapWriter.builder().bufferSize(100).open(p);
        w.write(Bytes.data(50, 0), 0, 50, 50, 0);
        w.write(Bytes.data(50, 1), 0, 50, 50, 0);   // does not fit behind the first: the first is flushed
        assertEquals(24 + 66, Files.size(p));
        w.flush();
        assertEquals(24 + 2 * 66, Files.size(p));
        w.write(Bytes.data(10, 2), 0, 10, 10, 0);
        w.close();
        assertEquals(24 + 2 * 66 + 26, Files.size(p));
        assertEquals(3, TestSupport.readAll(Files.readAllBytes(p)).packets().size());
    }
}
