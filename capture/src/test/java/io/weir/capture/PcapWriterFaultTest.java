package io.weir.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A disk that fills up: the writers' file channel accepts {@code N} bytes (the last write partly, as
 * {@code write(2)} does before {@code ENOSPC}) and then fails. The writer must report the error, and the file must
 * hold whole records only: a prefix of the packets written, readable to its end with no truncation error.
 */
class PcapWriterFaultTest {
    private static final int PACKETS = 400;

    @TempDir
    Path tmp;

    /** {format, writer buffer size, bytes the disk takes}. */
    static List<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String format : new String[] {"pcap", "pcapng"}) {
            for (int buffer : new int[] {256, 4096, 1 << 20}) {
                for (long limit : new long[] {0, 7, 24, 100, 1000, 4095, 4097, 20_000, 60_001}) {
                    out.add(Arguments.of(format, buffer, limit));
                }
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}, buffer {1}, disk full after {2} bytes")
    @MethodSource("cases")
    void diskFullLeavesWholeRecords(String format, int buffer, long limit) throws IOException {
        Path file = tmp.resolve("out." + format);
        List<byte[]> packets = packets(0xF0117L);
        FullDisk disk = new FullDisk(FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING), limit);
        IOException e = assertThrows(IOException.class, () -> writeAll(format, buffer, disk, packets),
                "the writer reports a full disk");
        assertTrue(String.valueOf(e.getMessage()).contains("No space left"), () -> "the cause is kept: " + e);
        assertTrue(Files.size(file) <= limit, "never more than the disk took");
        if (Files.size(file) == 0) {
            return;   // nothing whole was written: an empty file is the honest result
        }
        TestSupport.Result r = TestSupport.readAll(Files.readAllBytes(file));
        assertNull(r.error(), () -> "the file ends between records, yet reading it failed: " + r.error());
        for (int i = 0; i < r.packets().size(); i++) {
            assertArrayEquals(packets.get(i), r.packets().get(i).data(), "packet " + i + " is the one written");
        }
    }

    private static void writeAll(String format, int buffer, SeekableByteChannel ch, List<byte[]> packets)
            throws IOException {
        if (format.equals("pcap")) {
            try (PcapWriter w = PcapWriter.builder().linkType(1).bufferSize(buffer).open(ch)) {
                long t = 1_700_000_000_000_000_000L;
                for (byte[] p : packets) {
                    w.write(p, 0, p.length, p.length, t += 1000);
                }
            }
        } else {
            try (PcapNgWriter w = PcapNgWriter.open(ch, ByteOrder.LITTLE_ENDIAN)) {
                int id = w.addInterface(1, 262144, 9, "eth0");
                long t = 1_700_000_000_000_000_000L;
                for (byte[] p : packets) {
                    w.write(id, p, 0, p.length, p.length, t += 1000);
                }
            }
        }
    }

    private static List<byte[]> packets(long seed) {
        Random r = new Random(seed);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < PACKETS; i++) {
            byte[] p = new byte[14 + r.nextInt(r.nextInt(10) == 0 ? 3000 : 200)];
            r.nextBytes(p);
            out.add(p);
        }
        return out;
    }

    /** A file channel on a disk with {@code limit} bytes free: a write past it is partial, the next one fails. */
    private static final class FullDisk implements SeekableByteChannel {
        private final FileChannel file;
        private final long limit;

        FullDisk(FileChannel file, long limit) {
            this.file = file;
            this.limit = limit;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            long room = limit - file.position();
            if (room <= 0) {
                throw new IOException("No space left on device");
            }
            if (src.remaining() <= room) {
                return file.write(src);
            }
            ByteBuffer part = src.duplicate();
            part.limit(part.position() + (int) room);
            int n = file.write(part);
            src.position(src.position() + n);
            return n;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return file.read(dst);
        }

        @Override
        public long position() throws IOException {
            return file.position();
        }

        @Override
        public SeekableByteChannel position(long p) throws IOException {
            file.position(p);
            return this;
        }

        @Override
        public long size() throws IOException {
            return file.size();
        }

        @Override
        public SeekableByteChannel truncate(long size) throws IOException {
            file.truncate(size);
            return this;
        }

        @Override
        public boolean isOpen() {
            return file.isOpen();
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }
}
