package io.weir.cli.print;

/**
 * DNS (and multicast DNS) messages as tcpdump summarises them: a query as {@code ID[+%] [Na] [Nq] [Nn] [Nau]
 * TYPE? name. (len)}, a response as {@code ID[op][rcode][*][-][|][$] [Nq] an/ns/ar TYPE data, ... (len)}.
 * Names follow compression pointers (with a loop guard); a record that runs past the captured bytes ends the line
 * with {@code [|domain]}.
 */
final class DnsDecoder {
    private final Frame f;
    private final StringBuilder sb;
    /** Where the message starts and ends (captured), for pointers and bounds. */
    private int msg;
    private int end;

    DnsDecoder(Frame f) {
        this.f = f;
        this.sb = f.sb;
    }

    private static final String[] OPS = {"", " inv_q", " stat", " op3", " notify", " update", " op6", " op7",
        " op8", " updateA", " updateD", " updateDA", " updateM", " updateMA", " zoneInit", " zoneRef"};
    private static final String[] RCODES = {"", " FormErr", " ServFail", " NXDomain", " NotImp", " Refused",
        " YXDomain", " YXRRSet", " NXRRSet", " NotAuth", " NotZone"};

    /** Prints the message at {@code o} of UDP/TCP payload length {@code length}. */
    void decode(int o, int length, boolean mdns) {
        msg = o;
        end = Math.min(f.cap, o + length);
        if (end - o < 12) {
            sb.append("[|domain]");
            return;
        }
        int id = f.u16(o);
        int fl = f.u16(o + 2);
        int qd = f.u16(o + 4);
        int an = f.u16(o + 6);
        int ns = f.u16(o + 8);
        int ar = f.u16(o + 10);
        int op = (fl >>> 11) & 15;
        int cp = o + 12;
        sb.append(id).append(OPS[op]);
        try {
            if ((fl & 0x8000) != 0) {
                int rc = fl & 15;
                sb.append(rc < RCODES.length ? RCODES[rc] : " Resp" + rc);
                if ((fl & 0x0400) != 0) sb.append('*');
                if ((fl & 0x0080) == 0) sb.append('-');
                if ((fl & 0x0200) != 0) sb.append('|');
                if ((fl & 0x0020) != 0) sb.append('$');
                if (qd != 1) {
                    sb.append(" [").append(qd).append("q]");
                }
                for (int i = 0; i < qd; i++) {
                    cp = skipName(cp) + 4;
                }
                sb.append(' ').append(an).append('/').append(ns).append('/').append(ar);
                for (int i = 0; i < an; i++) {
                    if (i > 0) {
                        if (cp >= end) {
                            throw Frame.T_DNS;
                        }
                        sb.append(',');
                    }
                    cp = record(cp, mdns);
                }
            } else {
                if ((fl & 0x0100) != 0) sb.append('+');
                if ((fl & 0x0010) != 0) sb.append('%');
                if ((fl & 0x6cf) != 0) {
                    sb.append(" [b2&3=0x");
                    f.hex(fl);
                    sb.append(']');
                }
                if (op == 1) {
                    if (qd != 0) sb.append(" [").append(qd).append("q]");
                    if (an != 1) sb.append(" [").append(an).append("a]");
                } else {
                    if (an != 0) sb.append(" [").append(an).append("a]");
                    if (qd != 1) sb.append(" [").append(qd).append("q]");
                }
                if (ns != 0) sb.append(" [").append(ns).append("n]");
                if (ar != 0) sb.append(" [").append(ar).append("au]");
                for (int i = 0; i < qd; i++) {
                    if (i > 0 && cp >= end) {
                        throw Frame.T_DNS;
                    }
                    cp = question(cp, mdns);
                }
            }
        } catch (Frame.Truncated t) {
            sb.append(" [|domain]");
            return;
        }
        sb.append(" (").append(length).append(')');
    }

