package io.weir.cli;

import io.weir.capture.LinkType;
import io.weir.capture.Packet;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.ZoneId;
import java.time.zone.ZoneRules;

/**
 * One line per packet, close to tcpdump's default output: the local time ({@code HH:MM:SS.ffffff}, as tcpdump
 * prints it) and a summary of the network and transport layers, e.g.
 * {@code 12:00:01.000002 IP 10.0.0.1.1234 > 10.0.0.2.80: Flags [S], seq 1, win 65535, length 0}.
 *
 * <p>Not yet tcpdump's exact format (that is a later issue): addresses and ports are always numeric (as with
 * {@code -n}), sequence numbers are absolute (as with {@code -S}), TCP options and application protocols are not
 * decoded. Bytes beyond the captured length are never read; a cut header prints {@code [|proto]}.
 */
final class PacketPrinter {
    private final ZoneRules zone;
    private final StringBuilder sb = new StringBuilder(256);
    private long cachedSecond = Long.MIN_VALUE;
    private int cachedOffset;

    // The packet being printed.
    private ByteBuffer b;
    private int base;
    private int cap;

    PacketPrinter(ZoneId zone) {
        this.zone = zone.getRules();
    }

    /** Formats one packet, without the line terminator; the builder is reused by the next call. */
    CharSequence format(Packet p) {
        sb.setLength(0);
        timestamp(p.timestampNanos());
        sb.append(' ');
        b = p.buffer();
        base = p.offset();
        cap = p.capLen();
        try {
            link(p.linkType(), p.wireLen());
        } catch (Truncated t) {
            sb.append(" [|").append(t.proto).append(']');
        }
        return sb;
    }

    private void timestamp(long nanos) {
        long second = Math.floorDiv(nanos, 1_000_000_000L);
        if (second != cachedSecond) {
            cachedSecond = second;
            cachedOffset = zone.getOffset(Instant.ofEpochSecond(second)).getTotalSeconds();
        }
        long local = Math.floorMod(second + cachedOffset, 86_400L);
        two(local / 3600);
        sb.append(':');
        two(local / 60 % 60);
        sb.append(':');
        two(local % 60);
        sb.append('.');
        long micros = Math.floorMod(nanos, 1_000_000_000L) / 1000;
        String m = Long.toString(micros);
        for (int i = m.length(); i < 6; i++) {
            sb.append('0');
        }
        sb.append(m);
    }

    private void two(long v) {
        if (v < 10) {
            sb.append('0');
        }
        sb.append(v);
    }

    /** Thrown (preallocated, without a stack) when a header runs past the captured bytes. */
    private static final class Truncated extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String proto;

