package io.weir.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** Other message types: through an adapter, or unfiltered when no adapter takes them. */
class AdapterMessageTest extends LeakCheckedTest {
    /** A tunnel frame: an 8-byte tunnel header, then a raw IP packet. */
    static final class TunnelFrame extends DefaultByteBufHolder {
        TunnelFrame(ByteBuf data) {
            super(data);
        }
    }

    /** A plain NIO message, not reference-counted. */
    record NioMessage(ByteBuffer packet) {}

    private static TunnelFrame tunnel(byte[] ip) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(8 + ip.length).writeZero(8).writeBytes(ip);
        return new TunnelFrame(b);
    }

    @Test
    void adaptersShowTheInnerPacket() {
        BpfFilterHandler h = BpfFilterHandler.builder().linkType(LinkTypes.RAW).expression("udp port 4789")
                .adapter(TunnelFrame.class, (f, view) -> {
                    ByteBuf c = f.content();
                    int inner = c.readerIndex() + 8;
                    ByteBuffer nio = c.nioBuffer(inner, c.readableBytes() - 8);
                    view.set(nio, nio.position(), nio.remaining(), nio.remaining());
                    return true;
                })
                .adapter(NioMessage.class, (m, view) -> {
                    view.set(m.packet(), m.packet().position(), m.packet().remaining(), m.packet().remaining());
                    return true;
                })
                .build();
        EmbeddedChannel ch = new EmbeddedChannel(h);
        TunnelFrame match = tunnel(Frames.udp("10.0.0.1", "10.0.0.2", 1, 4789, "vx"));
        TunnelFrame miss = tunnel(Frames.udp("10.0.0.1", "10.0.0.2", 1, 53, "dns"));
        NioMessage nioMatch = new NioMessage(ByteBuffer.wrap(Frames.udp("10.0.0.1", "10.0.0.2", 1, 4789, "")));
        NioMessage nioMiss = new NioMessage(ByteBuffer.wrap(Frames.tcp("10.0.0.1", "10.0.0.2", 1, 4789)));
        ch.writeInbound(match, miss, nioMatch, nioMiss);
        assertSame(match, ch.readInbound());
        assertSame(nioMatch, ch.readInbound());
        assertNull(ch.readInbound());
        assertEquals(0, miss.refCnt(), "dropped holder released");
        match.release();
        assertEquals(2, h.matched());
        assertEquals(2, h.dropped());
        assertFalse(ch.finish());
    }

    @Test
    void unknownTypesAndDecliningAdaptersPassUnfiltered() {
        BpfFilterHandler h = BpfFilterHandler.builder().expression("udp")
                .adapter(TunnelFrame.class, (f, view) -> false).build();
        EmbeddedChannel ch = new EmbeddedChannel(h);
        TunnelFrame t = tunnel(new byte[20]);
        ch.writeInbound("a string", t);
        assertEquals("a string", ch.readInbound());
        assertSame(t, ch.readInbound());
        assertEquals(1, t.refCnt());
        t.release();
        assertEquals(2, h.unfiltered());
        assertEquals(0, h.matched() + h.missed());
        assertFalse(ch.finish());
    }
}
