package io.weir.cli.print;

/**
 * BOOTP/DHCP with {@code -v}, as tcpdump's {@code bootp_print} and {@code rfc1048_print} print it: after the
 * summary ({@code BOOTP/DHCP, Request from MAC, length N}), the header's interesting fields ({@code xid},
 * {@code secs}, {@code Flags [...]}), then one continuation line per address set, per RFC 1048 option
 * ({@code DHCP-Message (53), length 1: Discover}). Options print by their format in tcpdump's table (addresses,
 * numbers, strings, bytes); the few tcpdump decodes specially that are not here print as bytes.
 */
final class BootpDecoder {
    /** tcpdump's {@code tag2str}: format letter, then name; a missing entry is {@code ?Option N}. */
    private static final String[] TAGS = new String[256];

    static {
        String[] t = {
            "1 iSubnet-Mask", "2 LTime-Zone", "3 iDefault-Gateway", "4 iTime-Server", "5 iIEN-Name-Server",
            "6 iDomain-Name-Server", "7 iLOG", "8 iCS", "9 iLPR-Server", "10 iIM", "11 iRL", "12 aHostname",
            "13 sBS", "14 aMD", "15 aDomain-Name", "16 iSS", "17 aRP", "18 aEP", "19 BIPF", "20 BSRT", "21 pPF",
            "22 sMD", "23 bTTL", "24 lMTU-Timeout", "25 sMTU-Table", "26 sMTU", "27 BLocal-Net", "28 iBR",
            "29 BMD", "30 BMR", "31 BRD", "32 iRS", "33 pStatic-Route", "34 BTE", "35 lARP-Timeout",
            "36 BEthernet", "37 bDefault-TTL", "38 lKeepAlive-Interval", "39 BKeepAlive-Garbage", "40 aYD",
            "41 iYS", "42 iNTP", "43 bVendor-Option", "44 iNetbios-Name-Server",
            "45 iNetbios-Datagram-Distribution-Server", "46 $Netbios-Node", "47 aNetbios-Scope", "48 iXFS",
            "49 iXDM", "50 iRequested-IP", "51 lLease-Time", "52 $OO", "53 BDHCP-Message", "54 iServer-ID",
            "55 bParameter-Request", "56 aMSG", "57 sMSZ", "58 lRN", "59 lRB", "60 aVendor-Class",
            "61 $Client-ID", "62 aNW-Domain", "63 bNW-IP", "64 aNIS+-Domain", "65 iNIS+-Server", "66 aTFTP",
            "67 aBF", "68 iHA", "69 iSMTP", "70 iPOP3", "71 iNNTP", "72 iWWW", "73 iFG", "74 iIRC",
            "75 iSTS", "76 iSTDA", "77 aUser-Class", "81 $Client-FQDN", "82 $Agent-Information",
            "93 sClient-Arch", "94 bClient-NDI", "97 bGUID", "116 BAUTO-CONFIG", "119 $Domain-Search",
            "121 $Classless-Static-Route", "249 $Classless-Static-Route-Microsoft", "252 aWPAD",
        };
        for (String e : t) {
            int sp = e.indexOf(' ');
            TAGS[Integer.parseInt(e.substring(0, sp))] = e.substring(sp + 1);
        }
    }

    private static final String[] DHCP_MESSAGES = {null, "Discover", "Offer", "Request", "Decline", "ACK", "NACK",
        "Release", "Inform", "Force Renew", "Lease Query", "Lease Unassigned", "Lease Unknown", "Lease Active"};

    private final Frame f;
    private final StringBuilder sb;

    BootpDecoder(Frame f) {
        this.f = f;
        this.sb = f.sb;
    }

    /** The fields after the summary; {@code o} is the BOOTP header, {@code end} the end of its UDP payload. */
    void verbose(int o, int end) {
        f.need(o, 236, Frame.T_BOOTP);
        int htype = f.u8(o + 1);
        int hlen = f.u8(o + 2);
        if (htype != 1) {
            sb.append(", htype ").append(htype);
        }
        if (htype != 1 || hlen != 6) {
            sb.append(", hlen ").append(hlen);
        }
        if (f.u8(o + 3) != 0) {
            sb.append(", hops ").append(f.u8(o + 3));
        }
        if (f.u32(o + 4) != 0) {
            sb.append(", xid 0x");
            f.hex(f.u32(o + 4));
        }
        if (f.u16(o + 8) != 0) {
            sb.append(", secs ").append(f.u16(o + 8));
        }
        sb.append(", Flags [").append((f.u16(o + 10) & 0x8000) != 0 ? "Broadcast" : "none").append(']');
        address("Client-IP", o + 12);
        address("Your-IP", o + 16);
        address("Server-IP", o + 20);
        address("Gateway-IP", o + 24);
        if (htype == 1 && hlen == 6) {
            sb.append("\n\t  Client-Ethernet-Address ");
            f.mac(o + 28);
        }
        text("sname", o + 44, 64);
        text("file", o + 108, 128);
        if (!f.has(o + 236, 4)) {
            return;
        }
        long cookie = f.u32(o + 236);
        if (cookie == 0x63825363L) {
            options(o + 240, Math.min(end, f.cap));
        } else if (cookie != 0) {
            sb.append("\n\t  Vendor-#0x");
            f.hex(cookie);
        }
    }

