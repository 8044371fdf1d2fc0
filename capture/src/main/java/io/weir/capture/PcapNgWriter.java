package io.weir.capture;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a pcapng file: one Section Header Block, then Interface Description Blocks (each with its link type,
 * snapshot length, {@code if_tsresol} and optional {@code if_name}) and Enhanced Packet Blocks. Interfaces may
 * be added at any time before their first packet. Buffered; blocks are written whole, and {@link #close()}
 * leaves a complete file.
 */
public final class PcapNgWriter implements AutoCloseable {
    private final RecordSink sink;
    private final List<CaptureInterface> interfaces = new ArrayList<>();
    private long count;

    private PcapNgWriter(RecordSink sink) throws IOException {
        this.sink = sink;
        ByteBuffer b = sink.reserve(28);
        b.putInt(PcapNgDecoder.BT_SHB).putInt(28).putInt(PcapNgDecoder.BYTE_ORDER_MAGIC);
        b.putShort((short) 1).putShort((short) 0).putLong(-1L);   // version 1.0, section length unknown
        b.putInt(28);
    }

    /** Creates or truncates a file, little-endian. */
    public static PcapNgWriter open(Path path) throws IOException {
        return open(path, ByteOrder.LITTLE_ENDIAN);
    }

    /** Creates or truncates a file in the given byte order. */
    public static PcapNgWriter open(Path path, ByteOrder order) throws IOException {
        return open(FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING), order);
    }

    /** Writes to a stream (closed with the writer). */
    public static PcapNgWriter open(OutputStream out, ByteOrder order) throws IOException {
        return open(RecordSink.channelOf(out), order);
    }

    /** Writes to a channel (closed with the writer). */
    public static PcapNgWriter open(WritableByteChannel channel, ByteOrder order) throws IOException {
        return new PcapNgWriter(new RecordSink(channel, order, RecordSink.DEFAULT_CAPACITY));
    }

    /**
     * Declares an interface and returns its id for {@link #write}.
     *
     * @param tsResolCode {@code if_tsresol}: 6 for microseconds, 9 for nanoseconds, {@code 0x80 | n} for 2^-n s
     * @param name        {@code if_name}, or {@code null}
     */
    public int addInterface(int linkType, int snapLen, int tsResolCode, String name) throws IOException {
        CaptureInterface ci = new CaptureInterface(linkType, snapLen & 0xFFFFFFFFL, tsResolCode, 0, name, 0);
        byte[] nameBytes = name == null ? null : name.getBytes(StandardCharsets.UTF_8);
        int options = 0;
        if (tsResolCode != 6) {
            options += 8;
        }
        if (nameBytes != null) {
            options += 4 + pad(nameBytes.length);
        }
        if (options > 0) {
            options += 4;   // opt_endofopt
        }
        int len = 20 + options;
        ByteBuffer b = sink.reserve(len);
        b.putInt(PcapNgDecoder.BT_IDB).putInt(len);
        b.putShort((short) linkType).putShort((short) 0).putInt(snapLen);
        if (nameBytes != null) {
            b.putShort((short) 2).putShort((short) nameBytes.length).put(nameBytes);
            zeros(b, pad(nameBytes.length) - nameBytes.length);
        }
        if (tsResolCode != 6) {
            b.putShort((short) 9).putShort((short) 1).put((byte) tsResolCode);
            zeros(b, 3);
        }
        if (options > 0) {
            b.putInt(0);
        }
        b.putInt(len);
        interfaces.add(ci);
        return interfaces.size() - 1;
    }

    /** Writes a packet read from another file on interface {@code interfaceId} of this one. */
    public void write(int interfaceId, Packet p) throws IOException {
        write(interfaceId, p.buffer(), p.offset(), p.capLen(), p.wireLen(), p.timestampNanos());
    }

    /** Writes {@code data[offset, offset + capLen)} as an Enhanced Packet Block. */
    public void write(int interfaceId, byte[] data, int offset, int capLen, int wireLen, long timestampNanos)
            throws IOException {
        write(interfaceId, ByteBuffer.wrap(data), offset, capLen, wireLen, timestampNanos);
    }

    /** Writes {@code capLen} bytes of {@code data} from absolute index {@code offset} as an Enhanced Packet Block. */
    public void write(int interfaceId, ByteBuffer data, int offset, int capLen, int wireLen, long timestampNanos)
            throws IOException {
        if (interfaceId < 0 || interfaceId >= interfaces.size()) {
            throw new IllegalArgumentException("no interface " + interfaceId + " (" + interfaces.size() + " declared)");
        }
        if (capLen < 0 || wireLen < 0) {
            throw new IllegalArgumentException("negative length: capLen " + capLen + ", wireLen " + wireLen);
        }
        long ts = interfaces.get(interfaceId).fromNanos(timestampNanos);
        int padded = pad(capLen);
        int len = 32 + padded;
        ByteBuffer b = sink.reserve(len);
        if (b == null) {
            ByteBuffer h = ByteBuffer.allocate(28).order(sink.order());
            header(h, interfaceId, ts, capLen, wireLen, len).flip();
            ByteBuffer t = ByteBuffer.allocate(4 + padded - capLen).order(sink.order());
            t.position(padded - capLen);
            t.putInt(len).flip();
            sink.writeAlone(h, data.duplicate().limit(offset + capLen).position(offset), t);
        } else {
            header(b, interfaceId, ts, capLen, wireLen, len);
            b.put(b.position(), data, offset, capLen);
            b.position(b.position() + capLen);
            zeros(b, padded - capLen);
            b.putInt(len);
        }
        count++;
    }

    private static ByteBuffer header(ByteBuffer b, int id, long ts, int capLen, int wireLen, int len) {
        return b.putInt(PcapNgDecoder.BT_EPB).putInt(len).putInt(id).putInt((int) (ts >>> 32)).putInt((int) ts)
                .putInt(capLen).putInt(wireLen);
    }

    private static int pad(int n) {
        return (n + 3) & ~3;
    }

    private static void zeros(ByteBuffer b, int n) {
        for (int i = 0; i < n; i++) {
            b.put((byte) 0);
        }
    }

    /** Packets written so far. */
    public long packetsWritten() {
        return count;
    }

    /** Writes out the buffered blocks (whole blocks only). */
    public void flush() throws IOException {
        sink.flush();
    }

    /** Flushes and closes: the file is complete. */
    @Override
    public void close() throws IOException {
        sink.close();
    }
}
