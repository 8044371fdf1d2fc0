package io.weir.capture.split;

import io.weir.capture.CaptureFormatException;
import io.weir.capture.LinkType;
import io.weir.capture.PcapReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/**
 * Finds the first record boundary at or after a byte offset of a capture file without reading the file from
 * its start: the heuristic split's resync. Near the head it walks the true chain from the first record; further
 * on it proves the boundary by convergence: every would-be chain of the window's first {@code M} bytes that
 * survives to the start must agree (the rule, its record test and the proof are in the package documentation).
 */
final class Resync {
    /** How far every candidate chain must run before the start, pcapng (pcap: the longest record again). */
    static final int PCAPNG_DISTANCE = 1 << 20;
    /** Larger windows are not worth reading per split: such files (D-Bus links) are read whole. */
    static final long MAX_WINDOW = 64L << 20;

    private static final int DEAD = -1;
    private static final int BT_SHB = 0x0A0D0D0A;
    private static final int BT_IDB = 1;
    private static final int BT_PB = 2;
    private static final int BT_SPB = 3;
    private static final int BT_EPB = 6;
    private static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    private static final int SHB_MAX = 1 << 20;

    private final FileChannel channel;
    private final String name;
    private final long size;
    private final PcapReader format;   // the file's header: byte order, record checks
    private final boolean ng;
    private final long origin;         // a known boundary: the first record (pcap) or the first SHB (pcapng)
    private final int maxRecord;       // M
    private final int distance;        // D
    private final int align;
    private final int headerBytes;
    private final long unit;           // pcap: time stamp fraction units per second
    private final int maxWire;
    private final int maxNgLength;     // pcapng: no block is longer (SHB or other)
    private ByteBuffer tail;           // pcapng: the bytes after the window, read on first need
    private long tailStart;

    /**
     * Per-thread window and slot table, reused by every resync on the thread. A pcap window is M + D (about
     * 512 KiB, so 2 MiB of slots): made per split they are humongous objects in G1, and each may start a
     * collection (Spark opens a split per task: 26 such collections in four queries of a 2.2 GB capture). Neither
     * outlives the call that fills it.
     */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static final class Scratch {
        int[] slots = new int[0];
        ByteBuffer window = ByteBuffer.allocate(0);
    }

    /**
     * @param format a reader opened on the file (header read; for pcapng, the first section's head), used only
     *               for its byte order and record checks
     * @param origin a proven boundary: the first record of a pcap file, 0 for pcapng
     */
    Resync(FileChannel channel, String name, long size, PcapReader format, long origin) {
        this.channel = channel;
        this.name = name;
        this.size = size;
        this.format = format;
        this.ng = format.format() == PcapReader.Format.PCAPNG;
        this.origin = origin;
        this.maxRecord = format.maxRecordLength();
        this.distance = ng ? PCAPNG_DISTANCE : maxRecord;
        this.align = ng ? 4 : 1;
        this.headerBytes = ng ? 12 : format.recordHeaderLength();
        this.unit = unitOf(format);
        this.maxWire = maxWireOf(format);
        this.maxNgLength = Math.max(SHB_MAX, maxRecord);
    }

    /** Units of a pcap record's time stamp fraction per second: 10^6 or 10^9. */
    static long unitOf(PcapReader format) {
        return format.firstInterface() != null && format.firstInterface().tsResolCode() == 9
                ? 1_000_000_000L : 1_000_000L;
    }

    /** The largest original length the pcap resync believes: 256 KiB, or the link type's larger maximum. */
    static int maxWireOf(PcapReader format) {
        return Math.max(LinkType.MAXIMUM_SNAPLEN, LinkType.maxSnapLen(format.linkType()));
    }

    /**
     * The pcap resync's record test beyond what the reader checks: the time stamp fraction below one second,
     * {@code caplen <= len}, the captured length within the link type's maximum, the original length within
     * {@link #maxWireOf} (a fake record with a long jump must show two sane lengths), and not
     * {@code (seconds < one second's units && fraction == caplen)}. The last one kills the shadow chain that
     * runs 4 bytes after the true one wherever {@code caplen == len} (its seconds are the true fractions, its
     * fraction the true caplen, its caplen the true len: in step with the truth forever otherwise). A true record
     * failing this test is a fault for heuristic splits (see the package documentation): the split holding it
     * fails ({@link PcapReader#checkRecordsForSplits}). Returns the record's length, or -1.
     */
    private static int classicLength(ByteBuffer b, int p, PcapReader format, long unit, int maxWire) {
        int len = format.classicRecordLength(b, p);
        if (len < 0) {
            return -1;
        }
        int cap = len - format.recordHeaderLength();
        int wire = format.classicWireLength(b, p);
        long frac = b.getInt(p + 4) & 0xFFFFFFFFL;
        long seconds = b.getInt(p) & 0xFFFFFFFFL;
        return PcapReader.resyncPlausible(seconds, frac, cap, wire, unit, maxWire) ? len : -1;
    }

