package io.weir.capture;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
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

    RecordSink(WritableByteChannel channel, ByteOrder order, int capacity) {
        this.channel = channel;
        this.buf = ByteBuffer.allocateDirect(capacity).order(order);
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
        for (ByteBuffer part : parts) {
            while (part.hasRemaining()) {
                written += channel.write(part);
            }
        }
    }

    ByteOrder order() {
        return buf.order();
    }

    /** Bytes handed to the channel so far plus bytes buffered. */
    long position() {
        return written + buf.position();
    }

    private void flushBuffer() throws IOException {
        buf.flip();
        while (buf.hasRemaining()) {
            written += channel.write(buf);
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
