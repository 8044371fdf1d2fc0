package io.weir.capture;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes a classic pcap file: version 2.4, microsecond or nanosecond time stamps, either byte order, one link
 * type and snapshot length. Buffered; records are written whole, and {@link #close()} leaves a complete file.
 *
 * <pre>{@code
 * try (PcapWriter w = PcapWriter.builder().linkType(LinkType.ETHERNET).nanos(true).open(path)) {
 *     w.write(frame, 0, frame.length, frame.length, timestampNanos);
 * }
 * }</pre>
 */
public final class PcapWriter implements AutoCloseable {
    private final RecordSink sink;
    private final boolean nanos;
    private final int snapLen;
    private final int linkType;
    private long count;

    private PcapWriter(RecordSink sink, Builder b) throws IOException {
        this.sink = sink;
        this.nanos = b.nanos;
        this.snapLen = b.snapLen;
        this.linkType = b.linkType;
        ByteBuffer h = sink.reserve(24);
        h.putInt(nanos ? PcapReader.PCAP_MAGIC_NS : PcapReader.PCAP_MAGIC_US);
        h.putShort((short) 2).putShort((short) 4);
        h.putInt(0).putInt(0);          // thiszone, sigfigs: always 0
        h.putInt(snapLen).putInt(linkType);
    }

    /** A builder with Ethernet, snapshot length 262144, microseconds, little-endian. */
    public static Builder builder() {
        return new Builder();
    }

    /** Settings of a new file. */
    public static final class Builder {
        private int linkType = LinkType.ETHERNET;
        private int snapLen = LinkType.MAXIMUM_SNAPLEN;
        private boolean nanos;
        private ByteOrder order = ByteOrder.LITTLE_ENDIAN;
        private int bufferSize = RecordSink.DEFAULT_CAPACITY;

        private Builder() {}

        /** LINKTYPE_* value written in the header (default Ethernet). */
        public Builder linkType(int linkType) {
            this.linkType = linkType;
            return this;
        }

        /** Snapshot length written in the header (default 262144). */
        public Builder snapLen(int snapLen) {
            this.snapLen = snapLen;
            return this;
        }

        /** Nanosecond time stamps (magic a1b23c4d) instead of microseconds (a1b2c3d4). */
        public Builder nanos(boolean nanos) {
            this.nanos = nanos;
            return this;
        }

        /** Byte order of the file (default little-endian, as most writers use). */
        public Builder order(ByteOrder order) {
            this.order = order;
            return this;
        }

        /** Size of the output buffer (default 1 MiB). */
        public Builder bufferSize(int bytes) {
            this.bufferSize = bytes;
            return this;
        }

        /** Creates or truncates a file. */
        public PcapWriter open(Path path) throws IOException {
            return open(FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING));
        }

        /** Writes to a stream, closed with the writer. */
        public PcapWriter open(OutputStream out) throws IOException {
            return open(RecordSink.channelOf(out));
        }

        /** Writes to a channel, closed with the writer. */
        public PcapWriter open(WritableByteChannel channel) throws IOException {
            return new PcapWriter(new RecordSink(channel, order, bufferSize), this);
        }
    }

    /** Writes a packet read from another file (its link type is not checked against this file's). */
    public void write(Packet p) throws IOException {
        write(p.buffer(), p.offset(), p.capLen(), p.wireLen(), p.timestampNanos());
    }

    /** Writes {@code data[offset, offset + capLen)} as a packet of {@code wireLen} bytes on the wire. */
    public void write(byte[] data, int offset, int capLen, int wireLen, long timestampNanos) throws IOException {
        write(ByteBuffer.wrap(data), offset, capLen, wireLen, timestampNanos);
    }

    /** Writes {@code capLen} bytes of {@code data} from absolute index {@code offset}. */
    public void write(ByteBuffer data, int offset, int capLen, int wireLen, long timestampNanos) throws IOException {
        if (capLen < 0 || wireLen < 0) {
            throw new IllegalArgumentException("negative length: capLen " + capLen + ", wireLen " + wireLen);
        }
        long seconds = Math.floorDiv(timestampNanos, 1_000_000_000L);
        long frac = Math.floorMod(timestampNanos, 1_000_000_000L);
        int total = 16 + capLen;
        ByteBuffer b = sink.reserve(total);
        if (b == null) {
            ByteBuffer h = ByteBuffer.allocate(16).order(sink.order());
            header(h, seconds, frac, capLen, wireLen).flip();
            sink.writeAlone(h, data.duplicate().limit(offset + capLen).position(offset));
        } else {
            header(b, seconds, frac, capLen, wireLen);
            b.put(b.position(), data, offset, capLen);
            b.position(b.position() + capLen);
        }
        count++;
    }

    private ByteBuffer header(ByteBuffer b, long seconds, long frac, int capLen, int wireLen) {
        return b.putInt((int) seconds).putInt((int) (nanos ? frac : frac / 1000)).putInt(capLen).putInt(wireLen);
    }

    /** Packets written so far. */
    public long packetsWritten() {
        return count;
    }

    /** LINKTYPE_* value of the file. */
    public int linkType() {
        return linkType;
    }

    /** Snapshot length of the file. */
    public int snapLen() {
        return snapLen;
    }

    /** Writes out the buffered records (whole records only). */
    public void flush() throws IOException {
        sink.flush();
    }

    /** Flushes and closes: the file is complete. */
    @Override
    public void close() throws IOException {
        sink.close();
    }
}
