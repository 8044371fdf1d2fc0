package io.weir.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Classic pcap reading: every magic and byte order, versions, snapshot rules, buffers, streams and gzip. */
class PcapReaderTest {

    static List<Arguments> magics() {
        return List.of(
                Arguments.of("µs little-endian", 0xa1b2c3d4, ByteOrder.LITTLE_ENDIAN, 1_000L),
                Arguments.of("µs big-endian", 0xa1b2c3d4, ByteOrder.BIG_ENDIAN, 1_000L),
                Arguments.of("ns little-endian", 0xa1b23c4d, ByteOrder.LITTLE_ENDIAN, 1L),
                Arguments.of("ns big-endian", 0xa1b23c4d, ByteOrder.BIG_ENDIAN, 1L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("magics")
    void readsEveryMagicAndByteOrder(String name, int magic, ByteOrder order, long fracUnitNanos) throws IOException {
        byte[] a = Bytes.data(60, 1);
        byte[] b = Bytes.data(1514, 7);
        byte[] file = new Bytes(order).pcapHeader(magic, 2, 4, 65535, 1)
                .record(1_700_000_000L, 123_456, 60, 60, a)
                .record(4_000_000_000L, 999_999, 1514, 9000, b)   // seconds past 2^31: unsigned
                .toArray();
        try (PcapReader r = PcapReader.open(new ByteArrayInputStream(file), "t")) {
            assertEquals(PcapReader.Format.PCAP, r.format());
            assertEquals(order, r.byteOrder());
            assertEquals(1, r.linkType());
            assertEquals(65535, r.snapLen());
            assertEquals(true, r.next());
            Packet p = r.packet();
            assertEquals(1_700_000_000L * 1_000_000_000L + 123_456 * fracUnitNanos, p.timestampNanos(), name);
            assertEquals(60, p.capLen());
            assertEquals(60, p.wireLen());
            assertEquals(24, p.recordOffset());
            assertArrayEquals(a, p.copyBytes());
            assertEquals(true, r.next());
            assertEquals(4_000_000_000L * 1_000_000_000L + 999_999 * fracUnitNanos, r.packet().timestampNanos());
            assertEquals(9000, r.packet().wireLen());
            assertArrayEquals(b, r.packet().copyBytes());
            assertEquals(false, r.next());
            assertEquals(2, r.packetsRead());
        }
    }

    @Test
    void packetBufferIsNetworkOrderWhateverTheFileOrder() throws IOException {
        byte[] data = {0x08, 0x00, 0x45, 0x00};
        for (ByteOrder order : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
            byte[] file = new Bytes(order).pcapHeader(0xa1b2c3d4, 2, 4, 100, 1).record(0, 0, 4, 4, data).toArray();
            try (PcapReader r = PcapReader.open(new ByteArrayInputStream(file), "t")) {
                r.next();
                Packet p = r.packet();
                assertEquals(0x0800, p.buffer().getShort(p.offset()) & 0xFFFF, order.toString());
            }
        }
    }

    @Test
    void kuznetzovRecordsHaveEightMoreHeaderBytes() throws IOException {
        byte[] data = Bytes.data(40, 3);
        byte[] file = new Bytes(ByteOrder.LITTLE_ENDIAN).pcapHeader(0xa1b2cd34, 2, 4, 1500, 1)
                .record(5, 6, 40, 40, new byte[0]).u32(7).u16(0x800).u8(0).u8(0).raw(data).toArray();
        TestSupport.Result r = TestSupport.readAll(file);
        assertNull(r.error());
        assertEquals(1, r.packets().size());
        assertArrayEquals(data, r.packets().get(0).data());
    }

    @Test
    void versionsBefore23HaveLengthsSwapped() throws IOException {
        // 2.2 (and 543.0) write len before caplen; 2.3 swaps only when caplen > len, as libpcap does.
        for (int[] v : new int[][] {{2, 2, 1}, {543, 0, 1}, {2, 3, 1}, {2, 4, 0}}) {
            Bytes f = new Bytes(ByteOrder.LITTLE_ENDIAN).pcapHeader(0xa1b2c3d4, v[0], v[1], 1000, 1);
            byte[] data = Bytes.data(20, 0);
            if (v[2] == 1) {
                f.record(0, 0, 100, 20, data);   // fields swapped: "caplen" 100 is the wire length
            } else {
                f.record(0, 0, 20, 100, data);
            }
            TestSupport.Result r = TestSupport.readAll(f.toArray());
            assertNull(r.error(), v[0] + "." + v[1]);
            assertEquals(20, r.packets().get(0).capLen(), v[0] + "." + v[1]);
            assertEquals(100, r.packets().get(0).wireLen(), v[0] + "." + v[1]);
        }
    }

    @Test
    void recordsOverTheSnapshotLengthAreCutAndReadingGoesOn() throws IOException {
        byte[] big = Bytes.data(300, 0);
        byte[] file = new Bytes(ByteOrder.LITTLE_ENDIAN).pcapHeader(0xa1b2c3d4, 2, 4, 128, 1)
                .record(1, 0, 300, 300, big).record(2, 0, 10, 10, Bytes.data(10, 9)).toArray();
        TestSupport.Result r = TestSupport.readAll(file);
        assertNull(r.error());
        assertEquals(2, r.packets().size());
        assertEquals(128, r.packets().get(0).capLen());
        assertEquals(300, r.packets().get(0).wireLen());
        assertArrayEquals(java.util.Arrays.copyOf(big, 128), r.packets().get(0).data());
        assertEquals(24 + 16 + 300, r.packets().get(1).at());
    }

    @Test
    void snapshotLengthZeroMeansTheLinkTypeMaximum() throws IOException {
        byte[] file = new Bytes(ByteOrder.LITTLE_ENDIAN).pcapHeader(0xa1b2c3d4, 2, 4, 0, 1).toArray();
        try (PcapReader r = PcapReader.open(new ByteArrayInputStream(file), "t")) {
            assertEquals(262144, r.snapLen());
            assertEquals(false, r.next());
        }
    }

    @Test
    void tinyBuffersRefillAndGrow() throws IOException {
        Bytes f = new Bytes(ByteOrder.BIG_ENDIAN).pcapHeader(0xa1b23c4d, 2, 4, 262144, 1);
        int[] sizes = {1, 60, 1514, 9000, 70000, 3, 0, 65535};
        for (int i = 0; i < sizes.length; i++) {
            f.record(i, i, sizes[i], sizes[i], Bytes.data(sizes[i], i));
        }
        byte[] file = f.toArray();
        for (int buffer : new int[] {16, 17, 100, 4096, 1 << 20}) {
            TestSupport.Result r = TestSupport.readAll(file, buffer);
            assertNull(r.error(), "buffer " + buffer);
            assertEquals(sizes.length, r.packets().size(), "buffer " + buffer);
            for (int i = 0; i < sizes.length; i++) {
                assertArrayEquals(Bytes.data(sizes[i], i), r.packets().get(i).data(), "buffer " + buffer + " #" + i);
            }
        }
    }

    @Test
    void readsGzipFromFilesAndStreams(@TempDir Path dir) throws IOException {
        byte[] file = new Bytes(ByteOrder.LITTLE_ENDIAN).pcapHeader(0xa1b2c3d4, 2, 4, 65535, 101)
                .record(1, 2, 20, 20, Bytes.data(20, 1)).record(3, 4, 40, 40, Bytes.data(40, 2)).toArray();
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
            z.write(file);
        }
        Path p = dir.resolve("x.pcap.gz");
        Files.write(p, gz.toByteArray());
        try (PcapReader r = PcapReader.open(p)) {
            assertEquals(101, r.linkType());
            int n = 0;
            while (r.next()) {
                n++;
            }
            assertEquals(2, n);
        }
        assertEquals(2, TestSupport.readAll(gz.toByteArray(), 64).packets().size());
        // A non-seekable channel (a pipe-like stream) goes through the channel path.
        try (PcapReader r = PcapReader.open(Channels.newChannel(new ByteArrayInputStream(file)), "pipe")) {
            assertEquals(true, r.next());
            assertEquals(true, r.next());
            assertEquals(false, r.next());
        }
    }

    @Test
    void readsFilesFromDisk(@TempDir Path dir) throws IOException {
        byte[] file = new Bytes(ByteOrder.LITTLE_ENDIAN).pcapHeader(0xa1b2c3d4, 2, 4, 65535, 1)
                .record(1, 2, 20, 20, Bytes.data(20, 1)).toArray();
        Path p = dir.resolve("x.pcap");
        Files.write(p, file);
        try (PcapReader r = PcapReader.open(p.toString())) {
            assertEquals(true, r.next());
            assertEquals(true, r.packet().buffer().isDirect());
            assertArrayEquals(Bytes.data(20, 1), r.packet().copyBytes());
        }
    }

    /** A stream of over 2 GiB, made on the fly (nothing on disk): offsets and counts stay right past 2^31. */
    @Test
    void readsInputsLargerThanTwoGibibytes() throws IOException {
        int caplen = 65_000;
        long records = (3L << 30) / (16 + caplen);     // about 3 GiB
        byte[] header = new Bytes(ByteOrder.LITTLE_ENDIAN).pcapHeader(0xa1b2c3d4, 2, 4, 65535, 1).toArray();
        byte[] record = new Bytes(ByteOrder.LITTLE_ENDIAN).record(1, 0, caplen, caplen, Bytes.data(caplen, 5)).toArray();
        java.nio.channels.ReadableByteChannel source = new java.nio.channels.ReadableByteChannel() {
            long emitted;            // bytes of records emitted
            int headerLeft = header.length;

            @Override
            public int read(java.nio.ByteBuffer dst) {
                int n = 0;
                while (dst.hasRemaining() && headerLeft > 0) {
                    dst.put(header[header.length - headerLeft--]);
                    n++;
                }
                long total = records * record.length;
                while (dst.hasRemaining() && emitted < total) {
                    int at = (int) (emitted % record.length);
                    int len = (int) Math.min(Math.min(dst.remaining(), record.length - at), total - emitted);
                    dst.put(record, at, len);
                    emitted += len;
                    n += len;
                }
                return n == 0 ? -1 : n;
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
            }
        };
        long n = 0;
        long lastOffset = 0;
        try (PcapReader r = PcapReader.open(source, "big")) {
            while (r.next()) {
                n++;
                lastOffset = r.packet().recordOffset();
                if (n == records) {
                    assertEquals(5, r.packet().u8(0));
                    assertEquals((byte) (5 + caplen - 1), r.packet().buffer().get(r.packet().offset() + caplen - 1));
                }
            }
            assertEquals(24 + records * record.length, r.offset());
        }
        assertEquals(records, n);
        assertEquals(24 + (records - 1) * record.length, lastOffset);
        assertEquals(true, lastOffset > Integer.MAX_VALUE);
    }
}
