package io.weir.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The pcapng half of {@link PcapReader}: walks blocks, keeps each section's interfaces, and turns Enhanced,
 * Simple and (obsolete) Packet Blocks into packets. Name resolution, statistics, decryption secrets and custom
 * blocks are skipped. Each section may have its own byte order; interfaces may differ in link type, snapshot
 * length and time stamp resolution.
 *
 * <p>Checks follow libpcap's {@code sf-pcapng.c}, with its messages: block length under 12, not a multiple of
 * 4, over the maximum, or different in header and trailer; fixed parts cut short; packets on undeclared
 * interfaces; SHB versions other than 1.0 and 1.2 (first section) or major version other than 1 (later ones).
 */
final class PcapNgDecoder {
    static final int BT_SHB = 0x0A0D0D0A;
    static final int BT_IDB = 0x00000001;
    static final int BT_PB = 0x00000002;
    static final int BT_SPB = 0x00000003;
    static final int BT_EPB = 0x00000006;
    static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    private static final int SHB_INSANE_MAX = 1024 * 1024;
    private static final int INITIAL_MAX_BLOCK = 16 * 1024 * 1024;

    private final PcapReader reader;
    private final ReadBuffer in;
    private final String name;
    private final List<CaptureInterface> section = new ArrayList<>();
    private int sectionIndex = -1;
    private int maxBlock = INITIAL_MAX_BLOCK;
    private ByteOrder firstOrder;
    private String firstVersion;
    private long sectionOffset;
    private boolean rejectUnknown;   // split readers: a block type the resync does not know is a fault
    private boolean borrowed;   // after a seek: this section's interfaces may be incomplete (split readers)

    PcapNgDecoder(PcapReader reader, ReadBuffer in) {
        this.reader = reader;
        this.in = in;
        this.name = reader.name();
    }

    ByteOrder firstOrder() {
        return firstOrder;
    }

    String version() {
        return firstVersion;
    }

    /** Reads the first section header, then blocks up to the first interface (as libpcap's open does). */
    void start() throws IOException {
        readBlock(null);   // the SHB
        while (reader.interfaces().isEmpty()) {
            long at = in.offset();
            int avail = in.ensure(8);
            if (avail == 0) {
                return;     // a section without interfaces: no packets, nothing wrong
            }
            int type = avail < 8 ? 0 : in.buf().getInt(in.pos());
            if (type == BT_EPB || type == BT_SPB || type == BT_PB) {
                throw new CaptureFormatException(name, at, 0,
                        "the capture file has a packet block before any Interface Description Blocks");
            }
            readBlock(null);
        }
    }

    int maxBlock() {
        return maxBlock;
    }

    long sectionOffset() {
        return sectionOffset;
    }

    void borrowContext() {
        borrowed = true;
    }

    void rejectUnknownBlocks() {
        rejectUnknown = true;
    }

    /**
     * Block types of the pcapng specification and its registry (SHB, IDB, PB, SPB, NRB, ISB, EPB, IRIG, ARINC,
     * systemd journal, decryption secrets, the two custom types, Darwin process information).
     */
    static boolean knownBlockType(int type) {
        return type >= 1 && type <= 0x0A || type == BT_SHB || type == 0x00000BAD || type == 0x40000BAD
                || type == 0x80000001;
    }

    /** Reads the blocks before the next packet block or section (see {@link PcapReader#readSectionHead()}). */
    void readHead() throws IOException {
        long startAt = in.offset();
        for (;;) {
            int avail = in.ensure(8);
            if (avail < 8) {
                return;
            }
            int type = in.buf().getInt(in.pos());
            if (type == BT_EPB || type == BT_SPB || type == BT_PB || (type == BT_SHB && in.offset() != startAt)) {
                return;
            }
            readBlock(null);
        }
    }

    /** Reads blocks until a packet; returns {@code false} at the end of the input or at the reader's limit. */
    boolean next(Packet packet) throws IOException {
        long limit = reader.limitOffset();
        for (;;) {
            if (in.offset() >= limit) {
                return false;
            }
            int r = readBlock(packet);
            if (r != 0) {
                return r > 0;
            }
        }
    }

