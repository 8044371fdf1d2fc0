package io.weir.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** ByteBuf frames through the handler: every buffer layout, every pass/drop combination, every release path. */
class ByteBufMessageTest extends LeakCheckedTest {
    /** The buffer layouts a frame may arrive in. */
    enum Layout {
        HEAP(b -> Unpooled.buffer(b.length).writeBytes(b)),
        DIRECT(b -> Unpooled.directBuffer(b.length).writeBytes(b)),
        POOLED_HEAP(b -> PooledByteBufAllocator.DEFAULT.heapBuffer(b.length).writeBytes(b)),
        POOLED_DIRECT(b -> PooledByteBufAllocator.DEFAULT.directBuffer(b.length).writeBytes(b)),
        /** A heap buffer whose frame starts after 7 bytes already read (arrayOffset + readerIndex). */
        READ_PAST_PREFIX(b -> {
            ByteBuf buf = Unpooled.buffer(b.length + 7).writeBytes(new byte[7]).writeBytes(b);
            return buf.skipBytes(7);
        }),
        /** Two components: the handler must copy (up to the filter's reach). */
        COMPOSITE(b -> {
            CompositeByteBuf c = Unpooled.compositeBuffer();
            int half = b.length / 2;
            c.addComponent(true, Unpooled.directBuffer(half).writeBytes(b, 0, half));
            c.addComponent(true, Unpooled.buffer(b.length - half).writeBytes(b, half, b.length - half));
            return c;
        });

        final Function<byte[], ByteBuf> make;

        Layout(Function<byte[], ByteBuf> make) {
            this.make = make;
        }
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Layout l : Layout.values()) {
            for (Action onMatch : List.of(Action.PASS, Action.DROP)) {
                for (Action onMiss : List.of(Action.PASS, Action.DROP)) {
                    out.add(Arguments.of(l, onMatch, onMiss));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} match={1} miss={2}")
    @MethodSource("cases")
    void verdictsActionsAndReleases(Layout layout, Action onMatch, Action onMiss) {
        BpfFilterHandler h = BpfFilterHandler.builder().linkType(LinkTypes.EN10MB)
                .expression("udp dst port 53 and src net 10.0.0.0/8").onMatch(onMatch).onMiss(onMiss).build();
        EmbeddedChannel ch = new EmbeddedChannel(h);
        byte[][] frames = {
            Frames.ether(Frames.udp("10.1.2.3", "192.0.2.1", 40000, 53, "query")),          // match
            Frames.ether(Frames.udp("172.16.0.1", "192.0.2.1", 40000, 53, "query")),        // miss: source
            Frames.ether(Frames.tcp("10.1.2.3", "192.0.2.1", 40000, 53)),                   // miss: tcp
            Frames.ether(Frames.udp("2001:db8::1", "2001:db8::2", 40000, 53, "v6")),        // miss: not ip
            Frames.ether(Frames.udp("10.9.9.9", "192.0.2.7", 1, 53, "")),                   // match
        };
        boolean[] expected = {true, false, false, false, true};
        int passed = 0;
        int dropped = 0;
        for (int i = 0; i < frames.length; i++) {
            ByteBuf buf = layout.make.apply(frames[i]);
            ch.writeInbound(buf);
            Action a = expected[i] ? onMatch : onMiss;
            if (a == Action.PASS) {
                ByteBuf out = ch.readInbound();
                assertSame(buf, out, "frame " + i + " passed as the same buffer");
                assertEquals(1, out.refCnt(), "frame " + i + " passed unreleased");
                assertEquals(frames[i].length, out.readableBytes(), "frame " + i + " untouched");
                out.release();
                passed++;
            } else {
                assertNull(ch.readInbound(), "frame " + i + " dropped");
                assertEquals(0, buf.refCnt(), "frame " + i + " released exactly once");
                dropped++;
            }
        }
        assertEquals(2, h.matched());
        assertEquals(3, h.missed());
        assertEquals(passed, h.passed());
        assertEquals(dropped, h.dropped());
        assertEquals(layout == Layout.COMPOSITE, h.copiedBytes() > 0, "only composite buffers are copied");
        assertFalse(ch.finish());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("linkTypes")
    void linkTypes(String name, int linkType, byte[] match, byte[] miss) {
        BpfFilterHandler h = BpfFilterHandler.builder().linkType(linkType).expression("ip6 and udp port 5353")
                .build();
        EmbeddedChannel ch = new EmbeddedChannel(h);
        ch.writeInbound(Unpooled.wrappedBuffer(match), Unpooled.wrappedBuffer(miss));
        ByteBuf out = ch.readInbound();
        assertEquals(match.length, out.readableBytes());
        out.release();
        assertNull(ch.readInbound());
        assertEquals(1, h.matched());
        assertEquals(1, h.dropped());
        assertFalse(ch.finish());
    }

    static Stream<Arguments> linkTypes() {
        byte[] v6 = Frames.udp("fe80::1", "ff02::fb", 5353, 5353, "mdns");
        byte[] v4 = Frames.udp("192.168.1.2", "224.0.0.251", 5353, 5353, "mdns");
        return Stream.of(
                Arguments.of("RAW", LinkTypes.RAW, v6, v4),
                Arguments.of("EN10MB", LinkTypes.EN10MB, Frames.ether(v6), Frames.ether(v4)),
                Arguments.of("LINUX_SLL", LinkTypes.LINUX_SLL, sll(v6, 0x86dd), sll(v4, 0x0800)));
    }

    private static byte[] sll(byte[] ip, int proto) {
        byte[] f = new byte[16 + ip.length];
        f[14] = (byte) (proto >>> 8);
        f[15] = (byte) proto;
        System.arraycopy(ip, 0, f, 16, ip.length);
        return f;
    }

    @ParameterizedTest(name = "empty expression on {0}")
    @MethodSource("layouts")
    void emptyExpressionPassesEverything(Layout layout) {
        BpfFilterHandler h = BpfFilterHandler.builder().expression("").build();
        EmbeddedChannel ch = new EmbeddedChannel(h);
        ch.writeInbound(layout.make.apply(new byte[] {1, 2, 3}));
        ByteBuf out = ch.readInbound();
        assertEquals(3, out.readableBytes());
        out.release();
        assertEquals(1, h.matched());
        assertEquals(0, h.copiedBytes(), "a filter that reads nothing needs no copy");
        assertFalse(ch.finish());
    }

    static Stream<Layout> layouts() {
        return Stream.of(Layout.values());
    }
}
