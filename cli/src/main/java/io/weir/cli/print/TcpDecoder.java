package io.weir.cli.print;

import java.util.Arrays;
import java.util.HashMap;

/**
 * TCP as tcpdump prints it: flags ({@code [S.]}), sequence numbers relative to the first ones seen on the
 * connection (tcpdump's tcp_seq_hash, keyed by the address and port tuple in a canonical direction; {@code -S}
 * prints them absolute), window, options ({@code [mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7]}), length, then
 * the first line of text protocols on their well-known ports (HTTP, SMTP, FTP, the SSH banner) and DNS over TCP.
 */
final class TcpDecoder {
    private final Frame f;
    private final StringBuilder sb;
    private final PrintOptions opt;
    private IpDecoder ip;
    private final DnsDecoder dns;

    /** A connection's first sequence numbers, by canonical tuple: {seq, ack} as tcpdump stores them. */
    private final HashMap<Key, long[]> conns = new HashMap<>();
    private final Key probe = new Key(new byte[36]);

    TcpDecoder(Frame f, DnsDecoder dns) {
        this.f = f;
        this.sb = f.sb;
        this.opt = f.opt;
        this.dns = dns;
    }

    void setIp(IpDecoder ip) {
        this.ip = ip;
    }

    /** A connection key: both addresses and ports, in the canonical order tcpdump chooses. */
    private static final class Key {
        final byte[] k;
        int len;
        int hash;

        Key(byte[] k) {
            this.k = k;
        }

