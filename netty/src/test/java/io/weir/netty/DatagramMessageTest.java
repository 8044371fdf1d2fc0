package io.weir.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** DatagramPackets seen as the IPv4/IPv6 + UDP packets they arrived in. */
class DatagramMessageTest extends LeakCheckedTest {
    private static final String DNS_QUERIES = "udp and src net 10.0.0.0/8 and dst port 53 and udp[10] & 0x80 = 0";

    static Stream<Arguments> dns() {
        return Stream.of(
                // name, expression, sender, recipient, response?, expected match
                Arguments.of("query from 10/8", DNS_QUERIES, "10.1.1.1", "192.0.2.53", false, true),
                Arguments.of("response from 10/8", DNS_QUERIES, "10.1.1.1", "192.0.2.53", true, false),
                Arguments.of("query from elsewhere", DNS_QUERIES, "192.0.2.9", "192.0.2.53", false, false),
                // libpcap's udp[...] is IPv4 only: IPv6 payload bytes are addressed from the fixed 40-byte header.
                Arguments.of("v6 query", "ip6 and udp dst port 53 and src net 2001:db8::/32 and ip6[50] & 0x80 = 0",
                        "2001:db8::7", "2001:db8::53", false, true),
                Arguments.of("v6 response", "ip6 and udp dst port 53 and ip6[50] & 0x80 = 0",
                        "2001:db8::7", "2001:db8::53", true, false),
                Arguments.of("v6 is not ip", "ip", "2001:db8::7", "2001:db8::53", false, false),
                Arguments.of("mixed: v4 mapped", "ip6 and src host ::ffff:10.0.0.1", "10.0.0.1", "2001:db8::53",
                        false, true),
                Arguments.of("ip len", "ip[2:2] = 57", "10.0.0.1", "10.0.0.2", false, true),
                Arguments.of("ports", "udp src port 40000 and dst port 53", "10.0.0.1", "10.0.0.2", false, true),
                Arguments.of("ttl 64", "ip[8] = 64 and ip[9] = 17", "10.0.0.1", "10.0.0.2", false, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dns")
    void dnsQueriesOnly(String name, String expr, String sender, String recipient, boolean response,
            boolean expected) {
        for (int linkType : new int[] {LinkTypes.RAW, LinkTypes.EN10MB, LinkTypes.LINUX_SLL, LinkTypes.LINUX_SLL2}) {
            BpfFilterHandler h = BpfFilterHandler.builder().linkType(linkType).expression(expr).build();
            EmbeddedChannel ch = new EmbeddedChannel(h);
            DatagramPacket p = new DatagramPacket(Unpooled.wrappedBuffer(Frames.dns(response)),
                    new InetSocketAddress(recipient, 53), new InetSocketAddress(sender, 40000));
            ch.writeInbound(p);
            if (expected) {
                DatagramPacket out = ch.readInbound();
                assertSame(p, out, name + " on " + linkType);
                assertEquals(1, out.refCnt());
                out.release();
            } else {
                assertNull(ch.readInbound(), name + " on " + linkType);
                assertEquals(0, p.refCnt(), "dropped datagram released");
            }
            assertEquals(expected ? 1 : 0, h.matched(), name + " on " + linkType);
            assertFalse(ch.finish());
        }
    }

    @Test
    void copiesOnlyWhatTheFilterReaches() {
        byte[] payload = new byte[512];
        // Constant offsets only: the copy stops at byte 20 + 8 + 2 of the RAW frame, i.e. 2 payload bytes.
        BpfFilterHandler reach = BpfFilterHandler.builder().linkType(LinkTypes.RAW)
                .expression("ip[28:2] = 0").build();
        BpfFilterHandler all = BpfFilterHandler.builder().linkType(LinkTypes.RAW)
                .expression("udp[10] = 0").build();
        for (BpfFilterHandler h : new BpfFilterHandler[] {reach, all}) {
            EmbeddedChannel ch = new EmbeddedChannel(h);
            ch.writeInbound(datagram(payload, "10.0.0.1", "10.0.0.2"));
            ByteBuf out = ((DatagramPacket) ch.readInbound()).content();
            out.release();
            assertFalse(ch.finish());
        }
        assertEquals(30, reach.copiedBytes());
        assertEquals(28 + 512, all.copiedBytes(), "udp[...] loads at a computed offset: whole payload");
    }

    @Test
    void snaplenTruncatesAndTheFilterSeesTheWireLength() {
        byte[] payload = new byte[100];
        payload[50] = 7;
        BpfFilterHandler h = BpfFilterHandler.builder().linkType(LinkTypes.RAW).datagramSnaplen(64)
                .expression("len = 128 and ip[20+8+50] = 7").build();
        EmbeddedChannel ch = new EmbeddedChannel(h);
        ch.writeInbound(datagram(payload, "10.0.0.1", "10.0.0.2"));
        assertNull(ch.readInbound(), "byte 78 is beyond the 64 copied: the load fails, the packet is rejected");
        BpfFilterHandler lenOnly = BpfFilterHandler.builder().linkType(LinkTypes.RAW).datagramSnaplen(64)
                .expression("len = 128").build();
        EmbeddedChannel ch2 = new EmbeddedChannel(lenOnly);
        ch2.writeInbound(datagram(payload, "10.0.0.1", "10.0.0.2"));
        ((DatagramPacket) ch2.readInbound()).release();
        assertEquals(1, h.missed());
        assertEquals(1, lenOnly.matched());
        assertFalse(ch.finish());
        assertFalse(ch2.finish());
    }

    @Test
    void missingSenderIsTheUnspecifiedAddress() {
        BpfFilterHandler h = BpfFilterHandler.builder().linkType(LinkTypes.RAW)
                .expression("src host 0.0.0.0 and src port 0 and dst port 9").build();
        EmbeddedChannel ch = new EmbeddedChannel(h);
        ch.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(new byte[4]), new InetSocketAddress("10.0.0.2", 9)));
        ((DatagramPacket) ch.readInbound()).release();
        assertEquals(1, h.matched());
        assertFalse(ch.finish());
    }

    @Test
    void unsupportedLinkTypeReleasesAndReports() {
        BpfFilterHandler h = BpfFilterHandler.builder().linkType(0).expression("ip").build();   // DLT_NULL
        EmbeddedChannel ch = new EmbeddedChannel(h);
        DatagramPacket p = datagram(new byte[8], "10.0.0.1", "10.0.0.2");
        assertThrows(UnsupportedOperationException.class, () -> ch.writeInbound(p));
        assertEquals(0, p.refCnt());
        assertEquals(1, h.failed());
        assertFalse(ch.finish());
    }

    static DatagramPacket datagram(byte[] payload, String sender, String recipient) {
        return new DatagramPacket(Unpooled.wrappedBuffer(payload), new InetSocketAddress(recipient, 53),
                new InetSocketAddress(sender, 40000));
    }
}
