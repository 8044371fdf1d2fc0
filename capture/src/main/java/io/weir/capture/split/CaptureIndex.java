package io.weir.capture.split;

import io.weir.capture.Packet;
import io.weir.capture.PcapReader;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The sidecar {@code FILE.weirindex} written by {@code weir index}: the offset of the first record (pcapng:
 * packet block) at or after every {@code everyBytes} of the capture, with that record's time stamp and the
 * packets before it, each chunk's time stamp range, the pcapng section starts, and the whole file's time range.
 * {@link SplitPlanner} cuts {@link SplitMode#INDEX} splits at these offsets (no resync needed, multi-section
 * pcapng included), and the time ranges let {@code ts} predicates prune files and splits.
 *
 * <p>A sidecar is current when the capture's size and a CRC-32C of its first and last 64 KiB match what it
 * recorded (the modification time is kept for information only: copies keep their index). The format is
 * big-endian binary, versioned, and ends with a CRC-32C of everything before it.
 */
public final class CaptureIndex {
    private static final long MAGIC = 0x5745495249445831L;   // "WEIRIDX1"
    private static final int VERSION = 1;
    private static final int PROBE = 64 * 1024;
    /** File name suffix of the sidecar. */
    public static final String SUFFIX = ".weirindex";

    /**
     * One index point.
     *
     * @param offset        byte offset of the record (pcapng: packet block) at or after a multiple of
     *                      {@code everyBytes}
     * @param firstTsNanos  its time stamp
     * @param packetsBefore packets before it in the file
     */
    public record Entry(long offset, long firstTsNanos, long packetsBefore) {}

    /** A time stamp range in nanoseconds since the epoch; empty when {@code min > max}. */
    public record TsRange(long minNanos, long maxNanos) {
        /** True if no packet lies in the range. */
        public boolean isEmpty() {
            return minNanos > maxNanos;
        }
    }

    private final long captureSize;
    private final long captureMtime;
    private final long headCrc;
    private final boolean compressed;
    private final long everyBytes;
    private final long packets;
    private final List<Entry> entries;
    private final long[] chunkMin;   // per entry: time range of the packets from it to the next entry
    private final long[] chunkMax;
    private final long[] sections;   // pcapng section header offsets ({0} for pcap)

    private CaptureIndex(long captureSize, long captureMtime, long headCrc, boolean compressed, long everyBytes,
            long packets, List<Entry> entries, long[] chunkMin, long[] chunkMax, long[] sections) {
        this.captureSize = captureSize;
        this.captureMtime = captureMtime;
        this.headCrc = headCrc;
        this.compressed = compressed;
        this.everyBytes = everyBytes;
        this.packets = packets;
        this.entries = Collections.unmodifiableList(entries);
        this.chunkMin = chunkMin;
        this.chunkMax = chunkMax;
        this.sections = sections;
    }

    /** Where the sidecar of {@code capture} lives: {@code capture} + {@value #SUFFIX}, beside it. */
    public static Path sidecarPath(Path capture) {
        return capture.resolveSibling(capture.getFileName() + SUFFIX);
    }

    /** Reads the whole capture once and indexes it every {@code everyBytes} (at least 1). */
    public static CaptureIndex build(Path capture, long everyBytes) throws IOException {
        if (everyBytes < 1) {
            throw new IllegalArgumentException("everyBytes must be at least 1, not " + everyBytes);
        }
        long size = Files.size(capture);
        long mtime = Files.getLastModifiedTime(capture).toMillis();
        long crc = probe(capture, size);
        boolean gz = SplitPlanner.isCompressed(capture);
        List<Entry> entries = new ArrayList<>();
        LongList min = new LongList();
        LongList max = new LongList();
        LongList sections = new LongList();
        long count = 0;
        try (PcapReader r = PcapReader.open(capture)) {
            long nextMark = 0;
            long section = -1;
            while (r.next()) {
                Packet p = r.packet();
                if (r.sectionOffset() != section) {
                    section = r.sectionOffset();
                    sections.add(section);
                }
                long at = p.recordOffset();
                long ts = p.timestampNanos();
                if (at >= nextMark) {
                    entries.add(new Entry(at, ts, count));
                    min.add(ts);
                    max.add(ts);
                    nextMark = (at / everyBytes + 1) * everyBytes;
                } else {
                    int last = min.size - 1;
                    min.values[last] = Math.min(min.values[last], ts);
                    max.values[last] = Math.max(max.values[last], ts);
                }
                count++;
            }
            if (sections.size == 0 || sections.values[0] != 0) {
                sections.insertFirst(0);
            }
        }
        return new CaptureIndex(size, mtime, crc, gz, everyBytes, count, entries, min.toArray(), max.toArray(),
                sections.toArray());
    }

