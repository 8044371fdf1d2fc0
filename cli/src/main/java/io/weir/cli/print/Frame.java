package io.weir.cli.print;

import java.nio.ByteBuffer;

/**
 * The packet being printed and the line being built, shared by the decoders of one {@link LinePrinter}: bounds-
 * checked reads relative to the packet's start, and tcpdump's renderings of addresses. One instance per printer,
 * reused for every packet (nothing here allocates per packet except the rare truncation path's lookups).
 */
final class Frame {
    final StringBuilder sb = new StringBuilder(512);
    /** Whether the transport being printed is in an IP fragment (tcpdump then verifies no checksum). */
    boolean fragmented;
    final PrintOptions opt;
    ByteBuffer b;
    int base;
    /** Captured bytes of the packet. */
    int cap;

    Frame(PrintOptions opt) {
        this.opt = opt;
    }

    void reset(ByteBuffer buffer, int offset, int capLen) {
        b = buffer;
        base = offset;
        cap = capLen;
    }

    /** Thrown (preallocated, without a stack) when a header runs past the captured bytes: prints " [|proto]". */
    static final class Truncated extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String proto;
        /** Printed after the marker (tcpdump closes a cut TCP option list with "&gt;"). */
        final String suffix;

        Truncated(String proto) {
            this(proto, "");
        }

        Truncated(String proto, String suffix) {
            super(proto, null, false, false);
            this.proto = proto;
            this.suffix = suffix;
        }
    }

    static final Truncated T_ETHER = new Truncated("ether");
    static final Truncated T_LINK = new Truncated("sll");
    static final Truncated T_IP = new Truncated("ip");
    static final Truncated T_IP6 = new Truncated("ip6");
    static final Truncated T_TCP = new Truncated("tcp");
    static final Truncated T_TCP_OPTIONS = new Truncated("tcp", ">");
    static final Truncated T_UDP = new Truncated("udp");
    static final Truncated T_BOOTP = new Truncated("bootp");
    static final Truncated T_ICMP = new Truncated("icmp");
    static final Truncated T_ICMP6 = new Truncated("icmp6");
    static final Truncated T_ARP = new Truncated("arp");
    static final Truncated T_DNS = new Truncated("domain");

    void need(int off, int len, Truncated t) {
        if (off < 0 || len < 0 || off + len > cap) {
            throw t;
        }
    }

    boolean has(int off, int len) {
        return off >= 0 && len >= 0 && off + len <= cap;
    }

    int u8(int off) {
        return b.get(base + off) & 0xFF;
    }

    int u16(int off) {
        return b.getShort(base + off) & 0xFFFF;
    }

    long u32(int off) {
        return b.getInt(base + off) & 0xFFFFFFFFL;
    }

    // ---- renderings ----

    void ip4(int o) {
        sb.append(u8(o)).append('.').append(u8(o + 1)).append('.').append(u8(o + 2)).append('.').append(u8(o + 3));
    }

    /** RFC 5952 text, as inet_ntop prints it: the longest run (two groups or more) of zeros becomes "::". */
    void ip6(int o) {
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
        // inet_ntop's IPv4-mapped and IPv4-compatible forms: ::ffff:a.b.c.d and ::a.b.c.d.
        if (bestStart == 0 && (bestLen == 6 || bestLen == 5 && u16(o + 10) == 0xFFFF)) {
            sb.append(bestLen == 5 ? "::ffff:" : "::");
            ip4(o + 12);
            return;
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
            hex(u16(o + 2 * i));
        }
    }

    void mac(int o) {
        for (int i = 0; i < 6; i++) {
            if (i > 0) {
                sb.append(':');
            }
            hex2(u8(o + i));
        }
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** Lower-case hex without leading zeros. */
    void hex(long v) {
        if (v == 0) {
            sb.append('0');
            return;
        }
        int shift = (63 - Long.numberOfLeadingZeros(v)) & ~3;
        for (; shift >= 0; shift -= 4) {
            sb.append(HEX[(int) (v >>> shift) & 15]);
        }
    }

    void hex2(int v) {
        sb.append(HEX[(v >>> 4) & 15]).append(HEX[v & 15]);
    }

    void hex4(int v) {
        hex2(v >>> 8);
        hex2(v & 0xFF);
    }

    void hex8(long v) {
        hex4((int) (v >>> 16) & 0xFFFF);
        hex4((int) v & 0xFFFF);
    }

    /** Whether c is printable ASCII (space to tilde), tcpdump's ND_ASCII_ISPRINT. */
    static boolean printable(int c) {
        return c >= 0x20 && c < 0x7F;
    }
}
