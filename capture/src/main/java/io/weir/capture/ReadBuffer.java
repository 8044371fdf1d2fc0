package io.weir.capture;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.util.zip.GZIPInputStream;

/**
 * The reader's one large buffer over a channel: refilled by {@code read()} calls, compacted at record
 * boundaries, grown (doubling as the bytes arrive, up to the record's size) when a record is larger than it.
 * Offsets are {@code long}, so inputs over 2 GiB work; nothing seeks, so pipes work.
 *
 * <p>Why {@code read()} into a direct buffer and not {@code mmap}: it works the same for files, pipes and
 * decompressed streams, and on this machine reading a 1.2 GB cached file into a 1 MiB direct buffer took
 * about the time of {@code cat} (0.145 s vs 0.150 s), where a heap buffer cost 1.4× (the JDK copies through a
 * temporary direct buffer). Mapping the file instead was measured too (windows of 1 GiB, remapped at record
 * boundaries): on a loaded machine it walked the 1.16 GB benchmark file in ~700 ms against ~560 ms for
 * {@code read()}, in line with the C measurements of issue 3 (mmap ~2x cat), and it cannot serve pipes or gzip.
 * Streams (gzip, {@link InputStream}s) read straight into a heap buffer's array.
 */
final class ReadBuffer implements AutoCloseable {
    static final int DEFAULT_CAPACITY = 1 << 20;

    private ReadableByteChannel channel;
    private InputStream stream;       // non-null in stream mode: reads go to buf's array
    private ByteBuffer buf;           // order set by the decoder (the file's byte order)
    private ByteBuffer view;          // big-endian duplicate handed to packets
    private int pos;
    private int lim;
    private long base;                // file offset of buf index 0
    private boolean eof;
    private final int initialCapacity;

    private ReadBuffer(ReadableByteChannel channel, InputStream stream, int capacity) {
        this.channel = channel;
        this.stream = stream;
        this.initialCapacity = capacity;
        allocate(capacity);
    }

    static ReadBuffer ofChannel(ReadableByteChannel channel, int capacity) {
        return new ReadBuffer(channel, null, capacity);
    }

    static ReadBuffer ofStream(InputStream in, int capacity) {
        return new ReadBuffer(null, in, capacity);
    }

    private void allocate(int capacity) {
        buf = stream != null ? ByteBuffer.allocate(capacity) : ByteBuffer.allocateDirect(capacity);
        view = buf.duplicate().order(ByteOrder.BIG_ENDIAN);
    }

    /**
     * If the input starts with gzip's magic (1f 8b), continues reading through a {@link GZIPInputStream}
     * over the bytes already buffered and the rest of the input. Call before anything is consumed.
     */
    void unwrapGzip() throws IOException {
        if (ensure(2) < 2 || (buf.get(pos) & 0xFF) != 0x1f || (buf.get(pos + 1) & 0xFF) != 0x8b) {
            return;
        }
        byte[] prefix = new byte[lim - pos];
        buf.get(pos, prefix, 0, prefix.length);
        InputStream rest = stream != null ? stream : streamOf(channel);
        stream = new GZIPInputStream(new SequenceInputStream(new ByteArrayInputStream(prefix), rest), 1 << 16);
        pos = 0;
        lim = 0;
        base = 0;
        eof = false;
        allocate(initialCapacity);
    }

    /**
     * A stream that only ever calls {@code read} on the channel: the JDK's adapter asks a FileChannel for its
     * position (in {@code available()}, which GZIPInputStream calls), which fails on pipes.
     */
    private static InputStream streamOf(ReadableByteChannel ch) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                ByteBuffer bb = ByteBuffer.wrap(b, off, len);
                int r;
                do {
                    r = ch.read(bb);
                } while (r == 0);
                return r;
            }

            @Override
            public void close() throws IOException {
                ch.close();
            }
        };
    }

    /** The buffer in the file's byte order, for the decoders. */
    ByteBuffer buf() {
        return buf;
    }

    /** The same bytes in network order, for packet views. */
    ByteBuffer view() {
        return view;
    }

    void order(ByteOrder order) {
        buf.order(order);
    }

    /** Index in {@link #buf()} of the next unconsumed byte. */
    int pos() {
        return pos;
    }

    /** File offset of the next unconsumed byte. */
    long offset() {
        return base + pos;
    }

    /**
     * Moves to file offset {@code offset}: within the buffered bytes if they hold it, else by repositioning the
     * channel. Only for seekable channels read as they are (not gzip); for split readers, which start at a
     * record boundary proven elsewhere.
     */
    void seek(long offset) throws IOException {
        if (offset >= base && offset <= base + lim) {
            pos = (int) (offset - base);
            return;
        }
        if (stream != null || !(channel instanceof SeekableByteChannel)) {
            throw new IOException("cannot seek: the input is compressed or not a file");
        }
        ((SeekableByteChannel) channel).position(offset);
        base = offset;
        pos = 0;
        lim = 0;
        eof = false;
    }

    /** Consumes {@code n} bytes (already made available by {@link #ensure}). */
    void skip(int n) {
        pos += n;
    }

    /**
     * Makes {@code n} bytes available from {@link #pos()}, reading (and compacting, or growing the buffer) as
     * needed. Returns how many are available, which is less than {@code n} only at the end of the input.
     * May move the data: indexes taken before the call are void after it.
     */
    int ensure(int n) throws IOException {
        int avail = lim - pos;
        if (avail >= n || eof) {
            return Math.min(avail, n);
        }
        if (pos > 0 && buf.capacity() - pos < n) {
            compact();
        } else if (pos > 0 && avail == 0) {
            base += pos;
            pos = 0;
            lim = 0;
        }
        while (lim - pos < n && !eof) {
            if (lim == buf.capacity()) {
                // Grown as the bytes arrive, never straight to n: a length field is only a claim until the data
                // is there (a 600-byte file claiming a 16 MiB block must not cost 16 MiB).
                grow(n);
            }
            int r = readSome(lim, buf.capacity() - lim);
            if (r < 0) {
                eof = true;
            } else {
                lim += r;
            }
        }
        return Math.min(lim - pos, n);
    }

    private void compact() {
        int avail = lim - pos;
        buf.limit(lim).position(pos);
        buf.compact();
        buf.clear();
        base += pos;
        pos = 0;
        lim = avail;
    }

    private void grow(int n) {
        int avail = lim - pos;
        int capacity = (int) Math.min(n, Math.min(Integer.MAX_VALUE - 8, 2L * buf.capacity()));
        ByteBuffer old = buf;
        ByteOrder order = old.order();
        allocate(capacity);
        buf.order(order);
        buf.put(0, old, pos, avail);
        base += pos;
        pos = 0;
        lim = avail;
    }

    private int readSome(int at, int len) throws IOException {
        if (stream != null) {
            int r = stream.read(buf.array(), buf.arrayOffset() + at, len);
            return r == 0 ? readOneByte(at) : r;
        }
        buf.limit(at + len).position(at);
        int r;
        do {
            r = channel.read(buf);
        } while (r == 0);
        buf.clear();
        return r;
    }

    private int readOneByte(int at) throws IOException {
        int b = stream.read();
        if (b < 0) {
            return -1;
        }
        buf.put(at, (byte) b);
        return 1;
    }

    @Override
    public void close() throws IOException {
        try {
            if (stream != null) {
                stream.close();
            }
        } finally {
            if (channel != null) {
                channel.close();
            }
        }
    }
}