        @Override
        public boolean equals(Object o) {
            Key x = (Key) o;
            return x.len == len && Arrays.equals(k, 0, len, x.k, 0, len);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    void decode(int version, int src, int dst, int l4, int payload, boolean portsOnly) {
        if (!f.has(l4, 20)) {
            if (f.has(l4, 4)) {
                ip.endpoints(version, src, dst, f.u16(l4), f.u16(l4 + 2), portsOnly);
                sb.append(' ');   // tcpdump's " [|tcp]" after "ports: "
            } else {
                ip.addresses(version, src, dst, portsOnly);
            }
            throw Frame.T_TCP;
        }
        int sport = f.u16(l4);
        int dport = f.u16(l4 + 2);
        ip.endpoints(version, src, dst, sport, dport, portsOnly);
        int doff = (f.u8(l4 + 12) >>> 4) * 4;
        int flags = f.u8(l4 + 13);
        int length = payload - doff;
        if (opt.quick) {
            sb.append("tcp ").append(Math.max(length, 0));
            return;
        }
        long seq = f.u32(l4 + 4);
        long ack = f.u32(l4 + 8);
        boolean rev = false;
        long thseq = 0;
        long thack = 0;
        if (!opt.absoluteSeq && (flags & 0x10) != 0) {
            int alen = version == 4 ? 4 : 16;
            // tcpdump's canonical direction: the lower port first; equal ports: the lower address first.
            rev = sport > dport || sport == dport && compare(src, dst, alen) > 0;
            fillKey(rev ? dst : src, rev ? src : dst, alen, rev ? dport : sport, rev ? sport : dport);
            long[] th = conns.get(probe);
            if (th == null || (flags & 0x02) != 0) {
                if (th == null) {
                    th = new long[2];
                    Key k = new Key(Arrays.copyOf(probe.k, probe.len));
                    k.len = probe.len;
                    k.hash = probe.hash;
                    conns.put(k, th);
                }
                if (rev) {
                    th[1] = seq;
                    th[0] = (ack - 1) & 0xFFFFFFFFL;
                } else {
                    th[0] = seq;
                    th[1] = (ack - 1) & 0xFFFFFFFFL;
                }
            } else if (rev) {
                seq = (seq - th[1]) & 0xFFFFFFFFL;
                ack = (ack - th[0]) & 0xFFFFFFFFL;
            } else {
                seq = (seq - th[0]) & 0xFFFFFFFFL;
                ack = (ack - th[1]) & 0xFFFFFFFFL;
            }
            thseq = th[0];
            thack = th[1];
        }
        sb.append("Flags [");
        int start = sb.length();
        if ((flags & 0x01) != 0) sb.append('F');
        if ((flags & 0x02) != 0) sb.append('S');
        if ((flags & 0x04) != 0) sb.append('R');
        if ((flags & 0x08) != 0) sb.append('P');
        if ((flags & 0x20) != 0) sb.append('U');
        if ((flags & 0x40) != 0) sb.append('E');
        if ((flags & 0x80) != 0) sb.append('W');
        if ((flags & 0x10) != 0) sb.append('.');
        if (sb.length() == start) sb.append("none");
        sb.append(']');
        if (doff < 20) {
            sb.append(" [bad hdr length ").append(doff).append(" - too short, < 20]");
            return;
        }
        if (opt.verbose > 0 && !f.fragmented && payload >= 0 && f.has(l4, payload)) {
            int field = f.u16(l4 + 16);
            int result = Checksums.result(Checksums.add(f, l4, payload,
                    Checksums.pseudo(f, version, src, dst, 6, payload)));
            sb.append(", cksum 0x");
            f.hex4(field);
            if (result != 0) {
                sb.append(" (incorrect -> 0x");
                f.hex4(Checksums.shouldBe(field, result));
                sb.append(')');
            } else {
                sb.append(" (correct)");
            }
        }
        if (opt.verbose > 1 || length > 0 || (flags & 0x07) != 0) {
            sb.append(", seq ").append(seq);
            if (length > 0) {
                sb.append(':').append((seq + length) & 0xFFFFFFFFL);
            }
        }
        if ((flags & 0x10) != 0) {
            sb.append(", ack ").append(ack);
        }
        sb.append(", win ").append(f.u16(l4 + 14));
        if ((flags & 0x20) != 0) {
            sb.append(", urg ").append(f.u16(l4 + 18));
        }
        if (doff > 20) {
            sb.append(", options [");
            options(l4 + 20, doff - 20, rev, thseq, thack);
            sb.append(']');
        }
        sb.append(", length ").append(Math.max(length, 0));
        if (length > 0) {
            application(sport, dport, l4 + doff, length);
        }
    }

    private int compare(int a, int b, int len) {
        for (int i = 0; i < len; i++) {
            int d = f.u8(a + i) - f.u8(b + i);
            if (d != 0) {
                return d;
            }
        }
        return 0;
    }

    private void fillKey(int a, int b, int alen, int pa, int pb) {
        byte[] k = probe.k;
        int h = 1;
        int n = 0;
        for (int i = 0; i < alen; i++, n++) {
            k[n] = (byte) f.u8(a + i);
            h = 31 * h + k[n];
        }
        for (int i = 0; i < alen; i++, n++) {
            k[n] = (byte) f.u8(b + i);
            h = 31 * h + k[n];
        }
        k[n++] = (byte) (pa >>> 8);
        k[n++] = (byte) pa;
        k[n++] = (byte) (pb >>> 8);
        k[n++] = (byte) pb;
        probe.len = n;
        probe.hash = 31 * h + (pa << 16 | pb);
    }

    private void options(int o, int len, boolean rev, long thseq, long thack) {
        int end = o + len;
        boolean first = true;
        while (o < end) {
            f.need(o, 1, Frame.T_TCP_OPTIONS);
            int kind = f.u8(o);
            if (!first) {
                sb.append(',');
            }
            first = false;
            if (kind == 0) {
                sb.append("eol");   // tcpdump stops at the end-of-options mark
                return;
            }
            if (kind == 1) {
                sb.append("nop");
                o++;
                continue;
            }
            if (o + 1 >= end) {
                sb.append(optName(kind)).append(" [bad opt]");
                return;
            }
            if (!f.has(o, 2)) {
                sb.append(optName(kind));
                throw Frame.T_TCP_OPTIONS;
            }
            int l = f.u8(o + 1);
            if (l < 2 || o + l > end) {
                sb.append(optName(kind)).append(" [bad opt]");
                return;
            }
            sb.append(optName(kind));
            if (!f.has(o, l)) {
                throw Frame.T_TCP_OPTIONS;
            }
            int d = o + 2;
            int dl = l - 2;
            switch (kind) {
                case 2:
                    if (dl == 2) sb.append(' ').append(f.u16(d));
                    break;
                case 3:
                    if (dl == 1) sb.append(' ').append(f.u8(d));
                    break;
                case 5:
                    sb.append(' ').append(dl / 8).append(' ');
                    for (int i = 0; i + 8 <= dl; i += 8) {
                        long s = f.u32(d + i);
                        long e = f.u32(d + i + 4);
                        long base = rev ? thseq : thack;
                        sb.append('{').append((s - base) & 0xFFFFFFFFL).append(':').append((e - base) & 0xFFFFFFFFL)
                                .append('}');
                    }
                    break;
                case 8:
                    if (dl == 8) sb.append(" val ").append(f.u32(d)).append(" ecr ").append(f.u32(d + 4));
                    break;
                case 4:
                    break;
                case 34:
                    fastOpen(d, dl);
                    break;
                case 254:
                    if (dl >= 2) {
                        int magic = f.u16(d);
                        sb.append('-');
                        if (magic == 0xF989) {
                            sb.append("tfo");
                            fastOpen(d + 2, dl - 2);
                        } else {
                            f.hex4(magic);
                        }
                    }
                    break;
                default:
                    if (dl > 0) {
                        sb.append(' ');
                        for (int i = 0; i < dl; i++) {
                            f.hex2(f.u8(d + i));
                        }
                    }
            }
            o += l;
        }
    }

    /** A TCP Fast Open option's body: a cookie request, or the cookie in hex. */
    private void fastOpen(int d, int dl) {
        if (dl == 0) {
            sb.append(" cookiereq");
        } else if (dl % 2 != 0 || dl < 4 || dl > 16) {
            sb.append(" (invalid)");
        } else {
            sb.append(" cookie ");
            for (int i = 0; i < dl; i++) {
                f.hex2(f.u8(d + i));
            }
        }
    }

    private static String optName(int kind) {
        switch (kind) {
            case 2: return "mss";
            case 3: return "wscale";
            case 4: return "sackOK";
            case 5: return "sack";
            case 8: return "TS";
            case 19: return "md5";
            case 28: return "uto";
            case 29: return "tcp-ao";
            case 30: return "mptcp";
            case 34: return "tfo";
            case 253:
            case 254: return "exp";
            default: return "unknown-" + kind;
        }
    }

    // ---- application protocols on well-known ports ----

    private static final String[] HTTP_CMDS = {"GET", "PUT", "COPY", "HEAD", "LOCK", "MOVE", "POLL", "POST",
        "BCOPY", "BMOVE", "MKCOL", "TRACE", "LABEL", "MERGE", "DELETE", "SEARCH", "UNLOCK", "REPORT", "UPDATE",
        "NOTIFY", "BDELETE", "CONNECT", "OPTIONS", "CHECKIN", "PROPFIND", "CHECKOUT", "CCM_POST", "SUBSCRIBE",
        "PROPPATCH", "BPROPFIND", "BPROPPATCH", "UNCHECKOUT", "MKACTIVITY", "MKWORKSPACE", "UNSUBSCRIBE",
        "RPC_CONNECT", "VERSION-CONTROL", "BASELINE-CONTROL"};

    private void application(int sport, int dport, int o, int length) {
        int len = Math.min(length, f.cap - o);
        if (sport == 25 || dport == 25) {
            sb.append(": SMTP");
            Text.firstLine(f, o, len);
        } else if (sport == 80 || dport == 80 || sport == 8080 || dport == 8080 || sport == 3128 || dport == 3128) {
            sb.append(": HTTP");
            if (Text.looksLike(f, o, len, HTTP_CMDS)) {
                Text.firstLine(f, o, len);
            }
        } else if (sport == 21 || dport == 21) {
            sb.append(": FTP");
            Text.firstLine(f, o, len);
        } else if (sport == 22 || dport == 22) {
            Text.sshBanner(f, o, len);
        } else if (sport == 53 || dport == 53) {
            // DNS over TCP: a two-byte length prefix, which must agree with the segment (tcpdump checks it).
            if (length < 2) {
                sb.append(" [DNS over TCP: length ").append(length).append(" < 2] (invalid)");
                return;
            }
            f.need(o, 2, Frame.T_DNS);
            int prefix = f.u16(o);
            if (prefix != length - 2) {
                sb.append(" [prefix length(").append(prefix).append(") != length(").append(length - 2)
                        .append(")] (invalid)");
                return;
            }
            sb.append(' ');
            dns.decode(o + 2, length - 2, false);
        }
    }
}
