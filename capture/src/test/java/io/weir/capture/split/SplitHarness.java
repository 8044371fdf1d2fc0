package io.weir.capture.split;

import io.weir.capture.CaptureFormatException;
import io.weir.capture.Packet;
import io.weir.capture.PcapReader;
import io.weir.capture.gen.GenerateCapture;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Test support: reads a capture sequentially and split by split into comparable lists, checks the splits'
 * chain of offsets, and writes generated captures under {@code target/}.
 */
final class SplitHarness {
    private SplitHarness() {}

    /** One packet as both readers must deliver it (its bytes as a checksum). */
    record Rec(long offset, int capLen, int wireLen, long ts, int iface, int linkType, long crc) {
        static Rec of(Packet p) {
            CRC32C c = new CRC32C();
            c.update(p.buffer().duplicate().limit(p.offset() + p.capLen()).position(p.offset()));
            return new Rec(p.recordOffset(), p.capLen(), p.wireLen(), p.timestampNanos(), p.interfaceId(),
                    p.linkType(), c.getValue());
        }
    }

    /** What a read delivered and the error that ended it, if any. */
    record Outcome(List<Rec> packets, CaptureFormatException error, int splits) {
        boolean failed() {
            return error != null;
        }
    }

    /** The sequential walk. */
    static Outcome sequential(Path file) throws IOException {
        List<Rec> out = new ArrayList<>();
        try (PcapReader r = PcapReader.open(file)) {
            while (r.next()) {
                out.add(Rec.of(r.packet()));
            }
        } catch (CaptureFormatException e) {
            return new Outcome(out, e, 1);
        }
        return new Outcome(out, null, 1);
    }

    /**
     * Reads every split of a plan in order, checking that each reader delivers only records starting in its range
     * and that consecutive splits chain ({@code nextRecordOffsetAfterEnd == firstRecordOffset}). Stops at the
     * first failing split, as a job would.
     */
    static Outcome splitRead(Path file, SplitMode mode, long splitSize) throws IOException {
        List<FileSplit> plan = SplitPlanner.plan(file, mode, splitSize);
        List<Rec> out = new ArrayList<>();
        long expectNext = -1;
        long size = Files.size(file);
        boolean compressed = SplitPlanner.isCompressed(file);   // offsets are then in the decompressed data
        for (FileSplit s : plan) {
            try (SplitReader r = SplitReader.open(s, mode)) {
                long first = r.firstRecordOffset();
                if (first >= 0 && (first < s.start() || first >= s.end())) {
                    throw new AssertionError(s + ": first record " + first + " outside the split");
                }
                for (Packet p; (p = r.next()) != null; ) {
                    if (!compressed && (p.recordOffset() < s.start() || p.recordOffset() >= s.end())) {
                        throw new AssertionError(s + ": packet at " + p.recordOffset() + " outside the split");
                    }
                    if (r.recordOffset() != p.recordOffset() || r.linkType() != p.linkType()
                            || r.interfaceId() != p.interfaceId()) {
                        throw new AssertionError(s + ": reader accessors disagree with the packet");
                    }
                    out.add(Rec.of(p));
                }
                long next = r.nextRecordOffsetAfterEnd();
                if (next < s.end() && next != size) {
                    throw new AssertionError(s + ": next record after the end at " + next);
                }
                if (expectNext >= 0) {
                    long mine = first >= 0 ? first : next;
                    if (mine != expectNext) {
                        throw new AssertionError(s + ": starts at " + mine + " but the previous split ended at "
                                + expectNext);
                    }
                }
                expectNext = next;
            } catch (CaptureFormatException e) {
                return new Outcome(out, e, plan.size());
            }
        }
        if (expectNext != size) {
            throw new AssertionError(file + ": the last split ended at " + expectNext + ", not at " + size);
        }
        return new Outcome(out, null, plan.size());
    }

    /** The build's scratch directory for generated captures (never the repository's sources). */
    static Path scratch() throws IOException {
        Path dir = Path.of("target", "split-tests");
        Files.createDirectories(dir);
        return dir;
    }

    /** Writes (once per run) a generated capture of about {@code packets} packets. */
    static Path generated(String format, ByteOrder order, long packets, long seed) throws IOException {
        String name = "gen-" + format + "-" + (order == ByteOrder.BIG_ENDIAN ? "be" : "le") + "-" + packets + "-"
                + seed + (format.equals("pcapng") ? ".pcapng" : ".pcap");
        Path file = scratch().resolve(name);
        GenerateCapture.write(new GenerateCapture.Options(packets, seed, io.weir.capture.LinkType.ETHERNET, format,
                order, file.toString(), 64));
        return file;
    }
}
