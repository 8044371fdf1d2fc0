package io.weir.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Files built byte by byte for each malformed case: the exception's type and offset, and the good packets
 * delivered before it.
 */
class MalformedCaptureTest {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ByteOrder BE = ByteOrder.BIG_ENDIAN;
    private static final int US = 0xa1b2c3d4;

    private static Bytes pcap(ByteOrder o) {
        return new Bytes(o).pcapHeader(US, 2, 4, 65535, 1);
    }

    private static Bytes ng(ByteOrder o) {
        return new Bytes(o).shb(1, 0).idb(1, 0, 6, 0);
    }

    private static Arguments c(String name, Supplier<Bytes> file, Class<? extends CaptureFormatException> type,
            long offset, int packets, String messagePart) {
        return Arguments.of(name, file, type, offset, packets, messagePart);
    }

    static List<Arguments> cases() {
        byte[] d60 = Bytes.data(60, 0);
        // Offsets: pcap records of 60 bytes are 76 long after a 24-byte header; pcapng: SHB 28 + IDB 32 = 60,
        // EPBs of 60 bytes are 92 long.
        return List.of(
                c("empty file", () -> new Bytes(LE), TruncatedCaptureException.class, 0, 0, "only got 0"),
                c("not a capture", () -> new Bytes(LE).raw("hello, world\n".getBytes(StandardCharsets.US_ASCII)),
                        UnsupportedCaptureException.class, 0, 0, "unknown file format"),
                c("pcap header cut", () -> new Bytes(LE).u32(US).u16(2).u16(4).u32(0),
                        TruncatedCaptureException.class, 0, 0, "24 file header bytes, only got 12"),
                c("archaic version 1.4", () -> new Bytes(LE).pcapHeader(US, 1, 4, 65535, 1),
                        UnsupportedCaptureException.class, 4, 0, "archaic"),
                c("version 2.5", () -> new Bytes(BE).pcapHeader(US, 2, 5, 65535, 1),
                        UnsupportedCaptureException.class, 4, 0, "version 2.5"),
                c("version 3.0", () -> new Bytes(LE).pcapHeader(US, 3, 0, 65535, 1),
                        UnsupportedCaptureException.class, 4, 0, "version 3.0"),
                c("link type reserved bits", () -> new Bytes(LE).pcapHeader(US, 2, 4, 65535, 0x300000),
                        UnsupportedCaptureException.class, 20, 0, "reserved bits"),
                c("caplen over the maximum", () -> pcap(LE).record(1, 0, 60, 60, d60).record(2, 0, 60, 60, d60)
                        .record(3, 0, 262145, 262145, new byte[0]),
                        CaptureLengthException.class, 24 + 2 * 76, 2, "262145"),
                c("caplen absurd (big-endian)", () -> pcap(BE).record(1, 0, 60, 60, d60)
                        .record(3, 0, 0x53FE0000, 60, new byte[0]),
                        CaptureLengthException.class, 100, 1, "1409155072"),
                c("record header cut", () -> pcap(LE).record(1, 0, 60, 60, d60).u8(0),
                        TruncatedCaptureException.class, 100, 1, "16 header bytes, only got 1"),
                c("record data cut", () -> pcap(LE).record(1, 0, 60, 60, d60).record(1, 0, 60, 60, Bytes.data(59, 0)),
                        TruncatedCaptureException.class, 100, 1, "60 captured bytes, only got 59"),
                c("pcapng bad byte-order magic", () -> new Bytes(LE).u32(0x0A0D0D0A).u32(28).u32(0x12345678).zeros(16),
                        UnsupportedCaptureException.class, 8, 0, "byte-order magic"),
                c("pcapng version 1.1", () -> new Bytes(LE).shb(1, 1),
                        UnsupportedCaptureException.class, 12, 0, "version 1.1"),
                c("pcapng version 0.1 (big-endian)", () -> new Bytes(BE).shb(0, 1),
                        UnsupportedCaptureException.class, 12, 0, "version 0.1"),
                c("pcapng later section major 2", () -> ng(LE).epb(0, 0, 60, 60, d60).shb(2, 0),
                        UnsupportedCaptureException.class, 152 + 12, 1, "major version number 2"),
                c("pcapng length not a multiple of 4", () -> ng(LE).epb(0, 0, 60, 60, d60).u32(6).u32(94).zeros(86),
                        CaptureLengthException.class, 152, 1, "not a multiple of 4"),
                c("pcapng length under 12", () -> ng(BE).u32(6).u32(8).u32(0),
                        CaptureLengthException.class, 60, 0, "< 12"),
                c("pcapng block past the end", () -> ng(LE).epb(0, 0, 60, 60, d60).u32(6).u32(92).zeros(40),
                        TruncatedCaptureException.class, 152, 1, "only 48 bytes remain"),
                c("pcapng block header cut", () -> ng(LE).epb(0, 0, 60, 60, d60).u32(6).u8(0),
                        TruncatedCaptureException.class, 152, 1, "only got 5"),
                c("pcapng trailer mismatch", () -> ng(LE).u32(6).u32(92).zeros(80).u32(96),
                        CaptureLengthException.class, 60, 0, "header 92 and trailer 96"),
                c("pcapng block too big", () -> ng(LE).u32(6).u32(0x7FFFFFF0).zeros(8),
                        CaptureLengthException.class, 60, 0, "maximum"),
                c("pcapng unknown interface", () -> ng(LE).epb(0, 0, 60, 60, d60).epb(1, 0, 60, 60, d60),
                        CaptureFormatException.class, 152, 1, "interface 1"),
                c("pcapng packet before interface", () -> new Bytes(LE).shb(1, 0).epb(0, 0, 60, 60, d60),
                        CaptureFormatException.class, 28, 0, "before any Interface Description"),
                c("pcapng caplen past the block", () -> ng(LE).epb(0, 0, 60, 60, d60).epb(0, 0, 64, 64, d60),
                        CaptureFormatException.class, 152, 1, "too short"),
                c("pcapng caplen over the maximum", () -> ng(LE).epb(0, 0, 262148, 262148, new byte[262148]),
                        CaptureLengthException.class, 60, 0, "262148"),
                c("pcapng tsresol of 2 bytes", () -> new Bytes(LE).shb(1, 0).u32(1).u32(32).u16(1).u16(0).u32(0)
                        .u16(9).u16(2).u16(6).u16(0).u32(0).u32(32),
                        CaptureFormatException.class, 28, 0, "if_tsresol option with length 2"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void malformedFilesThrowTypedErrorsAfterTheGoodPackets(String name, Supplier<Bytes> file,
            Class<? extends CaptureFormatException> type, long offset, int packets, String messagePart)
            throws IOException {
        for (int buffer : new int[] {1 << 20, 64}) {
            TestSupport.Result r = TestSupport.readAll(file.get().toArray(), buffer);
            CaptureFormatException e = r.error();
            assertNotNull(e, name + ": no error; packets " + r.packets().size());
            assertEquals(type, e.getClass(), name + ": " + e.getMessage());
            assertEquals(offset, e.offset(), name + ": " + e.getMessage());
            assertEquals(packets, r.packets().size(), name);
            assertEquals(packets, e.packetsRead(), name);
            assertTrue(e.getMessage().contains(messagePart), name + ": " + e.getMessage());
            assertTrue(e.getMessage().startsWith("test: "), e.getMessage());
        }
    }

    /** Cutting a valid file at every byte: the whole records before the cut, then a truncation error or EOF. */
    @Test
    void everyCutOfAValidFileDeliversTheWholeRecordsBeforeIt() throws IOException {
        int[] sizes = {60, 1, 0, 33, 1514};
        Bytes p = pcap(LE);
        Bytes n = ng(BE);
        long[] pcapEnds = new long[sizes.length];
        long[] ngEnds = new long[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            p.record(i, 0, sizes[i], sizes[i], Bytes.data(sizes[i], i));
            n.epb(0, i, sizes[i], sizes[i], Bytes.data(sizes[i], i));
            pcapEnds[i] = p.size();
            ngEnds[i] = n.size();
        }
        checkCuts(p.toArray(), pcapEnds, 24);
        checkCuts(n.toArray(), ngEnds, 60);
    }

    private static void checkCuts(byte[] file, long[] recordEnds, int headerSize) throws IOException {
        for (int cut = headerSize; cut <= file.length; cut++) {
            TestSupport.Result r = TestSupport.readAll(Arrays.copyOf(file, cut), 256);
            int whole = 0;
            while (whole < recordEnds.length && recordEnds[whole] <= cut) {
                whole++;
            }
            assertEquals(whole, r.packets().size(), "cut at " + cut);
            boolean atBoundary = cut == headerSize || (whole > 0 && recordEnds[whole - 1] == cut);
            if (atBoundary) {
                assertNull(r.error(), "cut at " + cut);
            } else {
                assertEquals(TruncatedCaptureException.class, r.error().getClass(), "cut at " + cut);
                assertEquals(whole == 0 ? headerSize : recordEnds[whole - 1], r.error().offset(), "cut at " + cut);
            }
        }
    }
}
