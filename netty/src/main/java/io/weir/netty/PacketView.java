package io.weir.netty;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;

/**
 * The packet a filter sees: a slice of a heap array or of a NIO buffer, with its captured and wire lengths. The
 * handler keeps one view per thread and refills it for every message, so adapting a message allocates nothing.
 *
 * <p>A view is only valid during the {@link PacketAdapter#adapt} call that filled it and the verdict that follows:
 * it points into the message's own memory, which the handler may release right after.
 */
public final class PacketView {
    private byte[] array;
    private ByteBuffer nio;
    private int offset;
    private int capLen;
    private int wireLen;

    PacketView() {
    }

    /** Points the view at {@code array[offset, offset + capLen)}, a packet {@code wireLen} bytes long on the wire. */
    public void set(byte[] array, int offset, int capLen, int wireLen) {
        checkLengths(capLen, wireLen);
        this.array = array;
        this.nio = null;
        this.offset = offset;
        this.capLen = capLen;
        this.wireLen = wireLen;
    }

    /**
     * Points the view at {@code capLen} bytes of {@code buffer} from absolute index {@code offset} (the buffer's
     * position and limit are ignored).
     */
    public void set(ByteBuffer buffer, int offset, int capLen, int wireLen) {
        checkLengths(capLen, wireLen);
        if (buffer.hasArray()) {
            set(buffer.array(), buffer.arrayOffset() + offset, capLen, wireLen);
            return;
        }
        this.array = null;
        this.nio = buffer;
        this.offset = offset;
        this.capLen = capLen;
        this.wireLen = wireLen;
    }

    /**
     * Points the view at the readable bytes of {@code buf} without copying them: its backing array, or its NIO view
     * when it has exactly one. Returns false, leaving the view unchanged, when the buffer has neither (a
     * composite of several components); the handler then copies it.
     */
    public boolean set(ByteBuf buf) {
        int n = buf.readableBytes();
        if (buf.hasArray()) {
            set(buf.array(), buf.arrayOffset() + buf.readerIndex(), n, n);
            return true;
        }
        if (buf.nioBufferCount() == 1) {
            // internalNioBuffer reuses the buffer's cached NIO duplicate: no allocation for pooled buffers.
            ByteBuffer b = buf.internalNioBuffer(buf.readerIndex(), n);
            set(b, b.position(), n, n);
            return true;
        }
        return false;
    }

    private static void checkLengths(int capLen, int wireLen) {
        if (capLen < 0 || wireLen < capLen) {
            throw new IllegalArgumentException("bad packet lengths: capLen " + capLen + ", wireLen " + wireLen);
        }
    }

    /** Forgets the previous packet. */
    void clear() {
        array = null;
        nio = null;
        offset = 0;
        capLen = 0;
        wireLen = 0;
    }

    /** Whether the view points at a packet. */
    boolean isSet() {
        return array != null || nio != null;
    }

    /** The heap array, or null when the view is a direct NIO buffer. */
    byte[] array() {
        return array;
    }

    /** The NIO buffer, or null when the view is a heap array. */
    ByteBuffer nio() {
        return nio;
    }

    /** Index of the first byte in {@link #array()} or {@link #nio()}. */
    public int offset() {
        return offset;
    }

    /** Bytes the filter may read. */
    public int capLen() {
        return capLen;
    }

    /** Length of the packet on the wire. */
    public int wireLen() {
        return wireLen;
    }

    /** The unsigned byte at packet index {@code i} ({@code 0 <= i < capLen}). */
    int u8(int i) {
        return (array != null ? array[offset + i] : nio.get(offset + i)) & 0xff;
    }

    /** The big-endian unsigned 16-bit value at packet index {@code i}. */
    int u16(int i) {
        return (u8(i) << 8) | u8(i + 1);
    }
}
