package io.weir.capture;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;

/**
 * Fuzz target: any bytes read as a capture (pcap or pcapng; a gzip stream is inflated first) give packets and
 * then either a clean end or a {@link CaptureFormatException} whose offset lies inside the input, never another
 * exception; every packet's bytes lie inside its buffer; and the reader allocates memory in proportion to the
 * bytes it was given, never to a length field it has not yet checked against the data present.
 *
 * <p>Both entry points run: a stream (heap buffer, deliberately small so refills and growth happen) and a
 * channel (direct buffer). Seeds: {@code PcapReaderFuzzTestInputs/captures/}, cut from the bundled captures by
 * {@link #main}.
 */
class PcapReaderFuzzTest {
    /** What a read may allocate beyond its own buffers: class init, exceptions and messages. */
    private static final long ALLOCATION_SLACK = 2L << 20;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @FuzzTest(maxDuration = "25s")
    void captures(byte[] input) throws IOException {
        boolean gzip = input.length >= 2 && (input[0] & 0xff) == 0x1f && (input[1] & 0xff) == 0x8b;
        long allocated = readThroughStream(input, gzip);
        // A second run is warm (classes loaded, messages interned): only it is held to the bound.
        if (!gzip && allocated > bound(input)) {
            allocated = readThroughStream(input, gzip);
            if (allocated > bound(input)) {
                fail("reading " + input.length + " bytes allocated " + allocated
                        + " bytes: an allocation follows a length field, not the data present");
            }
        }
        try (PcapReader r = PcapReader.open(Channels.newChannel(new ByteArrayInputStream(input)), "fuzz")) {
            drain(r, input, gzip);
        } catch (CaptureFormatException e) {
            checkError(e, input, gzip);
        }
    }

    private static long bound(byte[] input) {
        return ALLOCATION_SLACK + 4L * input.length;
    }

    private static long readThroughStream(byte[] input, boolean gzip) throws IOException {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        try (PcapReader r = PcapReader.open(new ByteArrayInputStream(input), "fuzz", 64)) {
            drain(r, input, gzip);
        } catch (CaptureFormatException e) {
            checkError(e, input, gzip);
        }
        return THREADS.getCurrentThreadAllocatedBytes() - before;
    }

    private static void drain(PcapReader r, byte[] input, boolean gzip) throws IOException {
        long last = -1;
        while (r.next()) {
            Packet p = r.packet();
            ByteBuffer b = p.buffer();
            assertTrue(p.capLen() >= 0 && p.offset() >= 0 && p.offset() + p.capLen() <= b.capacity(),
                    () -> "packet " + p.number() + " lies outside its buffer");
            assertTrue(p.recordOffset() > last, "record offsets increase");
            last = p.recordOffset();
            if (!gzip) {
                assertTrue(p.recordOffset() + p.capLen() <= input.length, "a packet lies inside the input");
            }
            assertTrue(r.linkType() >= 0 || r.format() == PcapReader.Format.PCAPNG, "a link type");
        }
    }

    private static void checkError(CaptureFormatException e, byte[] input, boolean gzip) {
        assertTrue(e.offset() >= 0 && (gzip || e.offset() <= input.length),
                () -> "offset " + e.offset() + " outside the " + input.length + "-byte input: " + e.getMessage());
        assertTrue(e.getMessage() != null && !e.getMessage().isEmpty(), "a message");
    }

    /** Writes the seed corpus from the bundled captures: {@code main(pcapsDir, inputsDir)}. */
    public static void main(String[] args) throws IOException {
        java.nio.file.Path src = java.nio.file.Path.of(args[0]);
        java.nio.file.Path dir = java.nio.file.Path.of(args[1]);
        java.nio.file.Files.createDirectories(dir);
        String[] files = {"mixed-ether.pcap", "mixed-ether-be-ns.pcap", "mixed-ether-ns.pcapng", "mixed-null.pcap",
                "mixed-raw.pcap"};
        for (String f : files) {
            byte[] all = java.nio.file.Files.readAllBytes(src.resolve(f));
            // The header and the first few records: enough structure for the fuzzer to mutate.
            byte[] cut = java.util.Arrays.copyOf(all, Math.min(all.length, 600));
            java.nio.file.Files.write(dir.resolve(f.replace('.', '-')), cut);
        }
    }
}
