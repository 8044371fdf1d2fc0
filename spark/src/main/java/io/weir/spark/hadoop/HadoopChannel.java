package io.weir.spark.hadoop;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import org.apache.hadoop.fs.FSDataInputStream;

/**
 * A read-only {@link FileChannel} over a Hadoop {@link FSDataInputStream}: what capture's readers open, so that
 * the split reader, its resync and the index work unchanged on {@code hdfs://}, {@code s3a://} and the rest.
 * Sequential reads go through the stream (after a {@link #position(long)}, one {@code seek}); positional reads
 * ({@link #read(ByteBuffer, long)}, the resync's window) use Hadoop's positioned read, which does not move the
 * stream. Capture's readers fill direct buffers, so bytes pass through one reused heap array.
 */
final class HadoopChannel extends FileChannel {
    private static final int CHUNK = 1 << 20;

    private final FSDataInputStream in;
    private final long size;
    private final String name;
    private byte[] scratch = new byte[0];
    private long position;
    private boolean seekPending;

    HadoopChannel(FSDataInputStream in, long size, String name) {
        this.in = in;
        this.size = size;
        this.name = name;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        ensureOpen();
        if (position >= size) {
            return -1;
        }
        if (seekPending) {
            in.seek(position);
            seekPending = false;
        }
        int want = (int) Math.min(dst.remaining(), Math.min(CHUNK, size - position));
        if (want == 0) {
            return 0;
        }
        int n;
        if (dst.hasArray()) {
            n = in.read(dst.array(), dst.arrayOffset() + dst.position(), want);
            if (n > 0) {
                dst.position(dst.position() + n);
            }
        } else {
            byte[] b = scratch(want);
            n = in.read(b, 0, want);
            if (n > 0) {
                dst.put(b, 0, n);
            }
        }
        if (n > 0) {
            position += n;
        }
        return n;
    }

    @Override
    public int read(ByteBuffer dst, long at) throws IOException {
        ensureOpen();
        if (at < 0) {
            throw new IllegalArgumentException("negative position " + at);
        }
        if (at >= size) {
            return -1;
        }
        int want = (int) Math.min(dst.remaining(), Math.min(CHUNK, size - at));
        if (want == 0) {
            return 0;
        }
        byte[] b = dst.hasArray() ? dst.array() : scratch(want);
        int off = dst.hasArray() ? dst.arrayOffset() + dst.position() : 0;
        try {
            in.readFully(at, b, off, want);
        } catch (EOFException e) {
            throw new IOException(name + ": the file is shorter than its listed " + size + " bytes (read at byte"
                    + " offset " + at + ")", e);
        }
        if (dst.hasArray()) {
            dst.position(dst.position() + want);
        } else {
            dst.put(b, 0, want);
        }
        return want;
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            int n = read(dsts[i]);
            if (n < 0) {
                return total == 0 ? -1 : total;
            }
            total += n;
            if (dsts[i].hasRemaining()) {
                break;
            }
        }
        return total;
    }

    private byte[] scratch(int n) {
        if (scratch.length < n) {
            scratch = new byte[Math.max(n, Math.min(CHUNK, 64 << 10))];
        }
        return scratch;
    }

    @Override
    public long position() throws IOException {
        ensureOpen();
        return position;
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        ensureOpen();
        if (newPosition < 0) {
            throw new IllegalArgumentException("negative position " + newPosition);
        }
        if (newPosition != position) {
            position = newPosition;
            seekPending = true;
        }
        return this;
    }

    @Override
    public long size() throws IOException {
        ensureOpen();
        return size;
    }

    private void ensureOpen() throws IOException {
        if (!isOpen()) {
            throw new java.nio.channels.ClosedChannelException();
        }
    }

    @Override
    protected void implCloseChannel() throws IOException {
        in.close();
    }

    // Read-only: capture's readers never write, map or lock.

    @Override
    public int write(ByteBuffer src) {
        throw new NonWritableChannelException();
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) {
        throw new NonWritableChannelException();
    }

    @Override
    public int write(ByteBuffer src, long at) {
        throw new NonWritableChannelException();
    }

    @Override
    public FileChannel truncate(long s) {
        throw new NonWritableChannelException();
    }

    @Override
    public void force(boolean metaData) {
        // nothing written
    }

    @Override
    public long transferTo(long at, long count, WritableByteChannel target) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) Math.min(count, CHUNK));
        long done = 0;
        while (done < count) {
            b.clear().limit((int) Math.min(b.capacity(), count - done));
            int n = read(b, at + done);
            if (n <= 0) {
                break;
            }
            b.flip();
            while (b.hasRemaining()) {
                target.write(b);
            }
            done += n;
        }
        return done;
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long at, long count) {
        throw new NonWritableChannelException();
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long at, long s) {
        throw new UnsupportedOperationException("a Hadoop file cannot be mapped: " + name);
    }

    @Override
    public FileLock lock(long at, long s, boolean shared) {
        throw new UnsupportedOperationException("a Hadoop file cannot be locked: " + name);
    }

    @Override
    public FileLock tryLock(long at, long s, boolean shared) {
        throw new UnsupportedOperationException("a Hadoop file cannot be locked: " + name);
    }
}
