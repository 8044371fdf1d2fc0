package io.weir.cli.print;

/**
 * ICMP and ICMPv6 (echo, unreachable, time exceeded, neighbour discovery, multicast listener messages) as tcpdump
 * prints them; other types by name or number, always followed by the ICMP length.
 */
final class IcmpDecoder {
    private final Frame f;
    private final StringBuilder sb;

    IcmpDecoder(Frame f) {
        this.f = f;
        this.sb = f.sb;
    }

    void icmp(int o, int length) {
        sb.append("ICMP ");
        f.need(o, 4, Frame.T_ICMP);
        int type = f.u8(o);
        int code = f.u8(o + 1);
        switch (type) {
            case 0:
            case 8:
            case 13:
            case 14:
            case 15:
            case 16:
                f.need(o, 8, Frame.T_ICMP);
                sb.append(type == 8 ? "echo request" : type == 0 ? "echo reply" : type == 13 ? "time stamp query"
                        : type == 14 ? "time stamp reply" : type == 15 ? "information request" : "information reply");
                sb.append(", id ").append(f.u16(o + 4)).append(", seq ").append(f.u16(o + 6));
                break;
            case 3:
                unreachable(o, code);
                break;
            case 11:
                sb.append(code == 0 ? "time exceeded in-transit" : code == 1 ? "ip reassembly time exceeded"
                        : "time exceeded-#" + code);
                break;
            case 4:
                sb.append("source quench");
                break;
            case 5:
                f.need(o, 8, Frame.T_ICMP);
                sb.append("redirect ");
                inner(o, true);
                sb.append(" to ");
                f.ip4(o + 4);
                break;
            case 9:
                sb.append("router advertisement");
                break;
            case 10:
                sb.append("router solicitation");
                break;
            case 12:
                sb.append("parameter problem - octet ").append(f.has(o, 5) ? f.u8(o + 4) : 0);
                break;
            case 17:
                sb.append("address mask request");
                break;
            case 18:
                sb.append("address mask is 0x");
                f.need(o, 8, Frame.T_ICMP);
                f.hex8(f.u32(o + 4));
                break;
            default:
                sb.append("type-#").append(type);
        }
        sb.append(", length ").append(length);
    }

    /** The original datagram's destination (and protocol/port) inside an error message. */
    private void inner(int o, boolean addrOnly) {
        int ip = o + 8;
        f.need(ip, 20, Frame.T_ICMP);
        f.ip4(ip + 16);
    }

    private void unreachable(int o, int code) {
        int ip = o + 8;
        f.need(ip, 20, Frame.T_ICMP);
        int hl = (f.u8(ip) & 15) * 4;
        int proto = f.u8(ip + 9);
        switch (code) {
            case 0:
                sb.append("net ");
                f.ip4(ip + 16);
                sb.append(" unreachable");
                break;
            case 1:
                sb.append("host ");
                f.ip4(ip + 16);
                sb.append(" unreachable");
                break;
            case 2:
                f.ip4(ip + 16);
                sb.append(" protocol ").append(proto).append(" unreachable");
                break;
            case 3: {
                f.need(ip + hl, 4, Frame.T_ICMP);
                f.ip4(ip + 16);
                int port = f.u16(ip + hl + 2);
                if (proto == 6) {
                    sb.append(" tcp port ").append(port);
                } else if (proto == 17) {
                    sb.append(" udp port ").append(port);
                } else {
                    sb.append(" protocol ").append(proto).append(" port ").append(port);
                }
                sb.append(" unreachable");
                break;
            }
            case 4:
                f.ip4(ip + 16);
                sb.append(" unreachable - need to frag (mtu ").append(f.u16(o + 6)).append(')');
                break;
            case 13:
                f.ip4(ip + 16);
                sb.append(" unreachable - admin prohibited filter");
                break;
            default:
                f.ip4(ip + 16);
                sb.append(" unreachable - #").append(code);
        }
    }