    private void address(String name, int o) {
        if (f.u32(o) != 0) {
            sb.append("\n\t  ").append(name).append(' ');
            f.ip4(o);
        }
    }

    private void text(String name, int o, int max) {
        if (f.u8(o) == 0) {
            return;
        }
        sb.append("\n\t  ").append(name).append(" \"");
        for (int i = 0; i < max && f.u8(o + i) != 0; i++) {
            printable(f.u8(o + i));
        }
        sb.append('"');
    }

    private void options(int o, int end) {
        sb.append("\n\t  Vendor-rfc1048 Extensions\n\t    Magic Cookie 0x63825363");
        while (o < end) {
            int tag = f.u8(o++);
            if (tag == 0) {
                continue;
            }
            if (tag == 255) {
                return;
            }
            String entry = TAGS[tag];
            char format = entry == null ? '?' : entry.charAt(0);
            if (o >= end) {
                throw Frame.T_BOOTP;
            }
            int len = f.u8(o++);
            sb.append("\n\t    ").append(entry == null ? "Option " + tag : entry.substring(1)).append(" (")
                    .append(tag).append("), length ").append(len).append(len > 0 ? ": " : "");
            if (o + len > end) {
                throw Frame.T_BOOTP;
            }
            if (format == '?') {
                format = (len & 1) != 0 ? 'b' : (len & 2) != 0 ? 's' : 'l';
            }
            value(tag, format, o, len);
            o += len;
        }
    }

    private void value(int tag, char format, int o, int len) {
        if (tag == 55) {
            for (int i = 0; i < len; i++) {
                int t = f.u8(o + i);
                sb.append(i % 4 == 0 ? "\n\t      " : ", ");
                sb.append(TAGS[t] == null ? "Option " + t : TAGS[t].substring(1)).append(" (").append(t).append(')');
            }
            return;
        }
        if (tag == 53 && len == 1) {
            int m = f.u8(o);
            sb.append(m < DHCP_MESSAGES.length && m > 0 ? DHCP_MESSAGES[m] : "Unknown (" + m + ")");
            return;
        }
        if (tag == 61 && len >= 1) {
            int type = f.u8(o);
            if (type == 0) {
                sb.append('"');
                for (int i = 1; i < len; i++) {
                    printable(f.u8(o + i));
                }
                sb.append('"');
                return;
            }
            sb.append(type == 1 ? "ether " : "hardware-type " + type + ", ");
            bytes(o + 1, len - 1, ':', true);
            return;
        }
        switch (format) {
            case 'a':
                sb.append('"');
                for (int i = 0; i < len; i++) {
                    printable(f.u8(o + i));
                }
                sb.append('"');
                return;
            case 'i':
            case 'l':
            case 'L':
                for (int i = 0; i + 4 <= len; i += 4) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    if (format == 'i') {
                        f.ip4(o + i);
                    } else if (format == 'L') {
                        sb.append((int) f.u32(o + i));
                    } else {
                        sb.append(f.u32(o + i));
                    }
                }
                return;
            case 's':
                for (int i = 0; i + 2 <= len; i += 2) {
                    sb.append(i > 0 ? "," : "").append(f.u16(o + i));
                }
                return;
            default:
                bytes(o, len, '.', false);
        }
    }

    private void bytes(int o, int len, char separator, boolean hex) {
        for (int i = 0; i < len; i++) {
            if (i > 0) {
                sb.append(separator);
            }
            if (hex) {
                f.hex2(f.u8(o + i));
            } else {
                sb.append(f.u8(o + i));
            }
        }
    }

    /** A character as tcpdump's {@code nd_printjn} shows it: {@code M-} for the high bit, {@code ^} for controls. */
    private void printable(int c) {
        if (c >= 0x80) {
            sb.append("M-");
            c &= 0x7F;
        }
        if (!Frame.printable(c)) {
            sb.append('^');
            c ^= 0x40;
        }
        sb.append((char) c);
    }
}
