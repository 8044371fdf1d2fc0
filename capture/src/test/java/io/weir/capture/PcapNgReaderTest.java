package io.weir.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** pcapng reading: interfaces of different link types and resolutions, sections, block kinds. */
class PcapNgReaderTest {
    private static final long SEC = 1_000_000_000L;

    /** {if_tsresol, raw time stamp, expected nanoseconds}: powers of 10 and of 2. */
    static List<Arguments> resolutions() {
        return List.of(
                Arguments.of(-1, 1_700_000_000_123_456L, 1_700_000_000L * SEC + 123_456_000L),   // default µs
                Arguments.of(6, 1_700_000_000_123_456L, 1_700_000_000L * SEC + 123_456_000L),
                Arguments.of(9, 1_700_000_000_123_456_789L, 1_700_000_000L * SEC + 123_456_789L),
                Arguments.of(3, 1_700_000_000_123L, 1_700_000_000L * SEC + 123_000_000L),
                Arguments.of(0, 1_700_000_000L, 1_700_000_000L * SEC),
                Arguments.of(12, 1_700_000_000_123_456_789L, 1_700_000L * SEC + 123_456L),   // picoseconds
                Arguments.of(0x80 | 10, (1_700_000_000L << 10) | 512, 1_700_000_000L * SEC + 500_000_000L),
                Arguments.of(0x80 | 30, (5L << 30) | (1L << 29), 5 * SEC + 500_000_000L),
                Arguments.of(0x80 | 40, (3L << 40) | (1L << 38), 3 * SEC + 250_000_000L),
                Arguments.of(0x80, 77L, 77 * SEC));
    }

    @ParameterizedTest(name = "tsresol {0}")
    @MethodSource("resolutions")
    void convertsEveryResolution(int tsresol, long raw, long expected) throws IOException {
        for (ByteOrder order : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
            byte[] file = new Bytes(order).shb(1, 0).idb(1, 0, tsresol, 0).epb(0, raw, 4, 4, Bytes.data(4, 0))
                    .toArray();
            TestSupport.Result r = TestSupport.readAll(file);
            assertNull(r.error());
            assertEquals(expected, r.packets().get(0).ts(), "tsresol " + tsresol + " " + order);
        }
    }

    @Test
    void twoInterfacesOfDifferentLinkTypesSnapshotsAndResolutions() throws IOException {
        byte[] eth = Bytes.data(60, 1);
        byte[] raw = Bytes.data(200, 2);
        byte[] file = new Bytes(ByteOrder.LITTLE_ENDIAN).shb(1, 0)
                .idb(1, 65535, 6, 0)                  // Ethernet, µs
                .idb(101, 128, 9, 100)                // raw IP, ns, offset 100 s, snaplen 128
                .epb(0, 1_000_000L, 60, 60, eth)
                .epb(1, 2 * SEC + 5, 128, 200, java.util.Arrays.copyOf(raw, 128))
                .block(4, 8)                          // name resolution block: skipped
                .block(5, 16)                         // interface statistics: skipped
                .block(0x40000BAD, 4)                 // custom: skipped
                .epb(1, 0, 200, 200, raw)             // over the snapshot length: cut to 128
                .toArray();
        try (PcapReader r = PcapReader.open(new ByteArrayInputStream(file), "t")) {
            assertEquals(PcapReader.Format.PCAPNG, r.format());
            assertEquals(1, r.linkType());
            assertEquals(65535, r.snapLen());
            assertEquals(true, r.next());
            assertEquals(1, r.packet().linkType());
            assertEquals(SEC, r.packet().timestampNanos());
            assertArrayEquals(eth, r.packet().copyBytes());
            assertEquals(true, r.next());
            Packet p = r.packet();
            assertEquals(101, p.linkType());
            assertEquals(1, p.interfaceId());
            assertEquals(102 * SEC + 5, p.timestampNanos());
            assertEquals(128, p.capLen());
            assertEquals(200, p.wireLen());
            assertEquals(true, r.next());
            assertEquals(128, r.packet().capLen());
            assertEquals(100 * SEC, r.packet().timestampNanos());
            assertEquals(false, r.next());
            assertEquals(2, r.interfaces().size());
        }
    }

    @Test
    void sectionsMayChangeByteOrderAndRedeclareInterfaces() throws IOException {
        Bytes f = new Bytes(ByteOrder.BIG_ENDIAN).shb(1, 0).idb(1, 0, 9, 0).epb(0, 7, 4, 4, Bytes.data(4, 0));
        f.order(ByteOrder.LITTLE_ENDIAN).shb(1, 2).idb(113, 0, -1, 0).idb(0, 0, -1, 0)
                .epb(1, 8, 8, 8, Bytes.data(8, 1)).epb(0, 9, 16, 16, Bytes.data(16, 2));
        TestSupport.Result r = TestSupport.readAll(f.toArray(), 32);
        assertNull(r.error());
        assertEquals(3, r.packets().size());
        assertEquals(7, r.packets().get(0).ts());
        assertEquals(1, r.packets().get(0).linkType());
        assertEquals(0, r.packets().get(1).linkType());      // interface 1 of the second section
        assertEquals(8_000, r.packets().get(1).ts());
        assertEquals(113, r.packets().get(2).linkType());
        assertArrayEquals(Bytes.data(16, 2), r.packets().get(2).data());
    }

    @Test
    void simpleAndObsoletePacketBlocks() throws IOException {
        byte[] file = new Bytes(ByteOrder.LITTLE_ENDIAN).shb(1, 0).idb(1, 64, 6, 0)
                .spb(60, Bytes.data(60, 3))
                .spb(100, Bytes.data(64, 4))           // SPB: caplen = min(len, snaplen)
                .pb(0, 5_000_000L, 30, 30, Bytes.data(30, 5))
                .toArray();
        TestSupport.Result r = TestSupport.readAll(file);
        assertNull(r.error());
        assertEquals(3, r.packets().size());
        assertEquals(60, r.packets().get(0).capLen());
        assertEquals(64, r.packets().get(1).capLen());
        assertEquals(100, r.packets().get(1).wireLen());
        assertEquals(5 * SEC, r.packets().get(2).ts());
        assertArrayEquals(Bytes.data(30, 5), r.packets().get(2).data());
    }

    @Test
    void aSectionWithoutInterfacesHasNoPackets() throws IOException {
        byte[] file = new Bytes(ByteOrder.LITTLE_ENDIAN).shb(1, 0).block(4, 4).toArray();
        try (PcapReader r = PcapReader.open(new ByteArrayInputStream(file), "t")) {
            assertEquals(-1, r.linkType());
            assertEquals(false, r.next());
        }
    }
}
