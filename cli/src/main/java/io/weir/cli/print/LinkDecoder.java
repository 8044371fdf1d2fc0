package io.weir.cli.print;

import java.io.IOException;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Link layers as tcpdump prints them: Ethernet (with 802.1Q/QinQ tags, silent unless {@code -e}), Linux cooked
 * v1 and v2, BSD loopback (NULL/LOOP), raw IP; and ARP, which lives on those links. With {@code -e} the link
 * header comes first and the network layer then omits its own name ("IP ", "ARP, "), as tcpdump does.
 */
final class LinkDecoder {
    static final int NULL = 0;
    static final int ETHERNET = 1;
    static final int RAW = 101;
    static final int LOOP = 108;
    static final int LINUX_SLL = 113;
    static final int IPV4 = 228;
    static final int IPV6 = 229;
    static final int LINUX_SLL2 = 276;

    private final Frame f;
    private final StringBuilder sb;
    private final IpDecoder ip;
    private final boolean e;
    private final Map<Long, String> ifNames = new HashMap<>();
    /** Whether the packet's link header has been printed (-e, or a type tcpdump cannot decode). */
    private boolean headerPrinted;

    LinkDecoder(Frame f, IpDecoder ip) {
        this.f = f;
        this.sb = f.sb;
        this.ip = ip;
        this.e = f.opt.linkHeader;
    }

    /** Prints the packet from its link header on. Returns the offset of the network header (for -x), or 0. */
    int decode(int linkType, int wireLen) {
        switch (linkType) {
            case ETHERNET:
                return ethernet(wireLen);
            case LINUX_SLL:
                return sll(wireLen);
            case LINUX_SLL2:
                return sll2(wireLen);
            case RAW:
            case 12:
            case 14:
                if (e) {
                    sb.append("ip: ");
                }
                f.need(0, 1, Frame.T_IP);
                ip.any(0, wireLen);
                return 0;
            case IPV4:
                ip.ipv4(0, wireLen);
                return 0;
            case IPV6:
                ip.ipv6(0, wireLen);
                return 0;
            case NULL:
            case LOOP:
                return loopback(linkType, wireLen);
            default:
                sb.append("unsupported link type ").append(linkType).append(", length ").append(wireLen);
                return 0;
        }
    }

    // ---- Ethernet ----

    private int ethernet(int wireLen) {
        f.need(0, 14, Frame.T_ETHER);
        int type = f.u16(12);
        headerPrinted = e || type <= 1500 || !known(type) && !knownAfterTags(type);
        if (headerPrinted) {
            f.mac(6);
            sb.append(" > ");
            f.mac(0);
            sb.append(", ");
            if (type <= 1500) {
                sb.append("802.3, length ").append(wireLen).append(": ");
                llc(14, type);
                return 14;
            }
            ethertype(type);
            sb.append(", length ").append(wireLen).append(": ");
        }
        int o = 14;
        while (type == 0x8100 || type == 0x88a8 || type == 0x9100) {
            f.need(o, 4, Frame.T_ETHER);
            int tci = f.u16(o);
            type = f.u16(o + 2);
            if (e) {
                sb.append("vlan ").append(tci & 0xFFF).append(", p ").append(tci >>> 13);
                if ((tci & 0x1000) != 0) {
                    sb.append(", DEI");
                }
                sb.append(", ");
                ethertype(type);
                sb.append(", ");
            }
            o += 4;
        }
        payload(type, o, wireLen);
        return o;
    }

    /** Whether a tagged frame's inner type is decoded (tcpdump prints no link header for it without -e). */
    private boolean knownAfterTags(int type) {
        if (type != 0x8100 && type != 0x88a8 && type != 0x9100) {
            return false;
        }
        int o = 14;
        while ((type == 0x8100 || type == 0x88a8 || type == 0x9100) && f.has(o, 4)) {
            type = f.u16(o + 2);
            o += 4;
        }
        return known(type) && type != 0x8100 && type != 0x88a8 && type != 0x9100;
    }

    private static boolean known(int type) {
        return type == 0x0800 || type == 0x86dd || type == 0x0806 || type == 0x8100 || type == 0x88a8
                || type == 0x9100;
    }

