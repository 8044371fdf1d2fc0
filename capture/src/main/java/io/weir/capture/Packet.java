package io.weir.capture;

import java.nio.ByteBuffer;

/**
 * One packet of a capture file, as a view into the reader's buffer: valid until the reader's next call to
 * {@link PcapReader#next()}, which reuses this object. Nothing is copied or allocated per packet.
 *
 * <p>The packet's bytes are {@code buffer()[offset(), offset() + capLen())}, read with absolute indexes; the
 * buffer is big-endian (network order), its position and limit mean nothing, and it may be a direct buffer
 * (files and standard input) or a heap buffer (streams and gzip). Use {@link #copyBytes()} to keep a packet.
 */
public final class Packet {
    ByteBuffer buffer;
    int offset;
    int capLen;
    int wireLen;
    long timestampNanos;
    int interfaceId;
    CaptureInterface iface;
    long recordOffset;
    long number;

    Packet() {}

    /** The buffer holding the packet's bytes (big-endian; use absolute indexes from {@link #offset()}). */
    public ByteBuffer buffer() {
        return buffer;
    }

    /** Index of the packet's first byte in {@link #buffer()}. */
    public int offset() {
        return offset;
    }

    /** Captured length: how many bytes of the packet the file holds (at most the interface's snapshot length). */
    public int capLen() {
        return capLen;
    }

    /** Length of the packet on the wire, as the file records it (may exceed {@link #capLen()}). */
    public int wireLen() {
        return wireLen;
    }

    /** Time stamp in nanoseconds since the Unix epoch (UTC), converted from the file's resolution. */
    public long timestampNanos() {
        return timestampNanos;
    }

    /** Interface id within its pcapng section (0 for classic pcap and for simple packet blocks). */
    public int interfaceId() {
        return interfaceId;
    }

    /** The interface the packet was captured on: link type, snapshot length, time stamp resolution. */
    public CaptureInterface captureInterface() {
        return iface;
    }

    /** The packet's LINKTYPE_* value (see {@link LinkType}). */
    public int linkType() {
        return iface.linkType();
    }

    /** Byte offset of the packet's record (pcap) or block (pcapng) in the (decompressed) file. */
    public long recordOffset() {
        return recordOffset;
    }

    /** The packet's number in the file, counting from 1. */
    public long number() {
        return number;
    }

    /** Unsigned byte {@code i} of the packet (0-based from the packet's start). */
    public int u8(int i) {
        return buffer.get(offset + i) & 0xFF;
    }

    /** A copy of the captured bytes (allocates: for tests and for keeping a packet past the next one). */
    public byte[] copyBytes() {
        byte[] out = new byte[capLen];
        buffer.get(offset, out, 0, capLen);
        return out;
    }

    @Override
    public String toString() {
        return "Packet#" + number + "[capLen=" + capLen + ", wireLen=" + wireLen + ", ts=" + timestampNanos
                + "ns, if=" + interfaceId + ", linkType=" + iface.linkType() + ", at " + recordOffset + "]";
    }
}