        Truncated(String proto) {
            super(proto, null, false, false);
            this.proto = proto;
        }
    }

    private static final Truncated T_ETHER = new Truncated("ether");
    private static final Truncated T_LINK = new Truncated("link");
    private static final Truncated T_IP = new Truncated("ip");
    private static final Truncated T_IP6 = new Truncated("ip6");
    private static final Truncated T_TCP = new Truncated("tcp");
    private static final Truncated T_UDP = new Truncated("udp");
    private static final Truncated T_ICMP = new Truncated("icmp");
    private static final Truncated T_ICMP6 = new Truncated("icmp6");
    private static final Truncated T_ARP = new Truncated("arp");

    private void need(int off, int len, Truncated t) {
        if (off < 0 || off + len > cap) {
            throw t;
        }
    }

    private int u8(int off) {
        return b.get(base + off) & 0xFF;
    }

    private int u16(int off) {
        return b.getShort(base + off) & 0xFFFF;
    }

    private long u32(int off) {
        return b.getInt(base + off) & 0xFFFFFFFFL;
    }

    // ---- link layers ----

    private void link(int linkType, int wireLen) {
        switch (linkType) {
            case LinkType.ETHERNET: {
                need(0, 14, T_ETHER);
                int o = 12;
                int type = u16(o);
                while (type == 0x8100 || type == 0x88a8 || type == 0x9100) {
                    need(o, 6, T_ETHER);
                    o += 4;
                    type = u16(o);
                }
                ether(type, o + 2, wireLen);
                return;
            }
            case LinkType.LINUX_SLL:
                need(0, 16, T_LINK);
                ether(u16(14), 16, wireLen);
                return;
            case LinkType.LINUX_SLL2:
                need(0, 20, T_LINK);
                ether(u16(0), 20, wireLen);
                return;
            case LinkType.RAW:
            case 12:
            case 14:
                need(0, 1, T_IP);
                ipAny(0, wireLen);
                return;
            case LinkType.IPV4:
                ipv4(0, wireLen);
                return;
            case LinkType.IPV6:
                ipv6(0, wireLen);
                return;
            case LinkType.NULL:
            case LinkType.LOOP: {
                need(0, 4, T_LINK);
                long family = linkType == LinkType.LOOP ? u32(0) : Math.min(u32(0), Integer.reverseBytes((int) u32(0)) & 0xFFFFFFFFL);
                if (family == 2) {
                    ipv4(4, wireLen);
                } else if (family == 24 || family == 28 || family == 30 || family == 10) {
                    ipv6(4, wireLen);
                } else {
                    sb.append("loopback family ").append(family).append(", length ").append(wireLen);
                }
                return;
            }
            default: {
                String name = LinkType.name(linkType);
                sb.append(name == null ? "link-type " + linkType : name).append(", length ").append(wireLen);
            }
        }
    }

    private void ether(int type, int l3, int wireLen) {
        switch (type) {
            case 0x0800:
                ipv4(l3, wireLen);
                break;
            case 0x86dd:
                ipv6(l3, wireLen);
                break;
            case 0x0806:
                arp(l3, wireLen - l3);
                break;
            default:
                if (type <= 1500) {
                    sb.append("802.3, length ").append(type);
                } else {
                    sb.append("ethertype 0x");
                    hex4(type);
                    sb.append(", length ").append(wireLen);
                }
        }
    }

    private void hex4(int v) {
        String h = Integer.toHexString(v);
        for (int i = h.length(); i < 4; i++) {
            sb.append('0');
        }
        sb.append(h);
    }

    private void arp(int o, int length) {
        need(o, 8, T_ARP);
        int op = u16(o + 6);
        if (u16(o) != 1 || u16(o + 2) != 0x0800 || u8(o + 4) != 6 || u8(o + 5) != 4) {
            sb.append("ARP, hardware type ").append(u16(o)).append(", length ").append(length);
            return;
        }
        need(o, 28, T_ARP);
        if (op == 1) {
            sb.append("ARP, Request who-has ");
            ip4(o + 24);
            sb.append(" tell ");
            ip4(o + 14);
        } else if (op == 2) {
            sb.append("ARP, Reply ");
            ip4(o + 14);
            sb.append(" is-at ");
            mac(o + 8);
        } else {
            sb.append("ARP, op ").append(op);
        }
        sb.append(", length ").append(length);
    }

    private void mac(int o) {
        for (int i = 0; i < 6; i++) {
            if (i > 0) {
                sb.append(':');
            }
            int v = u8(o + i);
            sb.append(Character.forDigit(v >>> 4, 16)).append(Character.forDigit(v & 15, 16));
        }
    }

    // ---- IPv4 ----

    private void ipAny(int o, int wireLen) {
        int version = u8(o) >>> 4;
        if (version == 4) {
            ipv4(o, wireLen);
        } else if (version == 6) {
            ipv6(o, wireLen);
        } else {
            sb.append("IP version ").append(version).append(", length ").append(wireLen);
        }
    }

    private void ip4(int o) {
        sb.append(u8(o)).append('.').append(u8(o + 1)).append('.').append(u8(o + 2)).append('.').append(u8(o + 3));
    }

    private void ipv4(int o, int wireLen) {
        need(o, 20, T_IP);
        int hl = (u8(o) & 0xF) * 4;
        int total = u16(o + 2);
        int frag = u16(o + 6);
        int proto = u8(o + 9);
        int payload = total - hl;
        sb.append("IP ");
        int l4 = o + hl;
        boolean first = (frag & 0x1FFF) == 0;
        if (!first || hl < 20) {
            ip4(o + 12);
            sb.append(" > ");
            ip4(o + 16);
            sb.append(": ip-proto-").append(proto);   // later fragments: tcpdump shows details only with -v
            return;
        }
        transport(proto, o + 12, o + 16, 4, l4, payload, false);
    }

    // ---- IPv6 ----

    private void ip6(int o) {
        // RFC 5952: the longest run (two groups or more) of zero groups becomes "::", lower-case hex.
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (u16(o + 2 * i) == 0) {
                int j = i;
                while (j < 8 && u16(o + 2 * j) == 0) {
                    j++;
                }
                if (j - i > bestLen && j - i >= 2) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (i > 0 && i != bestStart + bestLen) {
                sb.append(':');
            }
            sb.append(Integer.toHexString(u16(o + 2 * i)));
        }
    }

    private void ipv6(int o, int wireLen) {
        need(o, 40, T_IP6);
        int payload = u16(o + 4);
        int next = u8(o + 6);
        int at = o + 40;
        int extStart = sb.length();
        boolean ext = false;
        for (;;) {
            if (next == 0 || next == 60 || next == 43) {
                need(at, 2, T_IP6);
                sb.append(next == 0 ? "HBH " : next == 60 ? "DSTOPT " : "srcrt ");
                ext = true;
                int len = (u8(at + 1) + 1) * 8;
                next = u8(at);
                at += len;
                payload -= len;
            } else if (next == 44) {
                need(at, 8, T_IP6);
                int off = u16(at + 2) & 0xFFF8;
                next = u8(at);
                at += 8;
                payload -= 8;
                ext = true;
                sb.append("frag (").append(off).append('|').append(payload).append(')');
                if (off != 0) {
                    break;   // a later fragment: no transport header in it
                }
                sb.append(' ');
            } else {
                break;
            }
        }
        if (!ext) {
            sb.append("IP6 ");
            transport(next, o + 8, o + 24, 6, at, payload, false);
            return;
        }
        // With extension headers tcpdump names the addresses first, then the headers, then the ports.
        String exts = sb.substring(extStart);
        sb.setLength(extStart);
        sb.append("IP6 ");
        ip6(o + 8);
        sb.append(" > ");
        ip6(o + 24);
        sb.append(": ").append(exts);
        if (!exts.endsWith(")")) {
            transport(next, o + 8, o + 24, 6, at, payload, true);
        }
    }

    // ---- transports ----

    private void addr(int version, int o) {
        if (version == 4) {
            ip4(o);
        } else {
            ip6(o);
        }
    }

    private void transport(int proto, int src, int dst, int version, int l4, int payload, boolean portsOnly) {
        switch (proto) {
            case 6: {
                cut(l4, 20, T_TCP, version, src, dst, portsOnly);
                endpoints(version, src, dst, u16(l4), u16(l4 + 2), portsOnly);
                int flags = u8(l4 + 13);
                int doff = (u8(l4 + 12) >>> 4) * 4;
                int len = Math.max(payload - doff, 0);
                sb.append(": Flags [");
                if ((flags & 0x02) != 0) sb.append('S');
                if ((flags & 0x01) != 0) sb.append('F');
                if ((flags & 0x08) != 0) sb.append('P');
                if ((flags & 0x04) != 0) sb.append('R');
                if ((flags & 0x20) != 0) sb.append('U');
                if ((flags & 0x40) != 0) sb.append('E');
                if ((flags & 0x80) != 0) sb.append('W');
                if ((flags & 0x10) != 0) sb.append('.');
                if ((flags & 0x3F) == 0) sb.append("none");
                sb.append(']');
                long seq = u32(l4 + 4);
                if (len > 0 || (flags & 0x07) != 0) {
                    sb.append(", seq ").append(seq);
                    if (len > 0) {
                        sb.append(':').append((seq + len) & 0xFFFFFFFFL);
                    }
                }
                if ((flags & 0x10) != 0) {
                    sb.append(", ack ").append(u32(l4 + 8));
                }
                sb.append(", win ").append(u16(l4 + 14)).append(", length ").append(len);
                return;
            }
            case 17: {
                cut(l4, 8, T_UDP, version, src, dst, portsOnly);
                endpoints(version, src, dst, u16(l4), u16(l4 + 2), portsOnly);
                sb.append(": UDP, length ").append(Math.max(u16(l4 + 4) - 8, 0));
                return;
            }
            case 1:
                addresses(version, src, dst, portsOnly);
                need(l4, 4, T_ICMP);
                icmp(l4, payload);
                return;
            case 58:
                addresses(version, src, dst, portsOnly);
                need(l4, 4, T_ICMP6);
                icmp6(l4, payload);
                return;
            default:
                addresses(version, src, dst, portsOnly);
                sb.append(portsOnly ? "ip-proto-" : ": ip-proto-").append(proto).append(' ').append(payload);
        }
    }

    /** When the transport header is not all captured: the addresses, then (by the caller) "[|proto]". */
    private void cut(int l4, int len, Truncated t, int version, int src, int dst, boolean portsOnly) {
        if (l4 + len > cap) {
            addresses(version, src, dst, portsOnly);
            sb.append(':');
            throw t;
        }
    }

    /** "src > dst", or nothing when the addresses were printed before the extension headers. */
    private void addresses(int version, int src, int dst, boolean already) {
        if (!already) {
            addr(version, src);
            sb.append(" > ");
            addr(version, dst);
        }
    }

    private void endpoints(int version, int src, int dst, int sport, int dport, boolean portsOnly) {
        if (portsOnly) {
            sb.append(sport).append(" > ").append(dport);
            return;
        }
        addr(version, src);
        sb.append('.').append(sport).append(" > ");
        addr(version, dst);
        sb.append('.').append(dport);
    }

    private void icmp(int o, int length) {
        int type = u8(o);
        sb.append(": ICMP ");
        if (type == 8 || type == 0) {
            need(o, 8, T_ICMP);
            sb.append(type == 8 ? "echo request" : "echo reply").append(", id ").append(u16(o + 4))
                    .append(", seq ").append(u16(o + 6));
        } else if (type == 3) {
            sb.append("unreachable, code ").append(u8(o + 1));
        } else if (type == 11) {
            sb.append("time exceeded in-transit");
        } else {
            sb.append("type ").append(type).append(", code ").append(u8(o + 1));
        }
        sb.append(", length ").append(length);
    }

    private void icmp6(int o, int length) {
        int type = u8(o);
        sb.append(sb.charAt(sb.length() - 1) == ' ' ? "ICMP6, " : ": ICMP6, ");   // after extension headers: no colon
        if (type == 128 || type == 129) {
            need(o, 8, T_ICMP6);
            sb.append(type == 128 ? "echo request" : "echo reply").append(", id ").append(u16(o + 4))
                    .append(", seq ").append(u16(o + 6));
        } else if (type == 135) {
            need(o, 24, T_ICMP6);
            sb.append("neighbor solicitation, who has ");
            ip6(o + 8);
        } else if (type == 136) {
            need(o, 24, T_ICMP6);
            sb.append("neighbor advertisement, tgt is ");
            ip6(o + 8);
        } else if (type == 133) {
            sb.append("router solicitation");
        } else if (type == 134) {
            sb.append("router advertisement");
        } else {
            sb.append("type ").append(type);
        }
        sb.append(", length ").append(length);
    }
}
