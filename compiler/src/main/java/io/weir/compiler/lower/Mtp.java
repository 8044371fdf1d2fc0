package io.weir.compiler.lower;

import io.weir.compiler.parse.Ast;
import io.weir.compiler.parse.ForeignKeywords;

/**
 * SS7 on MTP2 (DLT 140), MTP2 with its pseudo-header (139) and Endace ERF (197), as libpcap 1.10 filters them
 * ({@code gen_mtp2type_abbrev}, {@code gen_mtp3field_code}). libpcap filters no network protocol there, only:
 * <ul>
 * <li>the signal unit type from the length indicator (6 bits): {@code fisu} (0), {@code lssu} (1-2),
 * {@code msu} (3 and up), and with extended sequence numbers (MTP2 HSL, a 9-bit indicator two bytes later)
 * {@code hfisu}, {@code hlssu}, {@code hmsu};</li>
 * <li>the MTP3 routing label: {@code sio} (8 bits), {@code opc}, {@code dpc} (14 bits each, stored
 * least-significant bits first, so the value is shuffled into the 32-bit word's byte order and masked) and
 * {@code sls} (4 bits), with {@code = > >= < <= !=}; {@code hsio}, {@code hopc}, {@code hdpc}, {@code hsls}
 * read them 3 bytes later, behind the HSL header.</li>
 * </ul>
 */
final class Mtp {
    private static final int DLT_MTP2_WITH_PHDR = 139;
    private static final int DLT_MTP2 = 140;
    private static final int DLT_ERF = 197;
    /** The HSL variants' fields are this much further. */
    private static final int HSL_SHIFT = 3;

    private Mtp() {
    }

    /** The offset of the length indicator (the SIO is one byte later, the label two), or -1 off SS7. */
    private static int li(LinkLayer ll) {
        switch (ll.type().dlt()) {
            case DLT_MTP2: return 2;
            case DLT_MTP2_WITH_PHDR: return 6;
            case DLT_ERF: return 22;
            default: return -1;
        }
    }

    /** An MTP primitive: {@code o.kind()} is {@code "mtp "} and the keyword; fields carry the operator in proto. */
    static Pred lower(LinkLayer ll, Ast.Other o) throws LowerException {
        String word = o.kind().substring(4);
        int li = li(ll);
        if (li < 0) {
            throw new LowerException(ForeignKeywords.message(word));
        }
        boolean hsl = word.startsWith("h");
        String base = hsl ? word.substring(1) : word;
        switch (base) {
            case "fisu":
                return hsl ? LinkLayer.mcmp(2, li + 2, 0xff80, 0) : LinkLayer.mcmp(1, li, 0x3f, 0);
            case "lssu":
                return Pred.and(unitAbove(hsl, li, 0), Pred.not(unitAbove(hsl, li, hsl ? 0x100 : 2)));
            case "msu":
                return unitAbove(hsl, li, hsl ? 0x100 : 2);
            default:
                return field(base, li + 1 + (hsl ? HSL_SHIFT : 0), o.proto(), o.num());
        }
    }

    /** The (HSL) length indicator, masked, above {@code k}. */
    private static Pred unitAbove(boolean hsl, int li, int k) {
        return hsl ? SunAtm.Fields.compare(2, li + 2, 0xff80, ">", k) : SunAtm.Fields.compare(1, li, 0x3f, ">", k);
    }

    /** An MTP3 field at {@code sio} (the SIO's offset; the routing label follows it) compared by {@code op}. */
    private static Pred field(String name, int sio, String op, long value) throws LowerException {
        switch (name) {
            case "sio":
                check("sio", value, 255);
                return SunAtm.Fields.compare(1, sio, -1, op, (int) value);
            case "opc": {
                check("opc", value, 16383);
                int v = (int) value;
                int wire = ((v & 0x3c00) >> 10) + ((v & 0x3fc) << 6) + ((v & 0x3) << 22);
                return SunAtm.Fields.compare(4, sio + 1, 0x00c0ff0f, op, wire);
            }
            case "dpc": {
                check("dpc", value, 16383);
                int v = (int) value;
                int wire = ((v & 0xff) << 24) + ((v & 0x3f00) << 8);
                return SunAtm.Fields.compare(4, sio + 1, 0xff3f0000, op, wire);
            }
            default:
                check("sls", value, 15);
                return SunAtm.Fields.compare(1, sio + 4, 0xf0, op, (int) value << 4);
        }
    }

    private static void check(String name, long value, int max) throws LowerException {
        if (value > max) {
            throw new LowerException(name + " value " + value + " too big; max value = " + max);
        }
    }
}
