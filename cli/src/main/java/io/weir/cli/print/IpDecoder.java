package io.weir.cli.print;

/**
 * IPv4 and IPv6 (with hop-by-hop, destination-options, routing and fragment headers) as tcpdump prints them, and
 * the dispatch to the transports. Later IPv4 fragments print only the addresses and protocol, as tcpdump does;
 * with {@code -v} the IPv4 header's fields come first in tcpdump's {@code (tos 0x0, ttl 64, ...)} form.
 */
final class IpDecoder {
    private final Frame f;
    private final StringBuilder sb;
    private final PrintOptions opt;
    private final TcpDecoder tcp;
    private final UdpDecoder udp;
    private final IcmpDecoder icmp;

    IpDecoder(Frame f, TcpDecoder tcp, UdpDecoder udp, IcmpDecoder icmp) {
        this.f = f;
        this.sb = f.sb;
        this.opt = f.opt;
        this.tcp = tcp;
        this.udp = udp;
        this.icmp = icmp;
    }

    void any(int o, int length) {
        int version = f.u8(o) >>> 4;
        if (version == 4) {
            ipv4(o, length);
        } else if (version == 6) {
            ipv6(o, length);
        } else {
            sb.append("IP").append(version).append(' ').append(" [|ip]");
        }
    }

    static String protoName(int p) {
        switch (p) {
            case 0: return "Options";
            case 1: return "ICMP";
            case 2: return "IGMP";
            case 4: return "IPIP";
            case 6: return "TCP";
            case 17: return "UDP";
            case 41: return "IPv6";
            case 43: return "Routing";
            case 44: return "Fragment";
            case 47: return "GRE";
            case 50: return "ESP";
            case 51: return "AH";
            case 58: return "ICMPv6";
            case 59: return "NONE";
            case 89: return "OSPF";
            case 103: return "PIM";
            case 112: return "VRRP";
            case 132: return "SCTP";
            default: return "unknown";
        }
    }

    void ipv4(int o, int length) {
        if (!opt.linkHeader) {
            sb.append("IP ");
        }
        f.need(o, 20, Frame.T_IP);
        int hl = (f.u8(o) & 0xF) * 4;
        int total = f.u16(o + 2);
        int frag = f.u16(o + 6);
        int proto = f.u8(o + 9);
        if (total < hl && hl >= 20) {
            sb.append("bad-len ").append(total);   // tcpdump's word for a total length shorter than the header
            return;
        }
        if (opt.verbose > 0) {
            sb.append("(tos 0x");
            f.hex(f.u8(o + 1));
            sb.append(", ttl ").append(f.u8(o + 8)).append(", id ").append(f.u16(o + 4)).append(", offset ")
                    .append((frag & 0x1FFF) * 8).append(", flags [");
            int start = sb.length();
            if ((frag & 0x2000) != 0) sb.append('+');
            if ((frag & 0x4000) != 0) sb.append(sb.length() > start ? ", DF" : "DF");
            if ((frag & 0x8000) != 0) sb.append(sb.length() > start ? ", rsvd" : "rsvd");
            if (sb.length() == start) sb.append("none");
            sb.append("], proto ").append(protoName(proto)).append(" (").append(proto).append("), length ")
                    .append(total);
            if (hl > 20) {
                sb.append(", options (");
                options(o + 20, Math.min(hl, f.cap - o) - 20);
                sb.append(')');
            }
            if (hl >= 20 && f.has(o, hl)) {
                int result = Checksums.result(Checksums.add(f, o, hl, 0));
                if (result != 0) {
                    int field = f.u16(o + 10);
                    sb.append(", bad cksum ").append(Integer.toHexString(field)).append(" (->")
                            .append(Integer.toHexString(Checksums.shouldBe(field, result))).append(")!");
                }
            }
            sb.append(")\n    ");
        }
        if (hl < 20) {
            sb.append("[|ip]");
            return;
        }

        int payload = total - hl;
        if ((frag & 0x1FFF) != 0) {
            f.ip4(o + 12);
            sb.append(" > ");
            f.ip4(o + 16);
            sb.append(": ip-proto-").append(proto);
            return;
        }
        f.fragmented = (frag & 0x2000) != 0;
        transport(proto, 4, o + 12, o + 16, o + hl, payload, false);
    }

