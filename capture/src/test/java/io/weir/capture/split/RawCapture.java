package io.weir.capture.split;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds capture files byte by byte for hostile tests: any field value, including ones no writer produces
 * (caplen over len or snaplen, fractions of a second or more, a record cut short).
 */
final class RawCapture {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteOrder order;

    private RawCapture(ByteOrder order) {
        this.order = order;
    }

    /** A classic pcap file (version 2.4). */
    static RawCapture pcap(ByteOrder order, boolean nanos, int snapLen, int linkType) {
        RawCapture c = new RawCapture(order);
        c.put(ByteBuffer.allocate(24).order(order).putInt(nanos ? 0xa1b23c4d : 0xa1b2c3d4).putShort((short) 2)
                .putShort((short) 4).putInt(0).putInt(0).putInt(snapLen).putInt(linkType));
        return c;
    }

    /** A pcap record: header fields as given, then {@code data} (which may be shorter than caplen). */
    RawCapture record(long seconds, long fraction, int capLen, int wireLen, byte[] data) {
        put(ByteBuffer.allocate(16).order(order).putInt((int) seconds).putInt((int) fraction).putInt(capLen)
                .putInt(wireLen));
        out.writeBytes(data);
        return this;
    }

    /** A pcapng file's section header (version 1.0, unknown section length). */
    static RawCapture pcapng(ByteOrder order) {
        RawCapture c = new RawCapture(order);
        c.shb();
        return c;
    }

    /** Another section header block (multi-section files). */
    RawCapture shb() {
        put(ByteBuffer.allocate(28).order(order).putInt(0x0A0D0D0A).putInt(28).putInt(0x1A2B3C4D)
                .putShort((short) 1).putShort((short) 0).putLong(-1L).putInt(28));
        return this;
    }

    /** An interface description block with no options. */
    RawCapture idb(int linkType, int snapLen) {
        put(ByteBuffer.allocate(20).order(order).putInt(1).putInt(20).putShort((short) linkType).putShort((short) 0)
                .putInt(snapLen).putInt(20));
        return this;
    }

    /** An enhanced packet block (microsecond time stamps). */
    RawCapture epb(int iface, long micros, byte[] data) {
        int padded = (data.length + 3) & ~3;
        int len = 32 + padded;
        ByteBuffer b = ByteBuffer.allocate(len).order(order).putInt(6).putInt(len).putInt(iface)
                .putInt((int) (micros >>> 32)).putInt((int) micros).putInt(data.length).putInt(data.length)
                .put(data);
        b.position(len - 4);
        b.putInt(len);
        put(b);
        return this;
    }

    /** Raw bytes as they are. */
    RawCapture raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    /** Writes the file under the build's scratch directory. */
    Path write(String name) throws IOException {
        Path p = SplitHarness.scratch().resolve(name);
        Files.write(p, bytes());
        return p;
    }

    private void put(ByteBuffer b) {
        out.write(b.array(), 0, b.capacity());
    }
}