    /** Writes the sidecar (through a temporary file renamed into place, so readers never see half of it). */
    public void write(Path sidecar) throws IOException {
        Path tmp = sidecar.resolveSibling(sidecar.getFileName() + ".tmp");
        CRC32C sum = new CRC32C();
        try (DataOutputStream out = new DataOutputStream(new CheckedOutputStream(
                new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16), sum))) {
            out.writeLong(MAGIC);
            out.writeInt(VERSION);
            out.writeLong(captureSize);
            out.writeLong(captureMtime);
            out.writeLong(headCrc);
            out.writeBoolean(compressed);
            out.writeLong(everyBytes);
            out.writeLong(packets);
            out.writeInt(sections.length);
            for (long s : sections) {
                out.writeLong(s);
            }
            out.writeInt(entries.size());
            for (int i = 0; i < entries.size(); i++) {
                Entry e = entries.get(i);
                out.writeLong(e.offset());
                out.writeLong(e.firstTsNanos());
                out.writeLong(e.packetsBefore());
                out.writeLong(chunkMin[i]);
                out.writeLong(chunkMax[i]);
            }
            out.flush();
            out.writeLong(sum.getValue());
        }
        Files.move(tmp, sidecar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Reads a sidecar and checks it against its capture, the sidecar's name without {@value #SUFFIX}. Throws
     * {@link NoSuchFileException} if the sidecar is absent and {@link StaleIndexException} if it does not match.
     */
    public static CaptureIndex read(Path sidecar) throws IOException {
        String n = sidecar.getFileName().toString();
        if (!n.endsWith(SUFFIX) || n.length() == SUFFIX.length()) {
            throw new IllegalArgumentException(sidecar + ": an index file name ends with " + SUFFIX);
        }
        return read(sidecar, sidecar.resolveSibling(n.substring(0, n.length() - SUFFIX.length())));
    }

    /** Reads a sidecar and checks it against {@code capture}. */
    public static CaptureIndex read(Path sidecar, Path capture) throws IOException {
        if (!Files.exists(sidecar)) {
            throw new NoSuchFileException(sidecar.toString(), null,
                    "no index for " + capture + " (write one with: weir index " + capture + ")");
        }
        CaptureIndex index;
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(sidecar), 1 << 16)) {
            index = decode(raw, sidecar);
        } catch (EOFException e) {
            throw new StaleIndexException(sidecar + ": truncated index; write it again with weir index " + capture);
        }
        long size = Files.size(capture);
        if (size != index.captureSize) {
            throw new StaleIndexException(sidecar + ": stale index: " + capture + " has " + size
                    + " bytes, the index was made for " + index.captureSize + "; write it again with weir index");
        }
        if (probe(capture, size) != index.headCrc) {
            throw new StaleIndexException(sidecar + ": stale index: the content of " + capture
                    + " changed since it was indexed; write it again with weir index");
        }
        return index;
    }

    private static CaptureIndex decode(InputStream raw, Path sidecar) throws IOException {
        CRC32C sum = new CRC32C();
        DataInputStream in = new DataInputStream(new CheckedInputStream(raw, sum));
        if (in.readLong() != MAGIC) {
            throw new StaleIndexException(sidecar + ": not a weir index");
        }
        int version = in.readInt();
        if (version != VERSION) {
            throw new StaleIndexException(sidecar + ": index version " + version + " (this Weir reads "
                    + VERSION + "); write it again with weir index");
        }
        long size = in.readLong();
        long mtime = in.readLong();
        long crc = in.readLong();
        boolean gz = in.readBoolean();
        long every = in.readLong();
        long packets = in.readLong();
        long[] sections = new long[count(in.readInt(), sidecar)];
        for (int i = 0; i < sections.length; i++) {
            sections[i] = in.readLong();
        }
        int n = count(in.readInt(), sidecar);
        List<Entry> entries = new ArrayList<>(n);
        long[] min = new long[n];
        long[] max = new long[n];
        for (int i = 0; i < n; i++) {
            entries.add(new Entry(in.readLong(), in.readLong(), in.readLong()));
            min[i] = in.readLong();
            max[i] = in.readLong();
        }
        long expected = sum.getValue();
        if (new DataInputStream(raw).readLong() != expected) {
            throw new StaleIndexException(sidecar + ": corrupt index (checksum); write it again with weir index");
        }
        return new CaptureIndex(size, mtime, crc, gz, every, packets, entries, min, max, sections);
    }

    private static int count(int n, Path sidecar) throws StaleIndexException {
        if (n < 0 || n > (1 << 26)) {
            throw new StaleIndexException(sidecar + ": corrupt index (a count of " + n + ")");
        }
        return n;
    }

    /** CRC-32C of the first and last 64 KiB (the whole file if smaller), with the size. */
    private static long probe(Path capture, long size) throws IOException {
        CRC32C crc = new CRC32C();
        try (FileChannel ch = FileChannel.open(capture)) {
            ByteBuffer b = ByteBuffer.allocate((int) Math.min(PROBE, size));
            readFully(ch, b, 0);
            crc.update(b.flip());
            if (size > PROBE) {
                b.clear();
                readFully(ch, b, size - b.capacity());
                crc.update(b.flip());
            }
        }
        return crc.getValue() ^ (size << 32);
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b, at + b.position()) < 0) {
                break;
            }
        }
    }

    /** The index points, in file order. */
    public List<Entry> entries() {
        return entries;
    }

    /** Earliest time stamp in the file ({@code Long.MAX_VALUE} if it has no packets). */
    public long minTsNanos() {
        long m = Long.MAX_VALUE;
        for (long v : chunkMin) {
            m = Math.min(m, v);
        }
        return m;
    }

    /** Latest time stamp in the file ({@code Long.MIN_VALUE} if it has no packets). */
    public long maxTsNanos() {
        long m = Long.MIN_VALUE;
        for (long v : chunkMax) {
            m = Math.max(m, v);
        }
        return m;
    }

    /**
     * Time range of the packets whose record starts in {@code [start, end)}, for split pruning; exact when both
     * ends are 0, an entry offset or the file size (as {@link SplitPlanner} makes {@link SplitMode#INDEX} splits),
     * else widened to the chunks the range touches.
     */
    public TsRange tsRange(long start, long end) {
        long lo = Long.MAX_VALUE;
        long hi = Long.MIN_VALUE;
        for (int i = 0; i < entries.size(); i++) {
            long from = entries.get(i).offset();
            long to = i + 1 < entries.size() ? entries.get(i + 1).offset() : Long.MAX_VALUE;
            if (from < end && to > start) {
                lo = Math.min(lo, chunkMin[i]);
                hi = Math.max(hi, chunkMax[i]);
            }
        }
        return new TsRange(lo, hi);
    }

    /** Whether {@code offset} is an entry's offset. */
    public boolean hasEntryAt(long offset) {
        return Collections.binarySearch(offsets(), offset) >= 0;
    }

    private List<Long> offsets() {
        return new java.util.AbstractList<>() {
            @Override
            public Long get(int i) {
                return entries.get(i).offset();
            }

            @Override
            public int size() {
                return entries.size();
            }
        };
    }

    /** Offset of the section header of the pcapng section holding {@code offset} (0 for pcap). */
    public long sectionOf(long offset) {
        int i = Arrays.binarySearch(sections, offset);
        return sections[i >= 0 ? i : Math.max(0, -i - 2)];
    }

    /** Offsets of the pcapng section headers ({@code [0]} for classic pcap). */
    public long[] sectionStarts() {
        return sections.clone();
    }

    /** Packets in the file. */
    public long packets() {
        return packets;
    }

    /** The indexing interval in bytes. */
    public long everyBytes() {
        return everyBytes;
    }

    /** Size of the capture when it was indexed. */
    public long captureSize() {
        return captureSize;
    }

    /** Modification time of the capture when it was indexed (milliseconds; for information). */
    public long captureModifiedMillis() {
        return captureMtime;
    }

    /** True if the capture is gzip-compressed: offsets are then in the decompressed data, and it is one split. */
    public boolean compressed() {
        return compressed;
    }

    /** A growable list of longs (the index is built in one pass of unknown length). */
    private static final class LongList {
        long[] values = new long[16];
        int size;

        void add(long v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        void insertFirst(long v) {
            add(v);
            System.arraycopy(values, 0, values, 1, size - 1);
            values[0] = v;
        }

        long[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
