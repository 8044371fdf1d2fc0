package io.weir.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.weir.netty.example.UdpEchoServer;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The example echo server on 127.0.0.1 receiving a bounded burst from a client in the same test: exact counts of
 * passed (echoed) and dropped datagrams. Sent in small batches, each waited for, so loopback never overflows the
 * socket buffer and the counts are exact.
 */
class UdpLoopbackTest extends LeakCheckedTest {
    private static final int DATAGRAMS = 300;
    private static final int BATCH = 20;
    private static final int PAYLOAD = 64;      // a DNS-sized query

    @Test
    @Timeout(60)
    void echoesExactlyWhatTheFilterPasses() throws Exception {
        BpfFilterHandler filter = BpfFilterHandler.builder().linkType(LinkTypes.RAW)
                .expression("udp and udp[8] = 0x41").build();         // payloads starting with 'A'
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            Channel server = UdpEchoServer.start(group, new InetSocketAddress("127.0.0.1", 0), filter);
            InetSocketAddress to = (InetSocketAddress) server.localAddress();
            client.setSoTimeout(2000);
            int expectedEchoes = 0;
            int echoes = 0;
            byte[] in = new byte[2048];
            for (int sent = 0; sent < DATAGRAMS; ) {
                int batchEchoes = 0;
                for (int i = 0; i < BATCH && sent < DATAGRAMS; i++, sent++) {
                    byte[] data = new byte[PAYLOAD];
                    data[0] = (byte) (sent % 3 == 0 ? 'A' : 'B');
                    data[1] = (byte) sent;
                    client.send(new DatagramPacket(data, data.length, InetAddress.getByName("127.0.0.1"),
                            to.getPort()));
                    if (sent % 3 == 0) {
                        batchEchoes++;
                    }
                }
                expectedEchoes += batchEchoes;
                for (int i = 0; i < batchEchoes; i++) {
                    DatagramPacket p = new DatagramPacket(in, in.length);
                    client.receive(p);
                    assertEquals('A', p.getData()[0], "only passed datagrams come back");
                    assertEquals(PAYLOAD, p.getLength());
                    echoes++;
                }
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (filter.matched() + filter.missed() < sent && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
            }
            // Nothing else comes back: a dropped datagram would have been echoed by now.
            client.setSoTimeout(200);
            boolean extra;
            try {
                client.receive(new DatagramPacket(in, in.length));
                extra = true;
            } catch (SocketTimeoutException e) {
                extra = false;
            }
            assertTrue(!extra, "an echo for a datagram the filter should have dropped");
            assertEquals(100, expectedEchoes);
            assertEquals(expectedEchoes, echoes);
            assertEquals(100, filter.matched());
            assertEquals(100, filter.passed());
            assertEquals(200, filter.missed());
            assertEquals(200, filter.dropped());
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
        }
    }
}