    /** Bytes read before each split start: {@code M + D}. */
    long window() {
        return (long) maxRecord + distance;
    }

    /** The longest record or block assumed by the proof. */
    int maxRecord() {
        return maxRecord;
    }

    /**
     * The offset of the first record (pcapng: block) starting at or after {@code start}; the file size if there
     * is none. Throws a {@link CaptureFormatException} naming the window when no boundary can be proven.
     */
    long firstBoundaryAtOrAfter(long start) throws IOException {
        if (reachesOrigin(start)) {
            return walkFromOrigin(start);
        }
        if (window() > MAX_WINDOW) {
            throw new CaptureFormatException(name, start, 0, "cannot split at byte " + start + ": records may be "
                    + maxRecord + " bytes long here, too long to resync on; read this file whole (split=none)");
        }
        long from = alignUp(start - window());
        long checkedEnd = from + maxRecord;
        int slots = (int) ((start - from + align - 1) / align);
        Scratch scratch = SCRATCH.get();
        ByteBuffer w = readWindow(scratch, from, (int) Math.min(start - from + headerBytes, size - from));
        if (scratch.slots.length < slots) {
            scratch.slots = new int[slots];
        }
        int[] f = scratch.slots;   // every slot below `slots` is written before it is read
        int limit = w.limit();
        for (int i = slots - 1; i >= 0; i--) {
            long x = from + (long) i * align;
            if (ng && (i * 4 + 8 > limit || !lengthMayBe(w.getInt(i * 4 + 4)))) {
                f[i] = DEAD;   // the fast path of length() for the 96% of offsets that fail on their length
                continue;
            }
            long len = length(w, (int) (x - from), x);
            long y = x + len;
            if (len <= 0 || y > size) {
                f[i] = DEAD;
            } else if (y >= start) {
                f[i] = (int) (y - start);
            } else {
                f[i] = f[(int) ((y - from) / align)];
            }
        }
        long found = -1;
        long foundFrom = -1;
        for (int i = 0; i < slots && from + (long) i * align < checkedEnd; i++) {
            if (f[i] == DEAD) {
                continue;
            }
            long at = start + f[i];
            if (found < 0) {
                found = at;
                foundFrom = from + (long) i * align;
            } else if (at != found) {
                throw new CaptureFormatException(name, start, 0, "cannot split at byte " + start
                        + ": record chains from offsets " + foundFrom + " and " + (from + (long) i * align)
                        + " reach it at " + found + " and " + at + " (ambiguous in bytes [" + from + ", " + start
                        + "); read this file with split=none or index it with weir index)");
            }
        }
        if (found < 0) {
            throw new CaptureFormatException(name, start, 0, "cannot split at byte " + start
                    + ": no chain of valid records crosses bytes [" + from + ", " + start + ")");
        }
        return found;
    }

    /** True if the window before {@code start} reaches the origin: the boundary is then walked, not inferred. */
    boolean reachesOrigin(long start) {
        return start - window() <= origin;
    }