    /** The network layer after a link header with an EtherType; unknown types get a short fallback. */
    private void payload(int type, int o, int wireLen) {
        switch (type) {
            case 0x0800:
                ip.ipv4(o, wireLen - o);
                break;
            case 0x86dd:
                ip.ipv6(o, wireLen - o);
                break;
            case 0x0806:
            case 0x8035:
                arp(o, wireLen - o);
                break;
            default:
                // A type Weir does not decode: after a printed link header nothing more (tcpdump hex-dumps the
                // payload on the following lines); after silent VLAN tags, a short fallback.
                if (!headerPrinted) {
                    if (type <= 1500) {
                        sb.append("802.3, length ").append(type).append(": ");
                        llc(o, type);
                    } else {
                        ethertype(type);
                        sb.append(", length ").append(wireLen - o);
                    }
                }
        }
    }

    private void ethertype(int type) {
        if (f.opt.quick) {   // -q: the name alone
            String n = etherName(type);
            if (n.equals("Unknown")) {
                sb.append("Unknown Ethertype (0x");
                f.hex4(type);
                sb.append(')');
            } else {
                sb.append(n);
            }
            return;
        }
        sb.append("ethertype ").append(etherName(type)).append(" (0x");
        f.hex4(type);
        sb.append(')');
    }

    static String etherName(int type) {
        switch (type) {
            case 0x0800: return "IPv4";
            case 0x86dd: return "IPv6";
            case 0x0806: return "ARP";
            case 0x8035: return "Reverse ARP";
            case 0x8100: return "802.1Q";
            case 0x88a8: return "802.1Q-QinQ";
            case 0x9100: return "802.1Q-9100";
            case 0x8847: return "MPLS unicast";
            case 0x8848: return "MPLS multicast";
            case 0x8863: return "PPPoE D";
            case 0x8864: return "PPPoE S";
            case 0x88cc: return "LLDP";
            case 0x888e: return "EAPOL";
            case 0x9000: return "Loopback";
            case 0x8809: return "Slow Protocols";
            case 0x88e5: return "MACsec";
            default: return "Unknown";
        }
    }

    /** The short fallback for 802.2 LLC frames: the SAPs only. */
    private void llc(int o, int length) {
        if (!f.has(o, 3)) {
            sb.append("[|llc]");
            return;
        }
        sb.append("LLC, dsap 0x");
        f.hex2(f.u8(o));
        sb.append(", ssap 0x");
        f.hex2(f.u8(o + 1));
        sb.append(", length ").append(length);
    }

    // ---- Linux cooked ----

    private static final String[] PKTTYPE = {"In", "B", "M", "P", "Out"};

    private static String pktType(int t) {
        return t >= 0 && t < PKTTYPE.length ? PKTTYPE[t] : "?";
    }

    private int sll(int wireLen) {
        f.need(0, 16, Frame.T_LINK);
        int type = f.u16(14);
        headerPrinted = e;
        if (e) {
            String t = pktType(f.u16(0));   // v1 right-aligns the direction ("%3s"), v2 left-aligns it
            for (int i = t.length(); i < 3; i++) {
                sb.append(' ');
            }
            sb.append(t).append(' ');
            linkAddr(6, f.u16(4));
            sb.append(' ');
            if (!f.opt.quick) {   // -q: the direction and address only
                ethertype(type);
                sb.append(", length ").append(wireLen).append(": ");
            }
        }
        payload(type, 16, wireLen);
        return 16;
    }

    private int sll2(int wireLen) {
        f.need(0, 20, Frame.T_LINK);
        long index = f.u32(4);
        pad(ifName(index), 5);
        sb.append(' ');
        pad(pktType(f.u8(10)), 3);
        sb.append(' ');
        int type = f.u16(0);
        headerPrinted = e;
        if (e) {
            sb.append("ifindex ").append(index).append(' ');
            linkAddr(12, f.u8(11));
            sb.append(' ');
            if (!f.opt.quick) {
                ethertype(type);
                sb.append(", length ").append(wireLen).append(": ");
            }
        }
        payload(type, 20, wireLen);
        return 20;
    }

