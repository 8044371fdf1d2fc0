package io.weir.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ROUTE actions: user events (handled and unhandled) and forwarding to a named handler (present or not). */
class RouteActionTest extends LeakCheckedTest {
    private static final byte[] MATCH = Frames.ether(Frames.udp("10.0.0.1", "10.0.0.2", 1000, 53, "q"));
    private static final byte[] MISS = Frames.ether(Frames.tcp("10.0.0.1", "10.0.0.2", 1000, 80));

    private static ByteBuf pooled(byte[] b) {
        return PooledByteBufAllocator.DEFAULT.directBuffer(b.length).writeBytes(b);
    }

    /** Records user events and the messages it reads, releasing neither. */
    static final class Recorder extends ChannelInboundHandlerAdapter {
        final List<Object> events = new ArrayList<>();
        final List<Object> reads = new ArrayList<>();

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            events.add(evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            reads.add(msg);
        }
    }

    @Test
    void eventCarriesTheMessageAndItsVerdict() {
        BpfFilterHandler h = BpfFilterHandler.builder().expression("udp").onMatch(Action.PASS)
                .onMiss(Action.EVENT).build();
        Recorder r = new Recorder();
        EmbeddedChannel ch = new EmbeddedChannel(h, r);
        ByteBuf match = pooled(MATCH);
        ByteBuf miss = pooled(MISS);
        ch.writeInbound(match, miss);
        assertEquals(List.of(match), r.reads);
        assertEquals(1, r.events.size());
        FilterEvent e = assertInstanceOf(FilterEvent.class, r.events.get(0));
        assertSame(miss, e.message());
        assertFalse(e.matched());
        assertEquals(1, e.refCnt());
        assertTrue(e.release(), "releasing the event releases the message");
        assertEquals(0, miss.refCnt());
        match.release();
        assertEquals(1, h.routed());
        assertEquals(1, h.passed());
        assertFalse(ch.finish());
    }

    @Test
    void unhandledEventIsReleasedByThePipelineTail() {
        BpfFilterHandler h = BpfFilterHandler.builder().expression("udp").onMatch(Action.EVENT).build();
        EmbeddedChannel ch = new EmbeddedChannel(h);
        ByteBuf match = pooled(MATCH);
        ch.writeInbound(match);
        assertNull(ch.readInbound());
        assertEquals(0, match.refCnt(), "the tail released the unhandled FilterEvent, hence the message");
        assertFalse(ch.finish());
    }

    @Test
    void forwardSkipsTheHandlersInBetween() {
        BpfFilterHandler h = BpfFilterHandler.builder().expression("udp").onMatch(Action.PASS)
                .onMiss(Action.forwardTo("quarantine")).build();
        Recorder skipped = new Recorder();
        Recorder quarantine = new Recorder();
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.pipeline().addLast("weir", h).addLast("app", skipped).addLast("quarantine", quarantine);
        ByteBuf match = pooled(MATCH);
        ByteBuf miss = pooled(MISS);
        ch.writeInbound(match, miss);
        assertEquals(List.of(match), skipped.reads);
        assertEquals(List.of(miss), quarantine.reads);
        assertEquals(1, miss.refCnt(), "forwarded, not released");
        match.release();
        miss.release();
        assertEquals(1, h.routed());
        assertFalse(ch.finish());
    }

    @Test
    void forwardToAMissingHandlerReleasesAndReports() {
        BpfFilterHandler h = BpfFilterHandler.builder().expression("udp")
                .onMatch(Action.forwardTo("nobody")).build();
        EmbeddedChannel ch = new EmbeddedChannel(h);
        ByteBuf match = pooled(MATCH);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ch.writeInbound(match));
        assertTrue(e.getMessage().contains("'nobody'"), e.getMessage());
        assertEquals(0, match.refCnt());
        assertEquals(1, h.dropped());
        assertFalse(ch.finish());
    }
}
