package io.weir.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.weir.netty.BpfFilterHandler;
import io.weir.netty.LinkTypes;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The loopback UDP echo pair: a blocking client sends a 64-byte DNS query to a Netty echo server on 127.0.0.1
 * and waits for the echo; the server runs with ({@code weir}) or without ({@code none}) a
 * {@code BpfFilterHandler} keeping DNS queries in front of the echo handler. The score is round trips per second;
 * the handler's cost is the relative difference (target: under 5%).
 * Run: {@code java -jar bench/target/benchmarks.jar NettyUdpEchoBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
public class NettyUdpEchoBenchmark {
    /** DNS queries (QR bit clear) from 127/8: the server's port is ephemeral, so no port test. */
    static final String QUERIES_FROM_LOOPBACK = "udp and src net 127.0.0.0/8 and udp[10] & 0x80 = 0";

    @Param({"none", "weir"})
    public String filter;

    private EventLoopGroup group;
    private Channel server;
    private java.net.DatagramSocket client;
    private java.net.DatagramPacket query;
    private java.net.DatagramPacket reply;

    /** Sends each datagram back to its sender. */
    static final class Echo extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
            ctx.writeAndFlush(new DatagramPacket(p.content().retain(), p.sender()));
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        BpfFilterHandler weir = filter.equals("weir") ? BpfFilterHandler.builder().linkType(LinkTypes.RAW)
                .expression(QUERIES_FROM_LOOPBACK).build() : null;
        server = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .handler(new ChannelInitializer<NioDatagramChannel>() {
                    @Override
                    protected void initChannel(NioDatagramChannel ch) {
                        if (weir != null) {
                            ch.pipeline().addLast("weir", weir);
                        }
                        ch.pipeline().addLast("echo", new Echo());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        client = new java.net.DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        client.connect(server.localAddress());
        client.setSoTimeout(2000);      // a lost or dropped datagram fails the run instead of hanging it
        byte[] q = NettyHandlerBenchmark.dnsPayload(64, false);
        query = new java.net.DatagramPacket(q, q.length);
        reply = new java.net.DatagramPacket(new byte[2048], 2048);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        client.close();
        server.close().sync();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    @Benchmark
    public int roundTrip() throws IOException {
        client.send(query);
        client.receive(reply);
        return reply.getLength();
    }
}
