package io.weir.spark;

import static io.weir.spark.SparkTests.pcap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.weir.capture.CaptureFormatException;
import io.weir.capture.Packet;
import io.weir.capture.PcapReader;
import io.weir.capture.split.CaptureIndex;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Splitting changes nothing: on generated captures of at least 256 MiB (pcap in microseconds little-endian, pcap
 * in nanoseconds big-endian, pcapng), one split, 32 MiB splits and 7,340,033-byte splits give the same count,
 * {@code sum(len)} and set of record offsets as a sequential walk, with {@code verify} on. On hostile files
 * (payloads that embed valid-looking records, 64 KiB packets, caplen above snaplen, timestamps out of order, a
 * truncated last record) every split size gives the sequential result or fails naming the file and range.
 */
class SplitInvarianceTest {
    private static final long BIG_PACKETS = 480_000;   // about 278 MB at ~580 bytes a packet
    private static final String[] SIZES = {"none", "32m", "7340033"};

    /** count, sum(len), sum(offset) and two offset hashes: equal multisets of offsets give equal figures. */
    record Figures(long count, long lenSum, long offsetSum, long h1, long h2) {}

    static final String[] AGGREGATES = {"count(*)", "coalesce(sum(len), 0)", "coalesce(sum(offset), 0)",
        "coalesce(sum(pmod(offset * 1000003, 2147483647)), 0)",
        "coalesce(sum(pmod(offset * 999983 + 12345, 2147483629)), 0)"};

    static Figures sequential(Path f, boolean stopAtError) throws IOException {
        long n = 0;
        long len = 0;
        long off = 0;
        long h1 = 0;
        long h2 = 0;
        try (PcapReader r = PcapReader.open(f)) {
            while (r.next()) {
                Packet p = r.packet();
                long o = p.recordOffset();
                n++;
                len += p.wireLen();
                off += o;
                h1 += Math.floorMod(o * 1000003L, 2147483647L);
                h2 += Math.floorMod(o * 999983L + 12345, 2147483629L);
            }
        } catch (CaptureFormatException e) {
            if (!stopAtError) {
                throw e;
            }
        }
        return new Figures(n, len, off, h1, h2);
    }

    static Figures spark(Path f, String size, String mode) {
        var reader = pcap().option("verify", "true").option("mode", mode);
        reader = size.equals("none") ? reader.option("split", "none") : reader.option("splitSize", size);
        Row r = reader.load(f.toString()).selectExpr(AGGREGATES).first();
        return new Figures(r.getLong(0), r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4));
    }

    @Test
    void largeCapturesGiveTheSameResultAtEverySplitSize() throws IOException {
        List<Path> files = List.of(
                SparkTests.generated("big-us-le.pcap", BIG_PACKETS, 11, "ether", "pcap", ByteOrder.LITTLE_ENDIAN, 0),
                SparkTests.generated("big-ns-be.pcap", BIG_PACKETS, 12, "ether", "pcap-ns", ByteOrder.BIG_ENDIAN, 0),
                SparkTests.generated("big.pcapng", BIG_PACKETS, 13, "ether", "pcapng", ByteOrder.LITTLE_ENDIAN, 0));
        // pcapng through an index (what `weir index` writes): the heuristic resync gives up on this file
        // ("ambiguous" chains), which is allowed, but then no split size could be tested.
        Path ng = files.get(2);
        if (!Files.exists(CaptureIndex.sidecarPath(ng))) {
            CaptureIndex.build(ng, 1L << 20).write(CaptureIndex.sidecarPath(ng));
        }
        for (Path f : files) {
            assertTrue(Files.size(f) >= 256L << 20, f + " is " + Files.size(f) + " bytes");
            Figures want = sequential(f, false);
            for (String size : SIZES) {
                int parts = pcap().option("splitSize", size.equals("none") ? "256m" : size)
                        .option("split", size.equals("none") ? "none" : "auto").load(f.toString())
                        .javaRDD().getNumPartitions();
                assertEquals(want, spark(f, size, "FAILFAST"), f + " split " + size + " (" + parts + " tasks)");
                if (!size.equals("none")) {
                    assertTrue(parts > 5, f + " split " + size + ": " + parts + " tasks");
                }
            }
        }
    }

    @Test
    void hostileFilesGiveTheSequentialResultOrFailWithTheRange() throws IOException {
        long seed = 20261125;
        Path hostile = SparkTests.target().resolve("gen/hostile.pcap");
        Path truncated = SparkTests.target().resolve("gen/hostile-truncated.pcap");
        byte[] bytes = hostileCapture(new SplittableRandom(seed));
        Files.createDirectories(hostile.getParent());
        Files.write(hostile, bytes);
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length - 50));
        for (Path f : List.of(hostile, truncated)) {
            Figures want = sequential(f, true);
            // Small splits cost a task each (~60 ms with verify): one small size on one file, larger ones on both.
            String[] sizes = f == hostile ? new String[] {"none", "100003", "262147", "1048583"}
                    : new String[] {"none", "262147", "1048583"};
            for (String size : sizes) {
                String what = f.getFileName() + " split " + size + " (seed " + seed + ")";
                try {
                    assertEquals(want, spark(f, size, "PERMISSIVE"), what);
                } catch (RuntimeException e) {
                    String m = PcapSourceTest.message(e);
                    if (!(m.contains(f.toString()) && m.contains("byte"))) {
                        fail(what + ": failed without naming the file and range: " + m, e);
                    }
                }
            }
        }
    }

    /**
     * A classic pcap (snaplen 4096) whose payloads are chains of valid-looking records, with 64 KiB packets
     * (caplen above snaplen, within Ethernet's maximum) whose payload is one long fake chain, and timestamps
     * that sometimes go back.
     */
    static byte[] hostileCapture(SplittableRandom rnd) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(8 << 20);
        ByteBuffer h = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(4096).putInt(1);
        out.write(h.array());
        long sec = 1_700_000_000L;
        for (int i = 0; i < 3000; i++) {
            sec += rnd.nextInt(3) - (i % 17 == 0 ? 5 : 0);
            int len = i % 50 == 0 ? 65535 : 60 + rnd.nextInt(1400);
            byte[] data = new byte[len];
            rnd.nextBytes(data);
            if (i % 3 == 0 || len == 65535) {
                fakeRecords(data, 14, sec, rnd);
            }
            record(out, sec, rnd.nextInt(1_000_000), data);
        }
        return out.toByteArray();
    }

    /** Fills {@code data} from {@code at} with a chain of record headers and bodies that look valid. */
    private static void fakeRecords(byte[] data, int at, long sec, SplittableRandom rnd) {
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        while (at + 16 + 64 <= data.length) {
            int caplen = Math.min(data.length - at - 16, 40 + rnd.nextInt(200));
            b.putInt(at, (int) sec).putInt(at + 4, rnd.nextInt(1_000_000)).putInt(at + 8, caplen)
                    .putInt(at + 12, caplen);
            at += 16 + caplen;
        }
    }

    private static void record(OutputStream out, long sec, int usec, byte[] data) throws IOException {
        ByteBuffer r = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        r.putInt((int) sec).putInt(usec).putInt(data.length).putInt(data.length);
        out.write(r.array());
        out.write(data);
    }
}