    /**
     * tcpdump names the interface with this machine's if_indextoname, else prints the number. Linux lists every
     * interface (up or down, with or without addresses) in /sys/class/net; Java's NetworkInterface does not.
     */
    private String ifName(long index) {
        String name = ifNames.get(index);
        if (name == null && !f.opt.localInterfaceNames) {
            return "?";
        }
        if (name == null) {
            name = "?";
            try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/sys/class/net"))) {
                for (Path p : dir) {
                    Path idx = p.resolve("ifindex");
                    if (Files.isReadable(idx) && Files.readString(idx).trim().equals(Long.toString(index))) {
                        name = p.getFileName().toString();
                        break;
                    }
                }
            } catch (IOException | RuntimeException ignored) {
                // not Linux: try Java's view
                try {
                    NetworkInterface ni = index <= Integer.MAX_VALUE ? NetworkInterface.getByIndex((int) index) : null;
                    if (ni != null) {
                        name = ni.getName();
                    }
                } catch (SocketException alsoIgnored) {
                    // keep the number
                }
            }
            ifNames.put(index, name);
        }
        return name;
    }

    private void linkAddr(int o, int len) {
        len = Math.min(len, 8);
        for (int i = 0; i < len; i++) {
            if (i > 0) {
                sb.append(':');
            }
            f.hex2(f.u8(o + i));
        }
    }

    private void pad(String s, int width) {
        sb.append(s);
        for (int i = s.length(); i < width; i++) {
            sb.append(' ');
        }
    }

    // ---- loopback ----

    private int loopback(int linkType, int wireLen) {
        f.need(0, 4, Frame.T_LINK);
        long family;
        if (linkType == LOOP) {
            family = f.u32(0);
        } else {
            family = Integer.reverseBytes((int) f.u32(0)) & 0xFFFFFFFFL;   // host order, as tcpdump reads it
            if ((family & 0xFFFF0000L) != 0) {
                family = Integer.reverseBytes((int) family) & 0xFFFFFFFFL;
            }
        }
        String name = family == 2 ? "IPv4" : family == 24 || family == 28 || family == 30 ? "IPv6"
                : family == 7 ? "OSI" : family == 23 ? "IPX" : family == 16 ? "Appletalk" : "Unknown";
        boolean v4 = family == 2;
        boolean v6 = name.equals("IPv6");
        if (e && f.opt.quick) {
            sb.append(name).append(", length ").append(wireLen).append(": ");
        } else if (e || !(v4 || v6)) {
            sb.append("AF ").append(name).append(" (").append(family).append("), length ").append(wireLen)
                    .append(": ");
        }
        if (v4) {
            ip.ipv4(4, wireLen - 4);
        } else if (v6) {
            ip.ipv6(4, wireLen - 4);
        }
        return 4;
    }

    // ---- ARP ----

    private void arp(int o, int length) {
        if (!e) {
            sb.append("ARP, ");
        }
        f.need(o, 8, Frame.T_ARP);
        int hrd = f.u16(o);
        int pro = f.u16(o + 2);
        int hln = f.u8(o + 4);
        int pln = f.u8(o + 5);
        int op = f.u16(o + 6);
        if (pro != 0x0800 || pln != 4 || hln != 6 || (hrd != 1 && hrd != 6)) {
            sb.append(hrd == 1 ? "Ethernet" : "hardware type " + hrd).append(" (len ").append(hln)
                    .append("), ").append(LinkDecoder.etherName(pro)).append(" (len ").append(pln)
                    .append("), ").append(opName(op)).append(", length ").append(length);
            return;
        }
        f.need(o, 28, Frame.T_ARP);
        if (f.opt.verbose > 0) {
            // tcpdump's -v names the hardware and protocol types first.
            sb.append(hrd == 1 ? "Ethernet" : "IEEE 802").append(" (len ").append(hln).append("), ")
                    .append(LinkDecoder.etherName(pro)).append(" (len ").append(pln).append("), ");
        }
        int sha = o + 8;
        int spa = o + 14;
        int tha = o + 18;
        int tpa = o + 24;
        switch (op) {
            case 1:
                sb.append("Request who-has ");
                f.ip4(tpa);
                if (nonZero(tha, 6)) {
                    sb.append(" (");
                    f.mac(tha);
                    sb.append(')');
                }
                sb.append(" tell ");
                f.ip4(spa);
                break;
            case 2:
                sb.append("Reply ");
                f.ip4(spa);
                sb.append(" is-at ");
                f.mac(sha);
                break;
            case 3:
                sb.append("Reverse Request who-is ");
                f.mac(tha);
                sb.append(" tell ");
                f.mac(sha);
                break;
            case 4:
                sb.append("Reverse Reply ");
                f.mac(tha);
                sb.append(" at ");
                f.ip4(tpa);
                break;
            default:
                sb.append("Unknown (").append(op).append(')');
        }
        sb.append(", length ").append(length);
    }

    private static String opName(int op) {
        switch (op) {
            case 1: return "Request";
            case 2: return "Reply";
            case 3: return "Reverse Request";
            case 4: return "Reverse Reply";
            default: return "Unknown (" + op + ")";
        }
    }

    private boolean nonZero(int o, int len) {
        for (int i = 0; i < len; i++) {
            if (f.u8(o + i) != 0) {
                return true;
            }
        }
        return false;
    }
}