    void icmp6(int o, int length) {
        sb.append("ICMP6, ");
        f.need(o, 4, Frame.T_ICMP6);
        int type = f.u8(o);
        switch (type) {
            case 128:
            case 129:
                f.need(o, 8, Frame.T_ICMP6);
                sb.append(type == 128 ? "echo request" : "echo reply").append(", id ").append(f.u16(o + 4))
                        .append(", seq ").append(f.u16(o + 6));
                break;
            case 135:
                f.need(o, 24, Frame.T_ICMP6);
                sb.append("neighbor solicitation");
                ndLength(length);
                sb.append(", who has ");
                f.ip6(o + 8);
                ndOptions(o + 24, length - 24);
                break;
            case 136: {
                f.need(o, 24, Frame.T_ICMP6);
                sb.append("neighbor advertisement");
                ndLength(length);
                sb.append(", tgt is ");
                f.ip6(o + 8);
                if (f.opt.verbose > 0) {
                    long fl = f.u32(o + 4);
                    sb.append(", Flags [");
                    int start = sb.length();
                    if ((fl & 0x80000000L) != 0) sb.append("router");
                    if ((fl & 0x40000000L) != 0) sb.append(sb.length() > start ? ", " : "").append("solicited");
                    if ((fl & 0x20000000L) != 0) sb.append(sb.length() > start ? ", " : "").append("override");
                    if (sb.length() == start) sb.append("none");
                    sb.append(']');
                }
                ndOptions(o + 24, length - 24);
                break;
            }
            case 133:
                sb.append("router solicitation");
                ndLength(length);
                ndOptions(o + 8, length - 8);
                break;
            case 134:
                sb.append("router advertisement");
                ndLength(length);
                break;
            case 137:
                f.need(o, 40, Frame.T_ICMP6);
                sb.append("redirect");
                ndLength(length);
                sb.append(", ");
                f.ip6(o + 24);
                sb.append(" to ");
                f.ip6(o + 8);
                break;
            case 1: {
                int code = f.u8(o + 1);
                sb.append("destination unreachable, ");
                f.need(o, 48, Frame.T_ICMP6);
                String what = code == 0 ? "unreachable route " : code == 1 ? "unreachable prohibited "
                        : code == 2 ? "beyond scope " : code == 3 ? "unreachable address " : null;
                if (what == null) {
                    sb.append("unknown unreach code (").append(code).append(')');
                } else {
                    sb.append(what);
                    f.ip6(o + 8 + 24);
                }
                break;
            }
            case 2:
                f.need(o, 8, Frame.T_ICMP6);
                sb.append("packet too big, mtu ").append(f.u32(o + 4));
                break;
            case 3:
                if (f.u8(o + 1) == 0) {
                    f.need(o, 48, Frame.T_ICMP6);
                    sb.append("time exceeded in-transit for ");
                    f.ip6(o + 8 + 24);
                } else {
                    sb.append(f.u8(o + 1) == 1 ? "ip6 reassembly time exceeded" : "time exceeded");
                }
                break;
            case 4: {
                int code = f.u8(o + 1);
                f.need(o, 8, Frame.T_ICMP6);
                sb.append("parameter problem, ").append(code == 0 ? "erroneous" : code == 1 ? "next header"
                        : code == 2 ? "option" : "code-#" + code).append(" - octet ").append(f.u32(o + 4));
                break;
            }
            case 130:
                sb.append("multicast listener query");
                break;
            case 131:
                sb.append("multicast listener report");
                break;
            case 132:
                sb.append("multicast listener done");
                break;
            case 143:
                f.need(o, 8, Frame.T_ICMP6);
                sb.append("multicast listener report v2, ").append(f.u16(o + 6)).append(" group record(s)");
                break;
            default:
                sb.append("type-#").append(type).append(", length ").append(length);
                return;
        }
        if (f.opt.verbose == 0) {
            sb.append(", length ").append(length);   // with -v tcpdump prints it only for the ND messages
        }
    }

    /** With {@code -v}, tcpdump names the length of ND messages right after their type. */
    private void ndLength(int length) {
        if (f.opt.verbose > 0) {
            sb.append(", length ").append(length);
        }
    }

    /**
     * With {@code -v}, the ND options one a line, as tcpdump's {@code icmp6_opt_print}: link-layer addresses and
     * the MTU decoded, others by type and length.
     */
    private void ndOptions(int o, int len) {
        if (f.opt.verbose == 0) {
            return;
        }
        while (len >= 2 && f.has(o, 2)) {
            int type = f.u8(o);
            int units = f.u8(o + 1);
            int bytes = units * 8;
            if (units == 0 || bytes > len || !f.has(o, bytes)) {
                return;
            }
            String name = type == 1 ? "source link-address" : type == 2 ? "destination link-address"
                    : type == 3 ? "prefix info" : type == 4 ? "redirected header" : type == 5 ? "mtu"
                    : type == 7 ? "advertisement interval" : type == 8 ? "homeagent information"
                    : type == 24 ? "route info" : type == 25 ? "rdnss" : type == 31 ? "dnssl" : "unknown";
            sb.append("\n\t  ").append(name).append(" option (").append(type).append("), length ").append(bytes)
                    .append(" (").append(units).append("): ");
            if (type == 1 || type == 2) {
                for (int i = 2; i < bytes; i++) {
                    if (i > 2) {
                        sb.append(':');
                    }
                    f.hex2(f.u8(o + i));
                }
            } else if (type == 5 && bytes >= 8) {
                sb.append(f.u32(o + 4));
            } else {
                return;   // tcpdump decodes the others further (or dumps them): not printed here
            }
            o += bytes;
            len -= bytes;
        }
    }
}