    /**
     * The first boundary at or after {@code start} on the chain from the origin, the true one: checked only as
     * the reader checks (nothing is inferred), following pcapng sections' byte orders. Fails where the reader
     * would fail before {@code start}.
     */
    long walkFromOrigin(long start) throws IOException {
        if (start <= origin) {
            return origin;
        }
        ByteBuffer w = readWindow(SCRATCH.get(), origin, (int) Math.min(start - origin + headerBytes, size - origin));
        long x = origin;
        while (x < start) {
            int p = (int) (x - origin);
            long len = DEAD;
            if (x == size) {
                return x;
            } else if (p + (ng ? 8 : headerBytes) <= w.limit()) {
                if (!ng) {
                    len = format.classicRecordLength(w, p);
                } else {
                    if (w.getInt(p) == BT_SHB && p + 12 <= w.limit()
                            && Integer.reverseBytes(w.getInt(p + 8)) == BYTE_ORDER_MAGIC) {
                        w.order(w.order() == ByteOrder.BIG_ENDIAN ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
                    }
                    len = w.getInt(p + 4) & 0xFFFFFFFFL;
                    len = len < 12 || (len & 3) != 0 ? DEAD : len;
                }
            }
            if (len <= 0 || x + len > size) {
                throw new CaptureFormatException(name, x, 0, "cannot split at byte " + start + ": the record at byte "
                        + x + ", before the split, is malformed or cut short (the file cannot be read past it)");
            }
            x += len;
        }
        return x;
    }

    /**
     * pcapng: whether a block length field passes the cheapest test, {@code 12 <= raw <= max} and a multiple of 4:
     * 96% of a window's 4.4 million offsets fail it. One unsigned compare (the rotation moves the low bits to the
     * top) instead of three branches on data, which mispredict.
     */
    private boolean lengthMayBe(int raw) {
        return Integer.compareUnsigned(Integer.rotateRight(raw - 12, 2), (maxNgLength - 12) >>> 2) <= 0;
    }

    /** The shortest block of a type the reader accepts. */
    private static int minLength(int type) {
        switch (type) {
            case BT_SHB: return 28;
            case BT_EPB: case BT_PB: return 32;
            case BT_IDB: return 20;
            case BT_SPB: return 16;
            default: return 12;
        }
    }

    private long alignUp(long x) {
        return (x + align - 1) / align * align;
    }

    /** Length of the would-be record at file offset x (index p of w), or a value <= 0 if the reader rejects it. */
    private long length(ByteBuffer w, int p, long x) throws IOException {
        if (p + headerBytes > w.limit()) {
            return DEAD;   // the file ends inside the header
        }
        if (!ng) {
            return classicLength(w, p, format, unit, maxWire);
        }
        int raw = w.getInt(p + 4);
        if (!lengthMayBe(raw)) {
            return DEAD;
        }
        long len = raw;
        int type = w.getInt(p);
        if (!PcapReader.isKnownBlockType(type) || len < minLength(type) || len > (type == BT_SHB ? SHB_MAX : maxRecord)
                || x + len > size || (type == BT_SHB && w.getInt(p + 8) != BYTE_ORDER_MAGIC)) {
            return DEAD;
        }
        if ((type == BT_EPB || type == BT_PB) && p + 24 <= w.limit()
                && Integer.compareUnsigned(w.getInt(p + 20), (int) len - 32) > 0) {
            return DEAD;   // captured length beyond the block: the reader rejects it too
        }
        long trailerAt = x + len - 4;
        long q = trailerAt - (x - p);   // index of the trailer in w
        int trailer = q + 4 <= w.limit() ? w.getInt((int) q) : trailerPastWindow(x - p + w.limit(), trailerAt);
        return trailer == (int) len ? len : DEAD;
    }

    /**
     * A trailer past the window: from the bytes after the window, read on first need and re-read at least twice as
     * long when a trailer lies further (a few reads, not one per would-be block: a payload can hold thousands of
     * them; nor the longest block's 16 MiB every time: most trailers lie a few KiB past the window).
     */
    private int trailerPastWindow(long windowEnd, long at) throws IOException {
        long have = tail != null && tailStart == windowEnd ? tail.limit() : 0;
        long want = at + 4 - windowEnd;
        if (want > have) {
            tailStart = windowEnd;
            tail = read(windowEnd, (int) Math.min(size - windowEnd, Math.max(want, Math.max(2 * have, 1 << 16))));
        }
        long q = at - tailStart;
        return q + 4 <= tail.limit() ? tail.getInt((int) q) : read(at, 4).getInt(0);
    }

    /** {@link #read} into the thread's window buffer. */
    private ByteBuffer readWindow(Scratch scratch, long at, int n) throws IOException {
        if (scratch.window.capacity() < n) {
            scratch.window = ByteBuffer.allocate(n);
        }
        return fill(scratch.window.clear().limit(n).order(order()), at);
    }

    private ByteBuffer read(long at, int n) throws IOException {
        return fill(ByteBuffer.allocate(n).order(order()), at);
    }

    private ByteBuffer fill(ByteBuffer b, long at) throws IOException {
        while (b.hasRemaining()) {
            int r = channel.read(b, at + b.position());
            if (r < 0) {
                break;
            }
        }
        b.flip();
        return b;
    }

    private ByteOrder order() {
        return format.byteOrder();
    }
}
