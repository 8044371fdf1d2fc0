package io.weir.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.weir.engine.maps.MapSpec;
import io.weir.engine.maps.MapType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Per-flow counters in a BPF map, read from Java. */
class FlowTableTest extends LeakCheckedTest {
    private static FlowTable.Flow flow(String src, String dst, int sp, int dp, int proto) throws Exception {
        return new FlowTable.Flow(InetAddress.getByName(src), InetAddress.getByName(dst), sp, dp, proto);
    }

    @Test
    void countsMatchedAndMissedPerFlow() throws Exception {
        FlowTable flows = FlowTable.hash(64);
        BpfFilterHandler h = BpfFilterHandler.builder().expression("udp").flowTable(flows).build();
        EmbeddedChannel ch = new EmbeddedChannel(h);
        byte[] a = Frames.ether(Frames.udp("10.0.0.1", "10.0.0.2", 1111, 53, "abc"));
        byte[] b = Frames.ether(Frames.tcp("10.0.0.1", "10.0.0.2", 2222, 80));
        byte[] c = Frames.ether(Frames.udp("2001:db8::1", "2001:db8::2", 3333, 443, "quic"));
        for (int i = 0; i < 3; i++) {
            ch.writeInbound(Unpooled.wrappedBuffer(a));
        }
        ch.writeInbound(Unpooled.wrappedBuffer(b), Unpooled.wrappedBuffer(c), Unpooled.wrappedBuffer(new byte[10]));
        for (Object o; (o = ch.readInbound()) != null; ) {
            ((io.netty.buffer.ByteBuf) o).release();
        }
        assertEquals(new FlowTable.Counts(3, 3L * a.length, 0, 0), flows.lookup(flow("10.0.0.1", "10.0.0.2", 1111, 53, 17)));
        assertEquals(new FlowTable.Counts(0, 0, 1, b.length), flows.lookup(flow("10.0.0.1", "10.0.0.2", 2222, 80, 6)));
        assertEquals(new FlowTable.Counts(1, c.length, 0, 0),
                flows.lookup(flow("2001:db8::1", "2001:db8::2", 3333, 443, 17)));
        assertNull(flows.lookup(flow("10.0.0.2", "10.0.0.1", 53, 1111, 17)), "direction matters");
        Map<FlowTable.Flow, FlowTable.Counts> all = flows.snapshot();
        assertEquals(3, all.size(), "the runt frame is not IP: not counted");
        assertFalse(ch.finish());
    }

    @Test
    void datagramsAreCountedByTheirAddresses() throws Exception {
        FlowTable flows = FlowTable.lruHash(16);
        BpfFilterHandler h = BpfFilterHandler.builder().linkType(LinkTypes.RAW).expression("udp dst port 53")
                .flowTable(flows).build();
        EmbeddedChannel ch = new EmbeddedChannel(h);
        ch.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(new byte[30]),
                new InetSocketAddress("127.0.0.1", 53), new InetSocketAddress("127.0.0.9", 5000)));
        ((DatagramPacket) ch.readInbound()).release();
        assertEquals(new FlowTable.Counts(1, 20 + 8 + 30, 0, 0),
                flows.lookup(flow("127.0.0.9", "127.0.0.1", 5000, 53, 17)));
        assertFalse(ch.finish());
    }

    @Test
    void fullHashMapOverflowsAndLruEvicts() throws Exception {
        FlowTable hash = FlowTable.hash(2);
        FlowTable lru = FlowTable.lruHash(2);
        for (FlowTable t : new FlowTable[] {hash, lru}) {
            BpfFilterHandler h = BpfFilterHandler.builder().expression("udp").flowTable(t).build();
            EmbeddedChannel ch = new EmbeddedChannel(h);
            for (int port = 1; port <= 3; port++) {
                ch.writeInbound(Unpooled.wrappedBuffer(Frames.ether(Frames.udp("10.0.0.1", "10.0.0.2", port, 9, ""))));
                ((io.netty.buffer.ByteBuf) ch.readInbound()).release();
            }
            assertFalse(ch.finish());
        }
        assertEquals(1, hash.overflows());
        assertNull(hash.lookup(flow("10.0.0.1", "10.0.0.2", 3, 9, 17)));
        assertEquals(0, lru.overflows());
        assertEquals(1, lru.lookup(flow("10.0.0.1", "10.0.0.2", 3, 9, 17)).matchedPackets());
        assertEquals(2, lru.map().size());
    }

    @Test
    void foreignMapsMustHaveTheLayout() {
        assertThrows(IllegalArgumentException.class,
                () -> FlowTable.of(new MapSpec("m", MapType.HASH, 4, 8, 4, 0).create()));
        assertThrows(IllegalArgumentException.class,
                () -> FlowTable.of(new MapSpec("m", MapType.ARRAY, 4, FlowTable.VALUE_SIZE, 4, 0).create()));
        FlowTable.of(new MapSpec("m", MapType.LRU_HASH, FlowTable.KEY_SIZE, FlowTable.VALUE_SIZE, 4, 0).create());
    }
}
