package io.weir.cli.print;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.weir.capture.CaptureInterface;
import io.weir.capture.LinkType;
import io.weir.capture.Packet;
import java.io.IOException;
import java.io.Writer;
import java.time.Instant;

/**
 * {@code --json}: one JSON object per line for each printed packet, written with jackson-core's streaming
 * generator: number, time stamp (RFC 3339, UTC, nanoseconds; and Unix nanoseconds), interface, link type,
 * captured and wire lengths, the verdict, tcpdump's summary line, and the decoded layers with their main fields:
 * <pre>{@code
 * {"number":1,"timestamp":"2024-01-01T00:00:00.000682Z","epoch_nanos":1704067200000682000,"interface":0,
 *  "link_type":"EN10MB","caplen":68,"len":68,"verdict":"match","summary":"IP 10.0.0.1.49723 > ...",
 *  "layers":[{"proto":"ethernet","src":"02:00:5e:10:00:00","dst":"02:00:5e:10:00:c8","ethertype":2048},
 *            {"proto":"ipv4","src":"10.0.0.1","dst":"198.51.102.31","ttl":64,"protocol":17,"length":54},
 *            {"proto":"udp","sport":49723,"dport":53,"length":34}]}
 * }</pre>
 */
public final class JsonPrinter {
    private final JsonGenerator g;
    private final LinePrinter summary;
    private final Frame f;

    /** A printer writing to {@code out} (flushed by {@link #flush}). */
    public JsonPrinter(Writer out, PrintOptions opt) throws IOException {
        this.g = new JsonFactory().createGenerator(out);
        PrintOptions plain = new PrintOptions();
        plain.timeMode = 1;
        plain.absoluteSeq = opt.absoluteSeq;
        plain.zone = opt.zone;
        this.summary = new LinePrinter(plain);
        this.f = new Frame(plain);
    }