    /** IPv4 options, briefly: names only (with -v). */
    private void options(int o, int len) {
        for (int i = 0; i < len; ) {
            int type = f.u8(o + i);
            if (i > 0) {
                sb.append(',');
            }
            if (type == 0) {
                sb.append("EOL");
                break;
            }
            if (type == 1) {
                sb.append("NOP");
                i++;
                continue;
            }
            int l = i + 1 < len ? f.u8(o + i + 1) : 0;
            switch (type) {
                case 7: sb.append("RR"); break;
                case 68: sb.append("TS"); break;
                case 130: sb.append("security"); break;
                case 131: sb.append("LSRR"); break;
                case 137: sb.append("SSRR"); break;
                case 148: sb.append("RA"); break;
                default: sb.append("unknown ").append(type);
            }
            if (l < 2) {
                break;
            }
            i += l;
        }
    }

    void ipv6(int o, int length) {
        if (!opt.linkHeader) {
            sb.append("IP6 ");
        }
        f.need(o, 40, Frame.T_IP6);
        int payload = f.u16(o + 4);
        int next = f.u8(o + 6);
        if (opt.verbose > 0) {
            long vtf = f.u32(o);
            int cls = (int) (vtf >>> 20) & 0xFF;
            int flow = (int) vtf & 0xFFFFF;
            sb.append('(');
            if (cls != 0) {
                sb.append("class 0x");
                f.hex(cls);
                sb.append(", ");
            }
            if (flow != 0) {
                sb.append("flowlabel 0x");
                String h = Integer.toHexString(flow);
                for (int i = h.length(); i < 5; i++) {
                    sb.append('0');
                }
                sb.append(h).append(", ");
            }
            sb.append("hlim ").append(f.u8(o + 7)).append(", next-header ").append(protoName(next)).append(" (")
                    .append(next).append(") payload length: ").append(payload).append(") ");
        }
        int at = o + 40;
        f.fragmented = false;
        if (next != 0 && next != 60 && next != 43 && next != 44) {
            transport(next, 6, o + 8, o + 24, at, payload, false);
            return;
        }
        // With extension headers tcpdump names the addresses first, then the headers, then the ports.
        f.ip6(o + 8);
        sb.append(" > ");
        f.ip6(o + 24);
        sb.append(": ");
        for (;;) {
            if (next == 0 || next == 60) {
                f.need(at, 2, Frame.T_IP6);
                sb.append(next == 0 ? "HBH " : "DSTOPT ");
                int len = (f.u8(at + 1) + 1) * 8;
                if (opt.verbose > 0) {
                    f.need(at, len, Frame.T_IP6);
                    extOptions(at + 2, len - 2);
                }
                next = f.u8(at);
                at += len;
                payload -= len;
            } else if (next == 43) {
                f.need(at, 4, Frame.T_IP6);
                int len = (f.u8(at + 1) + 1) * 8;
                int type = f.u8(at + 2);
                sb.append("RT6 (len=").append(f.u8(at + 1)).append(", type=").append(type);
                if (type == 0) {
                    sb.append(" [Deprecated]");
                }
                sb.append(", segleft=").append(f.u8(at + 3));
                if (type == 0) {
                    int n = f.u8(at + 1) / 2;
                    for (int i = 0; i < n; i++) {
                        f.need(at + 8 + 16 * i, 16, Frame.T_IP6);
                        sb.append(", [").append(i).append(']');
                        f.ip6(at + 8 + 16 * i);
                    }
                }
                sb.append(") ");
                next = f.u8(at);
                at += len;
                payload -= len;
            } else if (next == 44) {
                f.need(at, 8, Frame.T_IP6);
                int off = f.u16(at + 2) & 0xFFF8;
                next = f.u8(at);
                at += 8;
                payload -= 8;
                sb.append("frag (");
                if (opt.verbose > 0) {
                    sb.append("0x");
                    f.hex8(f.u32(at - 4));
                    sb.append(':');
                }
                sb.append(off).append('|').append(payload).append(')');
                f.fragmented = true;
                if (off != 0) {
                    return;   // a later fragment: no transport header in it
                }
                sb.append(' ');
            } else {
                break;
            }
        }
        transport(next, 6, o + 8, o + 24, at, payload, true);
    }

