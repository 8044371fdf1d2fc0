package io.weir.cli.print;

/**
 * UDP as tcpdump prints it: the ports, then the application on a well-known port (DNS on 53, multicast DNS on
 * 5353, NTP on 123, BOOTP/DHCP on 67/68), else {@code UDP, length N} (also with {@code -q}).
 */
final class UdpDecoder {
    private final Frame f;
    private final StringBuilder sb;
    private final PrintOptions opt;
    private final DnsDecoder dns;
    private final BootpDecoder bootp;
    private IpDecoder ip;

    UdpDecoder(Frame f, DnsDecoder dns) {
        this.f = f;
        this.sb = f.sb;
        this.opt = f.opt;
        this.dns = dns;
        this.bootp = new BootpDecoder(f);
    }

    void setIp(IpDecoder ip) {
        this.ip = ip;
    }

    void decode(int version, int src, int dst, int l4, int payload, boolean portsOnly) {
        if (!f.has(l4, 8)) {
            ip.addresses(version, src, dst, portsOnly);
            throw Frame.T_UDP;
        }
        int sport = f.u16(l4);
        int dport = f.u16(l4 + 2);
        int ulen = f.u16(l4 + 4);
        ip.endpoints(version, src, dst, sport, dport, portsOnly);
        if (ulen < 8) {
            sb.append("truncated-udp ").append(ulen);
            return;
        }
        int length = Math.min(ulen, payload) - 8;
        if (ulen > payload && payload >= 8) {
            length = payload - 8;
        }
        if (opt.quick) {
            sb.append("UDP, length ").append(ulen - 8);
            return;
        }
        int o = l4 + 8;
        if (opt.verbose > 0 && version == 6 && !f.fragmented && f.has(l4, ulen) && ulen <= payload) {
            // For IPv6 (where the UDP checksum is mandatory) tcpdump's -v verifies it; for IPv4 only -vv does.
            ip.transportChecksum("udp", f.u16(l4 + 6), Checksums.result(Checksums.add(f, l4, ulen,
                    Checksums.pseudo(f, 6, src, dst, 17, ulen))));
        }
        if (sport == 53 || dport == 53) {
            dns.decode(o, length, false);
        } else if (sport == 123 || dport == 123) {
            ntp(o, length);
        } else if (sport == 67 || dport == 67 || sport == 68 || dport == 68) {
            bootp(o, length);
        } else if (sport == 5353 || dport == 5353) {
            dns.decode(o, length, true);
        } else {
            sb.append("UDP, length ").append(ulen - 8);
        }
    }

    private static final String[] NTP_MODES = {"unspecified", "symmetric active", "symmetric passive",
        "Client", "Server", "Broadcast", "Control Message", "Reserved"};

    private void ntp(int o, int length) {
        if (!f.has(o, 1)) {
            sb.append("NTP [|ntp]");
            return;
        }
        int b = f.u8(o);
        sb.append("NTPv").append((b >>> 3) & 7).append(", ").append(NTP_MODES[b & 7]).append(", length ")
                .append(length);
    }

    private void bootp(int o, int length) {
        sb.append("BOOTP/DHCP");
        if (!f.has(o, 1)) {
            sb.append(" [|bootp]");
            return;
        }
        int op = f.u8(o);
        sb.append(", ").append(op == 1 ? "Request" : op == 2 ? "Reply" : "unknown (0x" + hex2(op) + ")");
        if (op == 1 && f.has(o, 34) && f.u8(o + 1) == 1 && f.u8(o + 2) == 6) {
            sb.append(" from ");
            f.mac(o + 28);
        }
        sb.append(", length ").append(length);
        if (opt.verbose > 0) {
            bootp.verbose(o, o + length);
        }
    }

    private static String hex2(int v) {
        return (v < 16 ? "0" : "") + Integer.toHexString(v);
    }
}
