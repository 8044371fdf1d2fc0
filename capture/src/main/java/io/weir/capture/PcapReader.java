package io.weir.capture;

import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.ZipException;

/**
 * Reads a capture file, classic pcap or pcapng (detected from its first bytes), one packet at a time through a
 * reusable {@link Packet} view. Files may be gzip-compressed, over 2 GiB, or a non-seekable stream.
 *
 * <pre>{@code
 * try (PcapReader r = PcapReader.open(Path.of("x.pcapng"))) {
 *     while (r.next()) {
 *         Packet p = r.packet();          // valid until the next call to next()
 *         filter.run(p.buffer(), p.offset(), p.capLen(), p.wireLen());
 *     }
 * }
 * }</pre>
 *
 * <p>Bad input follows libpcap: a record longer than the snapshot length but within the link type's maximum
 * is cut to the snapshot length and reading goes on; anything else malformed throws a
 * {@link CaptureFormatException} naming the file and byte offset, after every good packet before it has been
 * returned. Unlike libpcap 1.10, pcapng files whose interfaces differ in link type or snapshot length, and
 * whose sections differ in byte order, are read whole.
 */
public final class PcapReader implements AutoCloseable {
    /** The two container formats. */
    public enum Format { PCAP, PCAPNG }

    static final int PCAP_MAGIC_US = 0xa1b2c3d4;
    static final int PCAP_MAGIC_NS = 0xa1b23c4d;
    static final int PCAP_MAGIC_KUZNETZOV = 0xa1b2cd34;
    static final int PCAPNG_SHB = 0x0A0D0D0A;

    private final String name;
    private final ReadBuffer in;
    private final Packet packet = new Packet();
    private final Format format;
    private final List<CaptureInterface> interfaces = new ArrayList<>();
    private long count;

    // Classic pcap state.
    private int recordHeaderSize;
    private int lengthsSwapped;          // 0 never, 1 always (before 2.3), 2 when caplen > len (2.3)
    private CaptureInterface classicInterface;
    private int maxCapLen;
    private int classicSnapLen;
    private long fracNanos;              // nanoseconds per unit of the record's fraction field
    private long splitUnit;              // split readers: fraction units per second for the resync's test (0: off)
    private int splitMaxWire;
    private int versionMajor;
    private int versionMinor;
    private ByteOrder order;

    private final PcapNgDecoder ng;
    private long limit = Long.MAX_VALUE;   // no record or block starting here or later is read (split readers)

    private PcapReader(String name, ReadBuffer in) throws IOException {
        this.name = name;
        this.in = in;
        boolean ok = false;
        try {
            in.unwrapGzip();
            int avail = in.ensure(4);
            if (avail < 4) {
                throw new TruncatedCaptureException(name, 0, 0,
                        "truncated dump file; tried to read 4 file header bytes, only got " + avail);
            }
            ByteBuffer b = in.buf();
            b.order(ByteOrder.LITTLE_ENDIAN);
            int magic = b.getInt(0);
            if (magic == PCAPNG_SHB) {
                format = Format.PCAPNG;
                ng = new PcapNgDecoder(this, in);
                ng.start();
            } else {
                format = Format.PCAP;
                ng = null;
                readClassicHeader(magic);
            }
            ok = true;
        } catch (ZipException | EOFException e) {
            throw gzipError(e);
        } finally {
            if (!ok) {
                in.close();
            }
        }
    }

    /** Opens a file; {@code -} means standard input. */
    public static PcapReader open(String file) throws IOException {
        if ("-".equals(file)) {
            FileChannel stdin = new FileInputStream(FileDescriptor.in).getChannel();
            return new PcapReader("-", ReadBuffer.ofChannel(stdin, ReadBuffer.DEFAULT_CAPACITY));
        }
        return open(Path.of(file), file);
    }

    /** Opens a file. */
    public static PcapReader open(Path path) throws IOException {
        return open(path, path.toString());
    }

    /**
     * Opens a file with a first buffer of {@code bufferBytes} (at least 64 KiB; it grows for longer records):
     * for readers of a small part of a file, such as a split.
     */
    public static PcapReader open(Path path, int bufferBytes) throws IOException {
        return open(path, path.toString(), Math.max(1 << 16, bufferBytes));
    }

    private static PcapReader open(Path path, String name) throws IOException {
        return open(path, name, ReadBuffer.DEFAULT_CAPACITY);
    }

