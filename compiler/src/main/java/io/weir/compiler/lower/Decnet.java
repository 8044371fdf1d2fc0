package io.weir.compiler.lower;

import io.weir.compiler.FilterSyntaxException;
import io.weir.compiler.parse.Ast.Dir;
import io.weir.compiler.parse.Ast.Id;
import io.weir.compiler.parse.Ast.Qual;

/**
 * {@code decnet [src|dst] host AREA.NODE} (and {@code decnet net}, which libpcap treats the same), with
 * libpcap's {@code gen_dnhostop}: the 16-bit address is little-endian on the wire, and is found in the short
 * or long data-packet header, with or without one byte of padding, as the flags byte says.
 */
final class Decnet {
    private static final int AREA_SHIFT = 10;
    private static final int AREA_MASK = 0xfc00;
    private static final int NODE_MASK = 0x03ff;
    /** Offsets of the address after the flags byte: short header, then long header. */
    private static final int SRC_SHORT = 3;
    private static final int SRC_LONG = 15;
    private static final int DST_SHORT = 1;
    private static final int DST_LONG = 7;

    private Decnet() {
    }

    /** {@code decnet host/net ID}; the caller has checked that the protocol is {@code decnet}. */
    static Pred host(Lowering lw, Qual q, Id id) throws LowerException, FilterSyntaxException {
        int addr;
        switch (id.kind()) {
            case NUM:
                addr = (int) id.num();
                break;
            case HID: {
                // libpcap reads "%d.%d": the first two parts, and ignores the rest.
                String[] parts = id.text().split("\\.");
                long area = Long.parseLong(parts[0]);
                long node = Long.parseLong(parts[1]);
                addr = (int) (((area << AREA_SHIFT) & AREA_MASK) | (node & NODE_MASK));
                break;
            }
            case HID_MASK: case HID_LEN:
                if (q.type() != io.weir.compiler.parse.Ast.Type.NET) {
                    throw lw.error("Mask syntax for networks only", id.span());
                }
                addr = maskedNet(lw, id);
                break;
            case HID6: case HID6_LEN:
                throw lw.error("'decnet' modifier applied to ip6 host", q.protoSpan());
            case EID:
                throw lw.error("ethernet address used in non-ether expression", id.span());
            default:
                throw lw.error("Weir does not resolve host names: '" + id.text() + "' (use a numeric address)",
                        id.span());
        }
        LinkLayer ll = lw.link();
        int swapped = ((addr & 0xff) << 8) | ((addr >> 8) & 0xff);
        Pred src = side(ll, SRC_SHORT, SRC_LONG, swapped);
        Pred dst = side(ll, DST_SHORT, DST_LONG, swapped);
        Pred which;
        if (q.dir() == Dir.SRC) {
            which = src;
        } else if (q.dir() == Dir.DST) {
            which = dst;
        } else if (q.dir() == Dir.SRC_AND_DST) {
            which = Pred.and(src, dst);
        } else {
            which = Pred.or(src, dst);
        }
        return Pred.and(ll.linktype(Protocols.ETHERTYPE_DN), which);
    }

    /**
     * {@code decnet net A.B.C.D/LEN} (or {@code mask M}): libpcap parses it as an IPv4 network, checks it as one,
     * and passes the 32-bit value on, of which the DECnet test keeps the low 16 bits.
     */
    private static int maskedNet(Lowering lw, Id id) throws FilterSyntaxException {
        long v = ipv4(id.text());
        long m;
        String form;
        if (id.kind() == io.weir.compiler.parse.Ast.IdKind.HID_LEN) {
            if (id.num() > 32) {
                throw lw.error("mask length must be <= 32", id.span());
            }
            m = id.num() == 0 ? 0 : (0xFFFFFFFFL << (32 - id.num())) & 0xFFFFFFFFL;
            form = id.text() + "/" + id.num();
        } else {
            m = ipv4(id.mask());
            form = id.text() + " mask " + id.mask();
        }
        if ((v & ~m) != 0) {
            throw lw.error("non-network bits set in \"" + form + "\"", id.span());
        }
        return (int) (v & 0xffff);
    }

    private static long ipv4(String dotted) {
        String[] parts = dotted.split("\\.");
        long v = 0;
        for (String p : parts) {
            v = (v << 8) | (Long.parseLong(p) & 0xff);
        }
        return (v << (32 - 8 * parts.length)) & 0xFFFFFFFFL;
    }

    /** One address position in the four header layouts, in libpcap's order. */
    private static Pred side(LinkLayer ll, int shortOff, int longOff, int swapped) {
        int flags = ll.offNl() + 2;
        Pred p = null;
        p = Pred.or(p, Pred.and(LinkLayer.mcmp(1, flags, 0x07, 0x02), LinkLayer.cmp(2, flags + shortOff, swapped)));
        p = Pred.or(p, Pred.and(LinkLayer.mcmp(2, flags, 0xff07, 0x8102),
                LinkLayer.cmp(2, flags + 1 + shortOff, swapped)));
        p = Pred.or(p, Pred.and(LinkLayer.mcmp(1, flags, 0x07, 0x06), LinkLayer.cmp(2, flags + longOff, swapped)));
        p = Pred.or(p, Pred.and(LinkLayer.mcmp(2, flags, 0xff07, 0x8106),
                LinkLayer.cmp(2, flags + 1 + longOff, swapped)));
        return p;
    }
}
