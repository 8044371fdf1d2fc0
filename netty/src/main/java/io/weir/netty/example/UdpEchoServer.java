package io.weir.netty.example;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.weir.netty.Action;
import io.weir.netty.BpfFilterHandler;
import io.weir.netty.LinkTypes;
import java.net.InetSocketAddress;

/**
 * A UDP echo server on 127.0.0.1 that drops the datagrams a filter rejects. Usage:
 * {@code UdpEchoServer [--port N] [--count N] expression...}: the expression sees each datagram as an IPv4 + UDP
 * packet (link type RAW). With {@code --count N} the server stops after N datagrams; otherwise it runs until
 * interrupted. Every second it prints the handler's counters when they changed.
 */
public final class UdpEchoServer {
    private UdpEchoServer() {
    }

    /** Starts the server; see the class documentation for the arguments. */
    public static void main(String[] args) throws Exception {
        int port = 9999;
        long count = Long.MAX_VALUE;
        StringBuilder expr = new StringBuilder();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--port") && i + 1 < args.length) {
                port = Integer.parseInt(args[++i]);
            } else if (args[i].equals("--count") && i + 1 < args.length) {
                count = Long.parseLong(args[++i]);
            } else {
                expr.append(expr.length() == 0 ? "" : " ").append(args[i]);
            }
        }
        BpfFilterHandler filter;
        try {
            filter = BpfFilterHandler.builder().linkType(LinkTypes.RAW).expression(expr.toString())
                    .onMatch(Action.PASS).onMiss(Action.DROP).build();
        } catch (IllegalArgumentException e) {
            System.err.println("weir: " + e.getMessage());
            System.exit(2);
            return;
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Channel ch = start(group, new InetSocketAddress("127.0.0.1", port), filter);
            System.out.println("weir echo: listening on udp " + ch.localAddress() + ", filter: " + filter.filter());
            long last = -1;
            while (ch.isActive()) {
                long seen = filter.matched() + filter.missed();
                if (seen != last) {
                    System.out.println("weir echo: " + filter.passed() + " echoed, " + filter.dropped() + " dropped");
                    last = seen;
                }
                if (seen >= count) {
                    break;
                }
                ch.closeFuture().await(1000);
            }
            ch.close().sync();
        } finally {
            group.shutdownGracefully().sync();
        }
    }

    /** Binds the echo server with {@code filter} in front of the echo handler. */
    public static Channel start(EventLoopGroup group, InetSocketAddress address, BpfFilterHandler filter)
            throws InterruptedException {
        return new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .handler(new io.netty.channel.ChannelInitializer<NioDatagramChannel>() {
                    @Override
                    protected void initChannel(NioDatagramChannel ch) {
                        ch.pipeline().addLast("weir", filter).addLast("echo", new Echo());
                    }
                })
                .bind(address).sync().channel();
    }

    /** Sends every datagram back to its sender. */
    static final class Echo extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            ctx.writeAndFlush(new DatagramPacket(packet.content().retain(), packet.sender()));
        }
    }
}