    /** Writes one packet's object and a newline. */
    public void write(Packet p) throws IOException {
        g.writeStartObject();
        g.writeNumberField("number", p.number());
        long ns = p.timestampNanos();
        g.writeStringField("timestamp",
                Instant.ofEpochSecond(Math.floorDiv(ns, 1_000_000_000L), Math.floorMod(ns, 1_000_000_000L)).toString());
        g.writeNumberField("epoch_nanos", ns);
        CaptureInterface ci = p.captureInterface();
        if (ci != null && ci.name() != null) {
            g.writeStringField("interface", ci.name());
        } else {
            g.writeNumberField("interface", p.interfaceId());
        }
        String ln = LinkType.name(p.linkType());
        g.writeStringField("link_type", ln == null ? Integer.toString(p.linkType()) : ln);
        g.writeNumberField("caplen", p.capLen());
        g.writeNumberField("len", p.wireLen());
        g.writeStringField("verdict", "match");
        g.writeStringField("summary", summary.format(p).toString());
        g.writeArrayFieldStart("layers");
        f.reset(p.buffer(), p.offset(), p.capLen());
        try {
            link(p.linkType());
        } catch (Frame.Truncated | IndexOutOfBoundsException t) {
            g.writeStartObject();
            g.writeStringField("proto", "truncated");
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
        g.writeRaw('\n');
    }

    /** Flushes the generator (and its writer). */
    public void flush() throws IOException {
        g.flush();
    }

    private String text(Runnable r) {
        f.sb.setLength(0);
        r.run();
        return f.sb.toString();
    }

    private void link(int linkType) throws IOException {
        switch (linkType) {
            case LinkDecoder.ETHERNET: {
                f.need(0, 14, Frame.T_ETHER);
                int type = f.u16(12);
                g.writeStartObject();
                g.writeStringField("proto", "ethernet");
                g.writeStringField("src", text(() -> f.mac(6)));
                g.writeStringField("dst", text(() -> f.mac(0)));
                g.writeNumberField("ethertype", type);
                g.writeEndObject();
                int o = 14;
                while (type == 0x8100 || type == 0x88a8 || type == 0x9100) {
                    f.need(o, 4, Frame.T_ETHER);
                    g.writeStartObject();
                    g.writeStringField("proto", "vlan");
                    g.writeNumberField("id", f.u16(o) & 0xFFF);
                    g.writeNumberField("pcp", f.u16(o) >>> 13);
                    type = f.u16(o + 2);
                    g.writeNumberField("ethertype", type);
                    g.writeEndObject();
                    o += 4;
                }
                network(type, o);
                return;
            }
            case LinkDecoder.LINUX_SLL:
                f.need(0, 16, Frame.T_LINK);
                simple("sll", "ethertype", f.u16(14));
                network(f.u16(14), 16);
                return;
            case LinkDecoder.LINUX_SLL2:
                f.need(0, 20, Frame.T_LINK);
                simple("sll2", "ethertype", f.u16(0));
                network(f.u16(0), 20);
                return;
            case LinkDecoder.NULL:
            case LinkDecoder.LOOP: {
                f.need(0, 4, Frame.T_LINK);
                long fam = linkType == LinkDecoder.LOOP ? f.u32(0) : Integer.reverseBytes((int) f.u32(0)) & 0xFFFFFFFFL;
                if ((fam & 0xFFFF0000L) != 0) {
                    fam = Integer.reverseBytes((int) fam) & 0xFFFFFFFFL;
                }
                simple("loopback", "family", fam);
                network(fam == 2 ? 0x0800 : fam == 24 || fam == 28 || fam == 30 ? 0x86dd : -1, 4);
                return;
            }
            case LinkDecoder.RAW:
            case LinkDecoder.IPV4:
            case LinkDecoder.IPV6:
            case 12:
            case 14:
                f.need(0, 1, Frame.T_IP);
                network((f.u8(0) >>> 4) == 6 ? 0x86dd : 0x0800, 0);
                return;
            default:
        }
    }

    private void simple(String proto, String field, long value) throws IOException {
        g.writeStartObject();
        g.writeStringField("proto", proto);
        g.writeNumberField(field, value);
        g.writeEndObject();
    }

    private void network(int type, int o) throws IOException {
        if (type == 0x0800) {
            f.need(o, 20, Frame.T_IP);
            int hl = (f.u8(o) & 15) * 4;
            int proto = f.u8(o + 9);
            int total = f.u16(o + 2);
            g.writeStartObject();
            g.writeStringField("proto", "ipv4");
            g.writeStringField("src", text(() -> f.ip4(o + 12)));
            g.writeStringField("dst", text(() -> f.ip4(o + 16)));
            g.writeNumberField("ttl", f.u8(o + 8));
            g.writeNumberField("id", f.u16(o + 4));
            g.writeNumberField("protocol", proto);
            g.writeNumberField("length", total);
            g.writeEndObject();
            if ((f.u16(o + 6) & 0x1FFF) == 0 && hl >= 20) {
                transport(proto, o + hl);
            }
        } else if (type == 0x86dd) {
            f.need(o, 40, Frame.T_IP6);
            int next = f.u8(o + 6);
            g.writeStartObject();
            g.writeStringField("proto", "ipv6");
            g.writeStringField("src", text(() -> f.ip6(o + 8)));
            g.writeStringField("dst", text(() -> f.ip6(o + 24)));
            g.writeNumberField("hlim", f.u8(o + 7));
            g.writeNumberField("next_header", next);
            g.writeNumberField("payload_length", f.u16(o + 4));
            g.writeEndObject();
            int at = o + 40;
            while (next == 0 || next == 60 || next == 43 || next == 44) {
                f.need(at, 8, Frame.T_IP6);
                simple(next == 44 ? "ipv6-frag" : next == 43 ? "ipv6-route" : next == 0 ? "ipv6-hbh" : "ipv6-dstopts",
                        "next_header", f.u8(at));
                if (next == 44 && (f.u16(at + 2) & 0xFFF8) != 0) {
                    return;
                }
                int len = next == 44 ? 8 : (f.u8(at + 1) + 1) * 8;
                next = f.u8(at);
                at += len;
            }
            transport(next, at);
        } else if (type == 0x0806 || type == 0x8035) {
            f.need(o, 8, Frame.T_ARP);
            simple("arp", "op", f.u16(o + 6));
        }
    }

    private void transport(int proto, int o) throws IOException {
        switch (proto) {
            case 6: {
                f.need(o, 20, Frame.T_TCP);
                g.writeStartObject();
                g.writeStringField("proto", "tcp");
                g.writeNumberField("sport", f.u16(o));
                g.writeNumberField("dport", f.u16(o + 2));
                g.writeNumberField("seq", f.u32(o + 4));
                g.writeNumberField("ack", f.u32(o + 8));
                g.writeNumberField("flags", f.u8(o + 13));
                g.writeNumberField("win", f.u16(o + 14));
                g.writeEndObject();
                return;
            }
            case 17: {
                f.need(o, 8, Frame.T_UDP);
                g.writeStartObject();
                g.writeStringField("proto", "udp");
                g.writeNumberField("sport", f.u16(o));
                g.writeNumberField("dport", f.u16(o + 2));
                g.writeNumberField("length", f.u16(o + 4));
                g.writeEndObject();
                return;
            }
            case 1:
            case 58: {
                f.need(o, 2, proto == 1 ? Frame.T_ICMP : Frame.T_ICMP6);
                g.writeStartObject();
                g.writeStringField("proto", proto == 1 ? "icmp" : "icmp6");
                g.writeNumberField("type", f.u8(o));
                g.writeNumberField("code", f.u8(o + 1));
                g.writeEndObject();
                return;
            }
            default:
        }
    }

}