    /**
     * The options of a hop-by-hop or destination-options header, with {@code -v}, as tcpdump's
     * {@code ip6_opt_process} prints them: {@code (pad1)}, {@code (padn)}, {@code (rtalert: 0x0000) }, others by
     * type and length; then a space.
     */
    private void extOptions(int o, int len) {
        for (int i = 0; i < len; ) {
            int type = f.u8(o + i);
            if (type == 0) {
                sb.append("(pad1)");
                i++;
                continue;
            }
            if (i + 1 >= len) {
                throw Frame.T_IP6;
            }
            int optlen = f.u8(o + i + 1) + 2;
            if (i + optlen > len) {
                throw Frame.T_IP6;
            }
            switch (type) {
                case 1:
                    sb.append("(padn)");
                    break;
                case 5:
                    if (optlen != 4) {
                        sb.append("(rtalert: invalid len ").append(optlen - 2).append(')');
                        throw Frame.T_IP6;
                    }
                    sb.append("(rtalert: 0x");
                    f.hex4(f.u16(o + i + 2));
                    sb.append(") ");
                    break;
                case 0xC2:
                    if (optlen != 6) {
                        sb.append("(jumbo: invalid len ").append(optlen - 2).append(')');
                        throw Frame.T_IP6;
                    }
                    sb.append("(jumbo: ").append(f.u32(o + i + 2)).append(") ");
                    break;
                default:
                    sb.append("(opt_type 0x");
                    f.hex2(type);
                    sb.append(": len=").append(optlen - 2).append(')');
            }
            i += optlen;
        }
        sb.append(' ');
    }

    private void transport(int proto, int version, int src, int dst, int l4, int payload, boolean portsOnly) {
        switch (proto) {
            case 6:
                tcp.decode(version, src, dst, l4, payload, portsOnly);
                return;
            case 17:
                udp.decode(version, src, dst, l4, payload, portsOnly);
                return;
            case 1:
                addresses(version, src, dst, portsOnly);
                icmp.icmp(l4, payload);
                icmpChecksum(l4, payload);
                return;
            case 58:
                addresses(version, src, dst, portsOnly);
                if (opt.verbose > 0 && !f.fragmented && f.has(l4, payload)) {
                    // tcpdump's -v verdict comes before the message: "[icmp6 sum ok] ICMP6, ..."
                    int result = Checksums.result(Checksums.add(f, l4, payload,
                            Checksums.pseudo(f, 6, src, dst, 58, payload)));
                    transportChecksum("icmp6", f.u16(l4 + 2), result);
                }
                icmp.icmp6(l4, payload);
                return;
            case 4:
            case 41:
                // IP in IP: tcpdump prints the inner packet's line after the outer addresses.
                addresses(version, src, dst, portsOnly);
                f.need(l4, 1, proto == 4 ? Frame.T_IP : Frame.T_IP6);
                if (proto == 4) {
                    ipv4(l4, payload);
                } else {
                    ipv6(l4, payload);
                }
                return;
            default:
                addresses(version, src, dst, portsOnly);
                sb.append(" ip-proto-").append(proto).append(' ').append(payload);
        }
    }

    /** With {@code -v}, after an ICMP line: tcpdump's note on a wrong checksum. */
    private void icmpChecksum(int o, int length) {
        if (opt.verbose > 0 && !f.fragmented && f.has(o, length) && length >= 4) {
            int result = Checksums.result(Checksums.add(f, o, length, 0));
            if (result != 0) {
                int field = f.u16(o + 2);
                sb.append(" (wrong icmp cksum ").append(Integer.toHexString(field)).append(" (->")
                        .append(Integer.toHexString(Checksums.shouldBe(field, result))).append(")!)");
            }
        }
    }

    /** tcpdump's UDP and ICMPv6 verdict: {@code [udp sum ok] } or {@code [bad udp cksum 0x0000 -> 0x1234!] }. */
    void transportChecksum(String proto, int field, int result) {
        if (result == 0) {
            sb.append('[').append(proto).append(" sum ok] ");
        } else {
            sb.append("[bad ").append(proto).append(" cksum 0x");
            f.hex4(field);
            sb.append(" -> 0x");
            f.hex4(Checksums.shouldBe(field, result));
            sb.append("!] ");
        }
    }

    /** "src > dst: ", or nothing when the addresses were printed before the extension headers. */
    void addresses(int version, int src, int dst, boolean already) {
        if (!already) {
            addr(version, src);
            sb.append(" > ");
            addr(version, dst);
            sb.append(": ");
        }
    }

    void addr(int version, int o) {
        if (version == 4) {
            f.ip4(o);
        } else {
            f.ip6(o);
        }
    }

    /** "src.port > dst.port: ", or "port > port: " after IPv6 extension headers. */
    void endpoints(int version, int src, int dst, int sport, int dport, boolean portsOnly) {
        if (!portsOnly) {
            addr(version, src);
            sb.append('.');
        }
        sb.append(sport).append(" > ");
        if (!portsOnly) {
            addr(version, dst);
            sb.append('.');
        }
        sb.append(dport).append(": ");
    }
}
