package io.weir.capture;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Builds capture files byte by byte for tests: pcap headers and records, pcapng blocks, in either order. */
final class Bytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private ByteOrder order;

    Bytes(ByteOrder order) {
        this.order = order;
    }

    Bytes order(ByteOrder o) {
        this.order = o;
        return this;
    }

    Bytes u8(int v) {
        out.write(v);
        return this;
    }

    Bytes u16(int v) {
        return put(ByteBuffer.allocate(2).order(order).putShort((short) v));
    }

    Bytes u32(long v) {
        return put(ByteBuffer.allocate(4).order(order).putInt((int) v));
    }

    Bytes u64(long v) {
        return put(ByteBuffer.allocate(8).order(order).putLong(v));
    }

    Bytes raw(byte[] b) {
        out.write(b, 0, b.length);
        return this;
    }

    Bytes zeros(int n) {
        return raw(new byte[n]);
    }

    private Bytes put(ByteBuffer b) {
        return raw(b.array());
    }

    int size() {
        return out.size();
    }

    byte[] toArray() {
        return out.toByteArray();
    }

    /** A packet's bytes: {@code n} bytes counting up from {@code seed}. */
    static byte[] data(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed + i);
        }
        return b;
    }

    // ---- classic pcap ----

    Bytes pcapHeader(int magic, int major, int minor, long snapLen, long linkType) {
        return u32(magic).u16(major).u16(minor).u32(0).u32(0).u32(snapLen).u32(linkType);
    }

    Bytes record(long sec, long frac, int capLen, int wireLen, byte[] data) {
        return u32(sec).u32(frac).u32(capLen).u32(wireLen).raw(data);
    }

    // ---- pcapng ----

    Bytes shb(int major, int minor) {
        return u32(0x0A0D0D0A).u32(28).u32(0x1A2B3C4D).u16(major).u16(minor).u64(-1).u32(28);
    }

    /** An IDB; {@code tsresol} < 0 means none; {@code tsoffset} is written when non-zero. */
    Bytes idb(int linkType, long snapLen, int tsresol, long tsoffset) {
        int opts = (tsresol >= 0 ? 8 : 0) + (tsoffset != 0 ? 12 : 0);
        if (opts > 0) {
            opts += 4;
        }
        int len = 20 + opts;
        u32(1).u32(len).u16(linkType).u16(0).u32(snapLen);
        if (tsresol >= 0) {
            u16(9).u16(1).u8(tsresol).zeros(3);
        }
        if (tsoffset != 0) {
            u16(14).u16(8).u64(tsoffset);
        }
        if (opts > 0) {
            u32(0);
        }
        return u32(len);
    }

    Bytes epb(int iface, long ts, int capLen, int wireLen, byte[] data) {
        int padded = (data.length + 3) & ~3;
        int len = 32 + padded;
        return u32(6).u32(len).u32(iface).u32(ts >>> 32).u32(ts).u32(capLen).u32(wireLen).raw(data)
                .zeros(padded - data.length).u32(len);
    }

    Bytes spb(int wireLen, byte[] data) {
        int padded = (data.length + 3) & ~3;
        int len = 16 + padded;
        return u32(3).u32(len).u32(wireLen).raw(data).zeros(padded - data.length).u32(len);
    }

    Bytes pb(int iface, long ts, int capLen, int wireLen, byte[] data) {
        int padded = (data.length + 3) & ~3;
        int len = 32 + padded;
        return u32(2).u32(len).u16(iface).u16(0).u32(ts >>> 32).u32(ts).u32(capLen).u32(wireLen).raw(data)
                .zeros(padded - data.length).u32(len);
    }

    /** Any block with a body of {@code body} bytes (a multiple of 4 for a valid block). */
    Bytes block(int type, int body) {
        return u32(type).u32(12 + body).zeros(body).u32(12 + body);
    }
}
