package io.weir.capture;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * The writers' output buffer: records are assembled whole in one buffer and the buffer is written out only
 * between records, so an interrupted write leaves whole records behind; a record larger than the buffer is
 * written alone, right after the buffer has been flushed.
 */
final class RecordSink implements AutoCloseable {
    static final int DEFAULT_CAPACITY = 1 << 20;

    private final WritableByteChannel channel;
    private final ByteBuffer buf;
    private long written;
    private boolean closed;
    /** Channel position at the start, or -1 when the channel cannot be truncated back to a record boundary. */
    private final long origin;
    /** A write failed: the records after the last whole one are gone, and nothing more may be written. */
    private IOException failed;

    RecordSink(WritableByteChannel channel, ByteOrder order, int capacity) {
        this.channel = channel;
        this.buf = ByteBuffer.allocateDirect(capacity).order(order);
        long at = -1;
        if (channel instanceof SeekableByteChannel s) {
            try {
                at = s.position();
            } catch (IOException e) {
                at = -1;   // not really seekable (a pipe behind a FileChannel): partial writes cannot be undone
            }
        }
        this.origin = at;
    }

    static WritableByteChannel channelOf(OutputStream out) {
        return Channels.newChannel(out);
    }

    /**
     * Returns the buffer with room for a record of {@code size} bytes, flushing first if needed; or
     * {@code null} if the record is larger than the whole buffer (then use {@link #writeAlone}).
     */
    ByteBuffer reserve(int size) throws IOException {
        if (closed) {
            throw new IOException("writer is closed");
        }
        if (failed != null) {
            throw new IOException("an earlier write failed: " + failed.getMessage(), failed);
        }
        if (buf.remaining() < size) {
            flushBuffer();
            if (buf.capacity() < size) {
                return null;
            }
        }
        return buf;
    }

    /** Writes a record that does not fit in the buffer: its parts in order, with nothing buffered before. */
    void writeAlone(ByteBuffer... parts) throws IOException {
        long boundary = written;
        try {
            for (ByteBuffer part : parts) {
                while (part.hasRemaining()) {
                    written += channel.write(part);
                }
            }
        } catch (IOException e) {
            throw fail(e, boundary);
        }
    }

    /**
     * A write failed part-way (a full disk writes what fits, then fails): cut a file back to the last record
     * boundary so that it holds whole records only (found by PcapWriterFaultTest), and refuse further writes.
     */
    private IOException fail(IOException e, long boundary) {
        failed = e;
        buf.clear();
        if (origin >= 0 && written > boundary) {
            try {
                SeekableByteChannel s = (SeekableByteChannel) channel;
                s.truncate(origin + boundary);
                s.position(origin + boundary);
                written = boundary;
            } catch (IOException | RuntimeException again) {
                e.addSuppressed(again);
            }
        }
        return e;
    }

    ByteOrder order() {
        return buf.order();
    }

    /** Bytes handed to the channel so far plus bytes buffered. */
    long position() {
        return written + buf.position();
    }

    private void flushBuffer() throws IOException {
        if (failed != null) {
            return;
        }
        long boundary = written;
        buf.flip();
        try {
            while (buf.hasRemaining()) {
                written += channel.write(buf);
            }
        } catch (IOException e) {
            throw fail(e, boundary);
        }
        buf.clear();
    }

    void flush() throws IOException {
        flushBuffer();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            flushBuffer();
        } finally {
            closed = true;
            channel.close();
        }
    }
}
