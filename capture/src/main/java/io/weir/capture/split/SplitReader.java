package io.weir.capture.split;

import io.weir.capture.CaptureFormatException;
import io.weir.capture.Packet;
import io.weir.capture.PcapReader;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads one {@link FileSplit}: exactly the records (pcap) or packet blocks (pcapng) whose header starts in the
 * split's byte range, in file order, through the same reusable {@link Packet} view as {@link PcapReader}. The
 * last record may run past the range's end; the first one is found by the split's {@link SplitMode}: the start
 * itself (offset 0, an index entry) or a proven resync (see the package documentation).
 *
 * <pre>{@code
 * for (FileSplit s : SplitPlanner.plan(file, SplitMode.AUTO, 256L << 20)) {
 *     try (SplitReader r = SplitReader.open(s, SplitMode.AUTO)) {
 *         for (Packet p; (p = r.next()) != null; ) {
 *             filter.run(p.buffer(), p.offset(), p.capLen(), p.wireLen());
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>For {@code option("verify")}: {@link #firstRecordOffset()} is the first record (pcapng: block) at or
 * after the start, {@link #nextRecordOffsetAfterEnd()} the first one at or after the end, so for consecutive
 * splits {@code a}, {@code b}: {@code a.nextRecordOffsetAfterEnd()} equals {@code b.firstRecordOffset()}, or
 * {@code b.nextRecordOffsetAfterEnd()} when {@code b} holds no record (one record longer than the split).
 */
public final class SplitReader implements Closeable {
    private final FileSplit split;
    private final Path file;
    private final String name;
    private final long size;
    private final boolean whole;         // no other split depends on this one's checks (see the constructor)
    private final boolean compressed;
    private final boolean sectionsKnown; // an index lists every section: later sections need no check
    private final int maxBlock;          // pcapng: the block length the resync assumed (heuristic)
    private final long sectionStart;     // pcapng: the section whose interfaces are in force at the start
    private final boolean strictBlocks;  // pcapng, heuristic: an unregistered block type is a fault
    private final boolean ngFormat;
    private PcapReader reader;
    private long section;                // offset of the section header in force
    private long first = -1;
    private long afterEnd = -1;
    private long deliverFrom;            // after a fallback: packets before this offset were already delivered
    private Packet current;
    private long delivered;
    private boolean done;

    private SplitReader(FileSplit split, PcapReader reader, long size, boolean compressed, CaptureIndex index,
            Resync resync) {
        this.split = split;
        this.file = split.file();
        this.name = file.toString();
        this.reader = reader;
        this.size = size;
        this.compressed = compressed;
        // A file no longer than the resync window: every split walks from the head, relying on nothing.
        this.whole = split.start() == 0 && split.end() >= size || resync != null && resync.reachesOrigin(size);
        this.sectionsKnown = index != null;
        this.maxBlock = resync != null ? resync.maxRecord() : Integer.MAX_VALUE;
        this.sectionStart = index != null ? index.sectionOf(split.start()) : 0;
        this.section = reader.sectionOffset();
        boolean checkRecords = reader.format() == PcapReader.Format.PCAP && index == null && !whole && !compressed;
        this.strictBlocks = index == null && !whole && !compressed;
        if (strictBlocks) {
            reader.rejectUnknownBlocks();   // the resync only believes in registered block types
        }
        if (checkRecords) {
            // The splits after this one relied on the resync's test finding every true record (see the package
            // documentation): the reader applies it where it parses each header anyway.
            reader.checkRecordsForSplits(Resync.unitOf(reader), Resync.maxWireOf(reader));
        }
        this.ngFormat = reader.format() == PcapReader.Format.PCAPNG;
    }

    /**
     * Opens one split: reads the file header (pcap) or first section's head (pcapng) from the file's start,
     * finds the first record at or after {@code split.start()} and iterates the records starting in
     * {@code [start, end)}. Throws a {@link CaptureFormatException} naming the file and byte range if no boundary
     * can be proven. With an index ({@link SplitMode#INDEX}, or {@link SplitMode#AUTO} and a current sidecar)
     * the split must start at 0 or at an index entry, as {@link SplitPlanner} makes them.
     */
    public static SplitReader open(FileSplit split, SplitMode mode) throws IOException {
        Path file = split.file();
        String name = file.toString();
        boolean gz = SplitPlanner.isCompressed(file);
        CaptureIndex index = gz ? null : indexFor(split, mode);
        PcapReader reader = PcapReader.open(file, bufferFor(split));
        try {
            long size = Files.size(file);
            reader.readSectionHead();
            long headEnd = reader.offset();
            long origin = reader.format() == PcapReader.Format.PCAPNG ? 0 : headEnd;
            if (split.start() == 0) {
                SplitReader r = new SplitReader(split, reader, size, gz, index, index != null || gz ? null
                        : new Resync(null, name, size, reader, origin));
                r.startAt(origin, headEnd, true);
                return r;
            }
            if (gz) {
                throw new CaptureFormatException(name, split.start(), 0,
                        "a compressed capture cannot be split: its only split starts at 0");
            }
            if (index != null) {
                SplitReader r = new SplitReader(split, reader, size, false, index, null);
                r.startIndexed(headEnd);
                return r;
            }
            long boundary;
            Resync resync;
            try (FileChannel ch = FileChannel.open(file)) {
                resync = new Resync(ch, name, size, reader, origin);
                boundary = resync.firstBoundaryAtOrAfter(split.start());
            }
            SplitReader r = new SplitReader(split, reader, size, false, null, resync);
            // Near the head a pcapng split reads on from it: sections and interfaces on the way count.
            r.startAt(boundary, headEnd, !(resync.reachesOrigin(split.start()) && r.ng()));
            return r;
        } catch (IOException | RuntimeException e) {
            reader.close();
            throw e;
        }
    }

    /** A read buffer no larger than the split needs (many small splits are opened, each with its buffer). */
    private static int bufferFor(FileSplit split) {
        return (int) Math.min(1 << 20, split.length() + (1 << 16));
    }

    /** The index to start from: required for INDEX, used by AUTO when current. */
    private static CaptureIndex indexFor(FileSplit split, SplitMode mode) throws IOException {
        if (mode != SplitMode.INDEX && mode != SplitMode.AUTO) {
            return null;
        }
        Path sidecar = CaptureIndex.sidecarPath(split.file());
        CaptureIndex index;
        if (mode == SplitMode.AUTO) {
            if (!Files.exists(sidecar)) {
                return null;
            }
            try {
                index = CaptureIndex.read(sidecar, split.file());
            } catch (StaleIndexException e) {
                return null;
            }
        } else {
            index = CaptureIndex.read(sidecar, split.file());
        }
        if (split.start() != 0 && !index.hasEntryAt(split.start())) {
            throw new CaptureFormatException(split.file().toString(), split.start(), 0, "split " + split
                    + " does not start at an entry of " + sidecar + " (plan the splits with the same mode)");
        }
        return index;
    }

    private boolean ng() {
        return reader.format() == PcapReader.Format.PCAPNG;
    }

    /**
     * Positions the reader at the proven boundary {@code at}, by a seek or ({@code seek} false) by reading on from
     * the head, skipping the packets before {@code at}; {@code headEnd} is where the head reading stopped.
     */
    private void startAt(long at, long headEnd, boolean seek) throws IOException {
        first = at < split.end() && at < size ? at : -1;
        if (first < 0) {
            afterEnd = Math.min(at, size);
            done = true;
            return;
        }
        if (split.end() < headEnd) {
            // The split ends inside the blocks read as context (pcapng): they hold no packet.
            afterEnd = headBlockAtOrAfter(split.end(), headEnd);
            done = true;
            return;
        }
        if (seek && at > headEnd) {
            reader.seek(at);
        }
        deliverFrom = at;
        reader.limit(compressed ? Long.MAX_VALUE : split.end());
    }

    private void startIndexed(long headEnd) throws IOException {
        if (sectionStart > 0) {
            reader.seek(sectionStart);
            reader.readSectionHead();
            section = reader.sectionOffset();
            headEnd = reader.offset();
        }
        startAt(split.start(), headEnd, true);
    }

    /** The first block boundary at or after {@code end} among the head's blocks (walked from the section start). */
    private long headBlockAtOrAfter(long end, long headEnd) throws IOException {
        long from = sectionStart;
        ByteBuffer head = ByteBuffer.allocate((int) (headEnd - from)).order(reader.byteOrder());
        try (FileChannel ch = FileChannel.open(file)) {
            while (head.hasRemaining() && ch.read(head, from + head.position()) >= 0) {
                // read the head whole
            }
        }
        long x = from;
        while (x < end) {
            x += head.getInt((int) (x - from) + 4) & 0xFFFFFFFFL;
        }
        return x;
    }

    /** The next packet of this split, or {@code null} at its end. The packet is a reused view. */
    public Packet next() throws IOException {
        if (done) {
            return null;
        }
        for (;;) {
            boolean more;
            try {
                more = reader.next();
            } catch (PcapReader.ContextException e) {
                fallback();
                continue;
            }
            if (ngFormat) {
                checkContext();   // pcap has no sections, and its longest record is fixed by the header
            }
            if (!more) {
                done = true;
                current = null;
                afterEnd = compressed ? split.end() : reader.offset();
                return null;
            }
            Packet p = reader.packet();
            if (p.recordOffset() < deliverFrom) {
                continue;   // re-read after a fallback
            }
            current = p;
            delivered++;
            return p;
        }
    }

    /**
     * The positioned reader met an interface it lacks (an interface block, or a packet on an unknown interface,
     * after the seek): read the section sequentially from its start instead, skipping what was delivered.
     */
    private void fallback() throws IOException {
        long resume = current != null ? current.recordOffset() + 1 : deliverFrom;
        reader.close();
        reader = PcapReader.open(file, bufferFor(split));
        if (strictBlocks) {
            reader.rejectUnknownBlocks();
        }
        if (sectionStart > 0) {
            reader.seek(sectionStart);
        }
        reader.limit(split.end());
        deliverFrom = resume;
        current = null;
    }

    /**
     * A split may only rely on the file's head if every other split can too: a later section (pcapng), or an
     * interface allowing blocks longer than the resync assumed, fails the split unless the index lists sections
     * or the split is the whole file.
     */
    private void checkContext() throws CaptureFormatException {
        long s = reader.sectionOffset();
        if (s != section) {
            section = s;
            if (!sectionsKnown && !whole && s >= split.start()) {
                throw new CaptureFormatException(name, s, reader.packetsRead(), "a second pcapng section starts"
                        + " in split [" + split.start() + ", " + split.end() + "); a multi-section file can only be"
                        + " split with an index (weir index) or read whole (split=none)");
            }
        }
        if (!whole && !sectionsKnown && reader.maxRecordLength() > maxBlock) {
            throw new CaptureFormatException(name, reader.offset(), reader.packetsRead(), "an interface in split ["
                    + split.start() + ", " + split.end() + ") allows blocks of " + reader.maxRecordLength()
                    + " bytes, more than the " + maxBlock + " the resync assumed; index the file or use split=none");
        }
    }

    /** Byte offset of the current packet's record header (pcapng: block) in the file. */
    public long recordOffset() {
        return current == null ? -1 : current.recordOffset();
    }

    /** LINKTYPE_* of the current packet (per interface in pcapng). */
    public int linkType() {
        return current == null ? -1 : current.linkType();
    }

    /** pcapng interface id of the current packet (0 for pcap). */
    public int interfaceId() {
        return current == null ? 0 : current.interfaceId();
    }

    /** Where this split's first record (pcapng: block) starts; -1 if none starts in the split. */
    public long firstRecordOffset() {
        return first;
    }

    /**
     * After {@link #next()} returned {@code null}: where the first record (pcapng: block) at or after the
     * split's end starts, or the file size at the end of the file (for a compressed file: its compressed size).
     * -1 before that.
     */
    public long nextRecordOffsetAfterEnd() {
        return done ? afterEnd : -1;
    }

    /** The split being read. */
    public FileSplit split() {
        return split;
    }

    /** Packets delivered so far. */
    public long packetsRead() {
        return delivered;
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }

}
