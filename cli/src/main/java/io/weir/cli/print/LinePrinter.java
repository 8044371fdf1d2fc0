package io.weir.cli.print;

import io.weir.capture.Packet;

/**
 * Formats packets exactly as {@code tcpdump -nn} prints them (Weir never resolves names): the time stamp column,
 * the one-line summary from the link layer up, the {@code -v} IPv4 header line, and the {@code -x}/{@code -X}/
 * {@code -A} dumps. One printer per run: it keeps tcpdump's per-connection TCP state and the previous time stamp,
 * and reuses one buffer, so printing a packet allocates nothing in the common case.
 *
 * <pre>{@code
 * LinePrinter p = new LinePrinter(new PrintOptions());
 * while (reader.next()) out.append(p.format(reader.packet())).append('\n');
 * }</pre>
 */
public final class LinePrinter {
    private final PrintOptions opt;
    private final Frame f;
    private final StringBuilder sb;
    private final TimeStamps time;
    private final LinkDecoder link;

    /** A printer with these options (read once, here). */
    public LinePrinter(PrintOptions opt) {
        this.opt = opt;
        this.f = new Frame(opt);
        this.sb = f.sb;
        this.time = new TimeStamps(sb, opt);
        DnsDecoder dns = new DnsDecoder(f);
        TcpDecoder tcp = new TcpDecoder(f, dns);
        UdpDecoder udp = new UdpDecoder(f, dns);
        IpDecoder ip = new IpDecoder(f, tcp, udp, new IcmpDecoder(f));
        tcp.setIp(ip);
        udp.setIp(ip);
        this.link = new LinkDecoder(f, ip);
    }

    /**
     * The text for one packet, without the final line terminator (it has inner ones with {@code -v} or dumps);
     * valid until the next call.
     */
    public CharSequence format(Packet p) {
        sb.setLength(0);
        time.append(p.timestampNanos());
        f.reset(p.buffer(), p.offset(), p.capLen());
        int hdr = linkHeaderLength(p.linkType());
        try {
            hdr = link.decode(p.linkType(), p.wireLen());
        } catch (Frame.Truncated t) {
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ' ') {
                sb.append(' ');
            }
            sb.append("[|").append(t.proto).append(']').append(t.suffix);
        }
        dumps(p.capLen(), hdr);
        return sb;
    }

    private static int linkHeaderLength(int linkType) {
        switch (linkType) {
            case LinkDecoder.ETHERNET: return 14;
            case LinkDecoder.LINUX_SLL: return 16;
            case LinkDecoder.LINUX_SLL2: return 20;
            case LinkDecoder.NULL:
            case LinkDecoder.LOOP: return 4;
            default: return 0;
        }
    }

    private void dumps(int cap, int hdr) {
        hdr = Math.min(hdr, cap);
        if (opt.hexAscii > 0) {
            if (opt.hexAscii > 1) {
                HexDump.hexAscii(f, 0, cap);
            } else if (cap > hdr) {
                HexDump.hexAscii(f, hdr, cap - hdr);
            }
        } else if (opt.hex > 0) {
            if (opt.hex > 1) {
                HexDump.hex(f, 0, cap);
            } else if (cap > hdr) {
                HexDump.hex(f, hdr, cap - hdr);
            }
        } else if (opt.ascii > 0) {
            if (opt.ascii > 1) {
                HexDump.ascii(f, 0, cap);
            } else if (cap > hdr) {
                HexDump.ascii(f, hdr, cap - hdr);
            }
        }
    }
}