    private static PcapReader open(Path path, String name, int bufferBytes) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(path);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(name, null, "No such file or directory");
        }
        try {
            return new PcapReader(name, ReadBuffer.ofChannel(channel, bufferBytes));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Reads from a channel (closed with the reader); {@code name} is used in messages. */
    public static PcapReader open(ReadableByteChannel channel, String name) throws IOException {
        return new PcapReader(name, ReadBuffer.ofChannel(channel, ReadBuffer.DEFAULT_CAPACITY));
    }

    /** Reads from a stream (closed with the reader); {@code name} is used in messages. */
    public static PcapReader open(InputStream stream, String name) throws IOException {
        return new PcapReader(name, ReadBuffer.ofStream(stream, ReadBuffer.DEFAULT_CAPACITY));
    }

    /** For tests: a deliberately small buffer, to exercise refills and growth. */
    static PcapReader open(InputStream stream, String name, int bufferSize) throws IOException {
        return new PcapReader(name, ReadBuffer.ofStream(stream, bufferSize));
    }

    private void readClassicHeader(int magic) throws IOException {
        boolean nanos;
        if (magic == PCAP_MAGIC_US || magic == PCAP_MAGIC_NS || magic == PCAP_MAGIC_KUZNETZOV) {
            order = ByteOrder.LITTLE_ENDIAN;
        } else {
            int swapped = Integer.reverseBytes(magic);
            if (swapped != PCAP_MAGIC_US && swapped != PCAP_MAGIC_NS && swapped != PCAP_MAGIC_KUZNETZOV) {
                throw new UnsupportedCaptureException(name, 0, 0, String.format(
                        "unknown file format (magic number 0x%08x is neither pcap's nor pcapng's)",
                        Integer.reverseBytes(magic)));
            }
            order = ByteOrder.BIG_ENDIAN;
            magic = swapped;
        }
        nanos = magic == PCAP_MAGIC_NS;
        recordHeaderSize = magic == PCAP_MAGIC_KUZNETZOV ? 24 : 16;
        in.order(order);
        int avail = in.ensure(24);
        if (avail < 24) {
            throw new TruncatedCaptureException(name, 0, 0,
                    "truncated dump file; tried to read 24 file header bytes, only got " + avail);
        }
        ByteBuffer b = in.buf();
        versionMajor = b.getShort(4) & 0xFFFF;
        versionMinor = b.getShort(6) & 0xFFFF;
        long snapLen = b.getInt(16) & 0xFFFFFFFFL;
        int linkField = b.getInt(20);
        if (versionMajor < 2) {
            throw new UnsupportedCaptureException(name, 4, 0,
                    "archaic pcap savefile format (version " + versionMajor + "." + versionMinor + ")");
        }
        if (!((versionMajor == 2 && versionMinor <= 4) || (versionMajor == 543 && versionMinor == 0))) {
            throw new UnsupportedCaptureException(name, 4, 0,
                    "unsupported pcap savefile version " + versionMajor + "." + versionMinor);
        }
        if ((linkField & 0x03FF0000) != 0) {
            throw new UnsupportedCaptureException(name, 20, 0, String.format(
                    "the link-type field 0x%08x has reserved bits set (link type %d)", linkField,
                    linkField & 0x03FFFFFF));
        }
        // Files written before 2.3 (and DG/UX's 543.0) have caplen and len the other way round.
        lengthsSwapped = versionMajor == 543 || versionMinor < 3 ? 1 : versionMinor == 3 ? 2 : 0;
        int linkType = linkField & 0xFFFF;   // upper bits: FCS length, which no filter needs
        classicInterface = CaptureInterface.classic(linkType, (int) snapLen == 0 ? 0 : snapLen, nanos);
        interfaces.add(classicInterface);
        maxCapLen = LinkType.maxSnapLen(linkType);
        classicSnapLen = classicInterface.snapLen();
        fracNanos = nanos ? 1 : 1000;
        packet.iface = classicInterface;
        packet.buffer = in.view();
        in.skip(24);
    }

    /**
     * Advances to the next packet. Returns {@code false} at the end of the input; throws a
     * {@link CaptureFormatException} at a malformed record, after all packets before it.
     */
    public boolean next() throws IOException {
        boolean more;
        try {
            more = ng != null ? ng.next(packet) : nextClassic();
        } catch (ZipException | EOFException e) {
            throw gzipError(e);
        }
        if (more) {
            packet.number = ++count;
        }
        return more;
    }

    private boolean nextClassic() throws IOException {
        int h = recordHeaderSize;
        long recordOffset = in.offset();
        if (recordOffset >= limit) {
            return false;
        }
        int avail = in.ensure(h);
        if (avail < h) {
            if (avail == 0) {
                return false;
            }
            throw new TruncatedCaptureException(name, recordOffset, count,
                    "truncated dump file; tried to read " + h + " header bytes, only got " + avail);
        }
        ByteBuffer b = in.buf();
        int p = in.pos();
        long seconds = b.getInt(p) & 0xFFFFFFFFL;
        long frac = b.getInt(p + 4) & 0xFFFFFFFFL;
        int capLen = classicCapLen(b, p);
        int wireLen = b.getInt(p + 8) ^ b.getInt(p + 12) ^ capLen;   // whichever field capLen is not
        if (Integer.compareUnsigned(capLen, maxCapLen) > 0) {
            throw new CaptureLengthException(name, recordOffset, count, "invalid packet capture length "
                    + Integer.toUnsignedString(capLen) + ", bigger than the maximum of " + maxCapLen
                    + " for link type " + LinkType.describe(classicInterface.linkType()));
        }
        if (splitUnit != 0 && !resyncPlausible(seconds, frac, capLen, wireLen, splitUnit, splitMaxWire)) {
            throw new CaptureFormatException(name, recordOffset, count, "the record has a time stamp fraction of a"
                    + " second or more, a captured length over its original length, an original length over "
                    + splitMaxWire + ", or a fraction equal to its captured length in 1970: a split's resync cannot"
                    + " rely on it; read this file whole (split=none) or index it (weir index)");
        }
        int total = h + capLen;
        avail = in.ensure(total);
        if (avail < total) {
            throw new TruncatedCaptureException(name, recordOffset, count, "truncated dump file; tried to read "
                    + capLen + " captured bytes, only got " + (avail - h));
        }
        p = in.pos();
        Packet pk = packet;
        pk.buffer = in.view();
        pk.offset = p + h;
        // Longer than the snapshot length but sane: libpcap keeps the first snapLen bytes and goes on.
        pk.capLen = Math.min(capLen, classicSnapLen);
        pk.wireLen = wireLen;
        pk.timestampNanos = seconds * 1_000_000_000L + frac * fracNanos;
        pk.recordOffset = recordOffset;
        pk.interfaceId = 0;
        in.skip(total);
        return true;
    }

    /** The record's captured length field, after the swap that old versions need (see {@code lengthsSwapped}). */
    private int classicCapLen(ByteBuffer b, int p) {
        int capLen = b.getInt(p + 8);
        int wireLen = b.getInt(p + 12);
        return lengthsSwapped != 0 && (lengthsSwapped == 1 || Integer.compareUnsigned(capLen, wireLen) > 0)
                ? wireLen : capLen;
    }

    /**
     * Classic pcap: the length (header and data) of the record whose header is at index {@code p} of {@code b}
     * (ordered as the file, see {@link #byteOrder()}; at least {@link #recordHeaderLength()} bytes from
     * {@code p}), or -1 if {@link #next()} would reject that header. The split readers' resync uses exactly
     * this test, so a record the reader accepts is never taken for garbage.
     */
    public int classicRecordLength(ByteBuffer b, int p) {
        int capLen = classicCapLen(b, p);
        return Integer.compareUnsigned(capLen, maxCapLen) > 0 ? -1 : recordHeaderSize + capLen;
    }

    /** Classic pcap: the captured length field of the record header at {@code p}, as {@link #next()} reads it. */
    public int classicCapturedLength(ByteBuffer b, int p) {
        return classicCapLen(b, p);
    }

    /** Classic pcap: the original (wire) length field of the record header at {@code p}, as {@link #next()} reads it. */
    public int classicWireLength(ByteBuffer b, int p) {
        return b.getInt(p + 8) ^ b.getInt(p + 12) ^ classicCapLen(b, p);
    }

    /**
     * The split resync's record test beyond the reader's own checks (see {@code io.weir.capture.split}): the time
     * stamp fraction below one second ({@code unit} per second), {@code capLen <= wireLen <= maxWire} and not
     * {@code (seconds < unit && frac == capLen)}. One definition, used by the resync and by split readers.
     */
    public static boolean resyncPlausible(long seconds, long frac, int capLen, int wireLen, long unit, int maxWire) {
        return frac < unit && Integer.compareUnsigned(capLen, wireLen) <= 0
                && Integer.compareUnsigned(wireLen, maxWire) <= 0 && !(seconds < unit && frac == capLen);
    }

    /**
     * Classic pcap, split readers: makes every record failing {@link #resyncPlausible} a
     * {@link CaptureFormatException} (checked where the header is parsed anyway: no cost per record beyond it).
     */
    public void checkRecordsForSplits(long unit, int maxWire) {
        this.splitUnit = unit;
        this.splitMaxWire = maxWire;
    }

    /** Classic pcap: bytes of a record header (16, or 24 in Kuznetzov's format); 0 for pcapng. */
    public int recordHeaderLength() {
        return ng != null ? 0 : recordHeaderSize;
    }

    /**
     * The longest record (pcap: header and the link type's maximum captured length) or block (pcapng: the
     * limit for the interfaces seen so far) that {@link #next()} accepts.
     */
    public int maxRecordLength() {
        return ng != null ? ng.maxBlock() : recordHeaderSize + maxCapLen;
    }

    /**
     * Repositions the reader at {@code offset}, a record (pcap) or block (pcapng) boundary the caller has
     * proven; the file header and, for pcapng, the current section's interfaces stay in force. Files only, not
     * gzip. After a seek a pcapng reader treats its interfaces as borrowed: an Interface Description Block, or a
     * packet on an interface it does not know, raises a {@link ContextException} (the caller must read
     * sequentially from the section's start instead) until a Section Header Block brings a fresh context.
     */
    public void seek(long offset) throws IOException {
        in.seek(offset);
        if (ng != null) {
            ng.borrowContext();
        }
    }

    /** pcapng: whether a block type is registered (the split readers' resync only believes in those). */
    public static boolean isKnownBlockType(int type) {
        return PcapNgDecoder.knownBlockType(type);
    }

    /** pcapng: makes a block of an unregistered type a {@link CaptureFormatException} (split readers). */
    public void rejectUnknownBlocks() {
        if (ng != null) {
            ng.rejectUnknownBlocks();
        }
    }

    /** Makes {@link #next()} return {@code false} before a record or block starting at or after {@code end}. */
    public void limit(long end) {
        this.limit = end;
    }

    long limitOffset() {
        return limit;
    }

    /**
     * pcapng: reads the blocks from the current position up to the first packet block, another section, or the
     * end (the section header and the interfaces declared before the first packet). Nothing for classic pcap.
     */
    public void readSectionHead() throws IOException {
        if (ng != null) {
            ng.readHead();
        }
    }

    /** Byte offset of the current pcapng section's header block (0 for classic pcap). */
    public long sectionOffset() {
        return ng != null ? ng.sectionOffset() : 0;
    }

    /**
     * A pcapng reader positioned by {@link #seek} met an interface it has no context for: an Interface
     * Description Block, or a packet on an unknown interface id. Not a fault of the file: the caller reads
     * sequentially from the section start instead.
     */
    public static final class ContextException extends CaptureFormatException {
        private static final long serialVersionUID = 1L;

        ContextException(String file, long offset, long packetsRead, String detail) {
            super(file, offset, packetsRead, detail);
        }
    }

    /**
     * A broken gzip stream as a capture error (found by PcapReaderFuzzTest): the inflater's exceptions name
     * neither the file nor the offset. The offset is that of the record being read, in the decompressed data.
     */
    private CaptureFormatException gzipError(IOException e) {
        String why = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        return e instanceof EOFException
                ? new TruncatedCaptureException(name, in.offset(), count, "truncated gzip stream (" + why + ")")
                : new CaptureFormatException(name, in.offset(), count, "corrupt gzip stream (" + why + ")");
    }

    /** The current packet: valid after {@link #next()} returned {@code true}, until the next call. */
    public Packet packet() {
        return packet;
    }

    /** Classic pcap or pcapng. */
    public Format format() {
        return format;
    }

    /** Byte order of the file (of its first section, for pcapng). */
    public ByteOrder byteOrder() {
        return ng != null ? ng.firstOrder() : order;
    }

    /** The file's name as given ({@code -} for standard input). */
    public String name() {
        return name;
    }

    /** Version of the file format (of the first section, for pcapng), e.g. {@code 2.4} or {@code 1.0}. */
    public String version() {
        return ng != null ? ng.version() : versionMajor + "." + versionMinor;
    }

    /**
     * The first interface: the file's own for classic pcap, the first IDB for pcapng ({@code null} if a pcapng
     * file has none before its first packet or its end). Its link type and snapshot length are what tcpdump's
     * banner shows.
     */
    public CaptureInterface firstInterface() {
        return interfaces.isEmpty() ? null : interfaces.get(0);
    }

    /** LINKTYPE_* of the first interface, or -1 if there is none. */
    public int linkType() {
        CaptureInterface first = firstInterface();
        return first == null ? -1 : first.linkType();
    }

    /** Effective snapshot length of the first interface, or 0 if there is none. */
    public int snapLen() {
        CaptureInterface first = firstInterface();
        return first == null ? 0 : first.snapLen();
    }

    /** Every interface seen so far, over all sections, in file order. */
    public List<CaptureInterface> interfaces() {
        return Collections.unmodifiableList(interfaces);
    }

    void addInterface(CaptureInterface iface) {
        interfaces.add(iface);
    }

    /** Packets returned so far. */
    public long packetsRead() {
        return count;
    }

    long count() {
        return count;
    }

    /** Byte offset of the next unread byte of the (decompressed) input. */
    public long offset() {
        return in.offset();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