    /** Reads one block: 1 if it was a packet (now in {@code packet}), 0 if not, -1 at the end of the input. */
    private int readBlock(Packet packet) throws IOException {
        long at = in.offset();
        long count = reader.count();
        int avail = in.ensure(12);
        if (avail == 0) {
            return -1;
        }
        if (avail < 8) {
            throw new TruncatedCaptureException(name, at, count,
                    "truncated pcapng dump file; tried to read 8 block header bytes, only got " + avail);
        }
        ByteBuffer b = in.buf();
        int p = in.pos();
        int type = b.getInt(p);
        if (type == BT_SHB) {
            if (avail < 12) {
                throw new TruncatedCaptureException(name, at, count,
                        "truncated pcapng dump file; a section header block needs 12 bytes, only got " + avail);
            }
            int magic = b.getInt(p + 8);
            if (magic != BYTE_ORDER_MAGIC) {
                if (Integer.reverseBytes(magic) != BYTE_ORDER_MAGIC) {
                    throw new UnsupportedCaptureException(name, at + 8, count, String.format(
                            "the section header block has a bad byte-order magic 0x%08x", magic));
                }
                in.order(b.order() == ByteOrder.BIG_ENDIAN ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
            }
        }
        long length = b.getInt(p + 4) & 0xFFFFFFFFL;
        if (length < 12) {
            throw new CaptureLengthException(name, at, count,
                    "block in pcapng dump file has a length of " + length + " < 12");
        }
        if (length % 4 != 0) {
            throw new CaptureLengthException(name, at, count,
                    "block in pcapng dump file has a length of " + length + " that is not a multiple of 4");
        }
        long max = type == BT_SHB ? SHB_INSANE_MAX : maxBlock;
        if (length > max) {
            throw new CaptureLengthException(name, at, count, (type == BT_SHB ? "section header block" : "pcapng block")
                    + " size " + length + " > maximum " + max);
        }
        int len = (int) length;
        avail = in.ensure(len);
        if (avail < len) {
            throw new TruncatedCaptureException(name, at, count, "truncated pcapng dump file; block of type "
                    + Integer.toUnsignedString(type) + " has a length of " + len + ", only " + avail
                    + " bytes remain");
        }
        b = in.buf();
        p = in.pos();
        int trailer = b.getInt(p + len - 4);
        if (trailer != len) {
            throw new CaptureLengthException(name, at, count, "block total length in header " + len
                    + " and trailer " + Integer.toUnsignedString(trailer) + " don't match");
        }
        int result = 0;
        switch (type) {
            case BT_SHB:
                section(b, p, len, at, count);
                break;
            case BT_IDB:
                iface(b, p, len, at, count);
                break;
            case BT_EPB:
                result = enhanced(b, p, len, at, count, packet);
                break;
            case BT_SPB:
                result = simple(b, p, len, at, count, packet);
                break;
            case BT_PB:
                result = obsolete(b, p, len, at, count, packet);
                break;
            default:
                if (rejectUnknown && !knownBlockType(type)) {
                    throw new CaptureFormatException(name, at, count, "block type 0x" + Integer.toHexString(type)
                            + " is not a registered pcapng block type: split readers cannot rely on finding it");
                }
                break;   // NRB, ISB, DSB, custom and unknown blocks: nothing a filter needs
        }
        in.skip(len);
        return result;
    }

    private void section(ByteBuffer b, int p, int len, long at, long count) throws IOException {
        if (len < 28) {
            throw new CaptureFormatException(name, at, count, "section header block of " + len
                    + " bytes is too short (needs 28)");
        }
        int major = b.getShort(p + 12) & 0xFFFF;
        int minor = b.getShort(p + 14) & 0xFFFF;
        if (sectionIndex < 0) {
            if (!(major == 1 && (minor == 0 || minor == 2))) {
                throw new UnsupportedCaptureException(name, at + 12, count,
                        "unsupported pcapng savefile version " + major + "." + minor);
            }
            firstOrder = b.order();
            firstVersion = major + "." + minor;
        } else if (major != 1) {
            throw new UnsupportedCaptureException(name, at + 12, count,
                    "unknown pcapng savefile major version number " + major);
        }
        sectionIndex++;
        section.clear();
        sectionOffset = at;
        borrowed = false;
    }

    private void iface(ByteBuffer b, int p, int len, long at, long count) throws IOException {
        if (len < 20) {
            throw new CaptureFormatException(name, at, count, "block of type 1 in pcapng dump file is too short");
        }
        if (borrowed) {
            throw new PcapReader.ContextException(name, at, count,
                    "an Interface Description Block after a seek: the section's interfaces must be read from its start");
        }
        int linkType = b.getShort(p + 8) & 0xFFFF;
        long snapLen = b.getInt(p + 12) & 0xFFFFFFFFL;
        int tsresol = 6;
        long tsoffset = 0;
        String ifName = null;
        boolean sawResol = false;
        boolean sawOffset = false;
        int o = p + 16;
        int end = p + len - 4;
        while (o < end) {
            if (end - o < 4) {
                throw new CaptureFormatException(name, at, count, "block of type 1 in pcapng dump file is too short");
            }
            int code = b.getShort(o) & 0xFFFF;
            int olen = b.getShort(o + 2) & 0xFFFF;
            int padded = (olen + 3) & ~3;
            if (end - o - 4 < padded) {
                throw new CaptureFormatException(name, at, count, "block of type 1 in pcapng dump file is too short");
            }
            int v = o + 4;
            if (code == 0) {
                if (olen != 0) {
                    throw new CaptureFormatException(name, at, count,
                            "Interface Description Block has opt_endofopt option with length " + olen + " != 0");
                }
                break;
            } else if (code == 9) {
                if (olen != 1 || sawResol) {
                    throw new CaptureFormatException(name, at, count, olen != 1
                            ? "Interface Description Block has if_tsresol option with length " + olen + " != 1"
                            : "Interface Description Block has more than one if_tsresol option");
                }
                sawResol = true;
                tsresol = b.get(v) & 0xFF;
                boolean binary = (tsresol & 0x80) != 0;
                int n = tsresol & 0x7F;
                if (binary ? n > 63 : n > 19) {
                    throw new CaptureFormatException(name, at, count,
                            "Interface Description Block if_tsresol option resolution " + (binary ? "2^-" : "10^-")
                            + n + " is too high");
                }
            } else if (code == 14) {
                if (olen != 8 || sawOffset) {
                    throw new CaptureFormatException(name, at, count, olen != 8
                            ? "Interface Description Block has if_tsoffset option with length " + olen + " != 8"
                            : "Interface Description Block has more than one if_tsoffset option");
                }
                sawOffset = true;
                tsoffset = b.getLong(v);
            } else if (code == 2) {
                byte[] s = new byte[olen];
                b.get(v, s, 0, olen);
                int z = 0;
                while (z < s.length && s[z] != 0) {
                    z++;
                }
                ifName = new String(s, 0, z, StandardCharsets.UTF_8);
            }
            o = v + padded;
        }
        CaptureInterface ci = new CaptureInterface(linkType, snapLen, tsresol, tsoffset, ifName,
                Math.max(sectionIndex, 0));
        section.add(ci);
        reader.addInterface(ci);
        // As libpcap: allow blocks big enough for this link type's largest packet plus 128 KiB of options.
        long need = 32L + LinkType.maxSnapLen(linkType) + 131072;
        if (need > maxBlock) {
            maxBlock = (int) need;
        }
    }

    private CaptureInterface lookup(int id, long at, long count) throws CaptureFormatException {
        if ((id < 0 || id >= section.size()) && borrowed) {
            throw new PcapReader.ContextException(name, at, count, "a packet on interface "
                    + Integer.toUnsignedString(id) + " after a seek: the section's interfaces must be read from its start");
        }
        if (id < 0 || id >= section.size()) {
            throw new CaptureFormatException(name, at, count, "a packet arrived on interface "
                    + Integer.toUnsignedString(id) + ", but there's no Interface Description Block for that interface");
        }
        return section.get(id);
    }

    private int enhanced(ByteBuffer b, int p, int len, long at, long count, Packet packet) throws IOException {
        if (len < 32) {
            throw new CaptureFormatException(name, at, count, "block of type 6 in pcapng dump file is too short");
        }
        int id = b.getInt(p + 8);
        long ts = ((long) b.getInt(p + 12) << 32) | (b.getInt(p + 16) & 0xFFFFFFFFL);
        return deliver(b, p, len, at, count, packet, id, ts, b.getInt(p + 20), b.getInt(p + 24), 28, 6);
    }

    private int obsolete(ByteBuffer b, int p, int len, long at, long count, Packet packet) throws IOException {
        if (len < 32) {
            throw new CaptureFormatException(name, at, count, "block of type 2 in pcapng dump file is too short");
        }
        int id = b.getShort(p + 8) & 0xFFFF;
        long ts = ((long) b.getInt(p + 12) << 32) | (b.getInt(p + 16) & 0xFFFFFFFFL);
        return deliver(b, p, len, at, count, packet, id, ts, b.getInt(p + 20), b.getInt(p + 24), 28, 2);
    }

    private int simple(ByteBuffer b, int p, int len, long at, long count, Packet packet) throws IOException {
        if (len < 16) {
            throw new CaptureFormatException(name, at, count, "block of type 3 in pcapng dump file is too short");
        }
        CaptureInterface ci = lookup(0, at, count);
        int wire = b.getInt(p + 8);
        // A simple packet block holds min(original length, snapshot length) bytes.
        int cap = Integer.compareUnsigned(wire, ci.snapLen()) > 0 ? ci.snapLen() : wire;
        return deliver(b, p, len, at, count, packet, 0, 0, cap, wire, 12, 3);
    }

    private int deliver(ByteBuffer b, int p, int len, long at, long count, Packet packet, int id, long ts,
            int capLen, int wireLen, int dataAt, int type) throws IOException {
        CaptureInterface ci = lookup(id, at, count);
        int max = LinkType.maxSnapLen(ci.linkType());
        if (Integer.compareUnsigned(capLen, max) > 0) {
            throw new CaptureLengthException(name, at, count, "invalid packet capture length "
                    + Integer.toUnsignedString(capLen) + ", bigger than the maximum of " + max + " for link type "
                    + LinkType.describe(ci.linkType()));
        }
        if (capLen > len - dataAt - 4) {
            throw new CaptureFormatException(name, at, count, "block of type " + type
                    + " in pcapng dump file is too short for its captured length " + capLen);
        }
        if (packet == null) {
            return 1;
        }
        packet.buffer = in.view();
        packet.offset = p + dataAt;
        packet.capLen = Math.min(capLen, ci.snapLen());
        packet.wireLen = wireLen;
        packet.timestampNanos = ci.toNanos(ts);
        packet.interfaceId = id;
        packet.iface = ci;
        packet.recordOffset = at;
        return 1;
    }
}