    private void need(int o, int n) {
        if (o < msg || o + n > end) {
            throw Frame.T_DNS;
        }
    }

    /** The offset after the name at {@code o} (a pointer ends it). */
    private int skipName(int o) {
        for (;;) {
            need(o, 1);
            int l = f.u8(o);
            if (l == 0) {
                return o + 1;
            }
            if ((l & 0xC0) == 0xC0) {
                return o + 2;
            }
            o += 1 + (l & 0x3F);
        }
    }

    /** Prints the name at {@code o} ("a.b." or "."); returns the offset after it where it was written. */
    private int name(int o) {
        int after = -1;
        int hops = 0;
        boolean any = false;
        for (;;) {
            need(o, 1);
            int l = f.u8(o);
            if (l == 0) {
                if (!any) {
                    sb.append('.');
                }
                return after < 0 ? o + 1 : after;
            }
            if ((l & 0xC0) == 0xC0) {
                need(o, 2);
                if (after < 0) {
                    after = o + 2;
                }
                if (++hops > 128) {
                    sb.append("<LOOP>");
                    return after;
                }
                o = msg + (((l & 0x3F) << 8) | f.u8(o + 1));
                continue;
            }
            if ((l & 0xC0) != 0) {
                sb.append("<ELT ").append(l).append('>');
                return after < 0 ? o + 1 : after;
            }
            need(o + 1, l);
            for (int i = 0; i < l; i++) {
                printChar(f.u8(o + 1 + i));
            }
            sb.append('.');
            any = true;
            o += 1 + l;
        }
    }

    /** tcpdump's fn_print_char: M- for the high bit, ^ for control characters. */
    private void printChar(int c) {
        if (c >= 0x80) {
            sb.append("M-");
            c &= 0x7F;
        }
        if (!Frame.printable(c)) {
            sb.append('^').append((char) (c ^ 0x40));
        } else {
            sb.append((char) c);
        }
    }

    private int question(int o, boolean mdns) {
        int after = skipName(o);
        need(after, 4);
        int type = f.u16(after);
        int cls = f.u16(after + 2);
        sb.append(' ').append(typeName(type));
        int c = mdns ? cls & 0x7FFF : cls;
        if (c != 1) {
            sb.append(' ').append(className(c));
        }
        if (mdns) {
            sb.append((cls & 0x8000) != 0 ? " (QU)" : " (QM)");
        }
        sb.append("? ");
        name(o);
        return after + 4;
    }

    private int record(int o, boolean mdns) {
        int cp = skipName(o);
        if (f.opt.verbose > 0) {
            sb.append(' ');   // tcpdump's -v names each record
            name(o);
        }
        need(cp, 10);
        int type = f.u16(cp);
        int cls = f.u16(cp + 2);
        int c = mdns ? cls & 0x7FFF : cls;
        if (c != 1 && type != 41) {
            sb.append(' ').append(className(c));
        }
        if (mdns && (cls & 0x8000) != 0) {
            sb.append(" (Cache flush)");
        }
        int optFlags = type == 41 ? f.u16(cp + 6) : 0;
        int len = f.u16(cp + 8);
        cp += 10;
        int rp = cp + len;
        sb.append(' ').append(typeName(type));
        if (rp > end) {
            throw Frame.T_DNS;
        }
        switch (type) {
            case 1:
                need(cp, 4);
                sb.append(' ');
                f.ip4(cp);
                break;
            case 2:
            case 5:
            case 12:
            case 39:
                sb.append(' ');
                name(cp);
                break;
            case 15:
                need(cp, 2);
                sb.append(' ');
                name(cp + 2);
                sb.append(' ').append(f.u16(cp));
                break;
            case 16:
                while (cp < rp) {
                    int l = f.u8(cp);
                    need(cp + 1, l);
                    sb.append(" \"");
                    for (int i = 0; i < l; i++) {
                        printChar(f.u8(cp + 1 + i));
                    }
                    sb.append('"');
                    cp += 1 + l;
                }
                break;
            case 33:
                need(cp, 6);
                sb.append(' ');
                name(cp + 6);
                sb.append(':').append(f.u16(cp + 4)).append(' ').append(f.u16(cp)).append(' ').append(f.u16(cp + 2));
                break;
            case 28:
                need(cp, 16);
                sb.append(' ');
                f.ip6(cp);
                break;
            case 41:
                sb.append(" UDPsize=").append(c);
                if ((optFlags & 0x8000) != 0) {
                    sb.append(" DO");
                }
                break;
            default:
                break;
        }
        return rp;
    }

    static String className(int c) {
        switch (c) {
            case 1: return "IN";
            case 3: return "CHAOS";
            case 4: return "HS";
            case 255: return "ANY";
            default: return "(Class " + c + ")";
        }
    }

    private static final String[] TYPES = new String[262];

    static {
        String[][] t = {{"1", "A"}, {"2", "NS"}, {"3", "MD"}, {"4", "MF"}, {"5", "CNAME"}, {"6", "SOA"}, {"7", "MB"},
            {"8", "MG"}, {"9", "MR"}, {"10", "NULL"}, {"11", "WKS"}, {"12", "PTR"}, {"13", "HINFO"}, {"14", "MINFO"},
            {"15", "MX"}, {"16", "TXT"}, {"17", "RP"}, {"18", "AFSDB"}, {"19", "X25"}, {"20", "ISDN"}, {"21", "RT"},
            {"22", "NSAP"}, {"23", "NSAP_PTR"}, {"24", "SIG"}, {"25", "KEY"}, {"26", "PX"}, {"27", "GPOS"},
            {"28", "AAAA"}, {"29", "LOC"}, {"30", "NXT"}, {"31", "EID"}, {"32", "NIMLOC"}, {"33", "SRV"},
            {"34", "ATMA"}, {"35", "NAPTR"}, {"36", "KX"}, {"37", "CERT"}, {"38", "A6"}, {"39", "DNAME"},
            {"40", "SINK"}, {"41", "OPT"}, {"42", "APL"}, {"43", "DS"}, {"44", "SSHFP"}, {"45", "IPSECKEY"},
            {"46", "RRSIG"}, {"47", "NSEC"}, {"48", "DNSKEY"}, {"49", "DHCID"}, {"50", "NSEC3"},
            {"51", "NSEC3PARAM"}, {"52", "TLSA"}, {"53", "SMIMEA"}, {"55", "HIP"}, {"56", "NINFO"}, {"57", "RKEY"},
            {"58", "TALINK"}, {"59", "CDS"}, {"60", "CDNSKEY"}, {"61", "OPENPGPKEY"}, {"62", "CSYNC"},
            {"63", "ZONEMD"}, {"64", "SVCB"}, {"65", "HTTPS"}, {"99", "SPF"}, {"100", "UINFO"}, {"101", "UID"},
            {"102", "GID"}, {"103", "UNSPEC"}, {"104", "NID"}, {"105", "L32"}, {"106", "L64"}, {"107", "LP"},
            {"108", "EUI48"}, {"109", "EUI64"}, {"249", "TKEY"}, {"250", "TSIG"}, {"251", "IXFR"}, {"252", "AXFR"},
            {"253", "MAILB"}, {"254", "MAILA"}, {"255", "ANY"}, {"256", "URI"}, {"257", "CAA"}, {"258", "AVC"},
            {"259", "DOA"}, {"260", "AMTRELAY"}, {"261", "RESINFO"}};
        for (String[] e : t) {
            TYPES[Integer.parseInt(e[0])] = e[1];
        }
    }

    static String typeName(int type) {
        String s = type < TYPES.length ? TYPES[type] : null;
        return s != null ? s : type == 32768 ? "TA" : type == 32769 ? "DLV" : "Type" + type;
    }
}
