package io.weir.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import io.weir.netty.Action;
import io.weir.netty.BpfFilterHandler;
import io.weir.netty.LinkTypes;
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
 * The cost of {@code BpfFilterHandler} per message: an {@code EmbeddedChannel} whose only other handler passes
 * messages through, with and without the filter in front. The message is reused (retained before each read, the
 * reader or the handler releases it), so {@code -prof gc} shows what the pipeline itself allocates per message.
 *
 * <ul>
 *   <li>{@code filter}: {@code none} (no handler), {@code pass} (a DNS-query filter the message matches),
 *       {@code drop} (the message misses and is released by the handler);</li>
 *   <li>{@code message}: an Ethernet frame in a heap or pooled direct {@code ByteBuf} (read in place), or a
 *       {@code DatagramPacket} with a 64- or 512-byte payload (synthetic header + payload copied per message).</li>
 * </ul>
 * Run: {@code java -jar bench/target/benchmarks.jar NettyHandlerBenchmark -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
public class NettyHandlerBenchmark {
    static final String DNS_QUERIES = "udp and dst port 53 and udp[10] & 0x80 = 0";

    @Param({"none", "pass", "drop"})
    public String filter;

    @Param({"frame-heap", "frame-direct", "datagram-64", "datagram-512"})
    public String message;

    private EmbeddedChannel channel;
    private ChannelPipeline pipeline;
    private Object msg;

    /** Passes every message on, as an application's first handler would. */
    @ChannelHandler.Sharable
    static final class PassThrough extends ChannelInboundHandlerAdapter {
    }

    @Setup(Level.Trial)
    public void setUp() {
        boolean datagram = message.startsWith("datagram");
        int payload = datagram ? Integer.parseInt(message.substring("datagram-".length())) : 64;
        boolean response = filter.equals("drop");       // the filter keeps queries: a response misses
        byte[] dns = dnsPayload(payload, response);
        if (datagram) {
            msg = new DatagramPacket(Unpooled.wrappedBuffer(dns), new InetSocketAddress("10.0.0.53", 53),
                    new InetSocketAddress("10.1.2.3", 40000));
        } else {
            byte[] frame = ethernetUdp(dns);
            msg = message.equals("frame-heap") ? Unpooled.buffer(frame.length).writeBytes(frame)
                    : PooledByteBufAllocator.DEFAULT.directBuffer(frame.length).writeBytes(frame);
        }
        channel = new EmbeddedChannel();
        if (!filter.equals("none")) {
            channel.pipeline().addLast("weir", BpfFilterHandler.builder()
                    .linkType(datagram ? LinkTypes.RAW : LinkTypes.EN10MB).expression(DNS_QUERIES)
                    .onMatch(Action.PASS).onMiss(Action.DROP).build());
        }
        channel.pipeline().addLast("app", new PassThrough());
        pipeline = channel.pipeline();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        channel.finishAndReleaseAll();
        ReferenceCountUtil.release(msg);
    }

    @Benchmark
    public Object read() {
        ReferenceCountUtil.retain(msg);
        pipeline.fireChannelRead(msg);
        Object out = channel.readInbound();
        if (out != null) {
            ReferenceCountUtil.release(out);
        }
        return out;
    }

    /** A DNS query (or response) for example.com padded to {@code size} bytes. */
    static byte[] dnsPayload(int size, boolean response) {
        byte[] d = new byte[Math.max(size, 29)];
        d[0] = 0x12;
        d[1] = 0x34;
        d[2] = (byte) (response ? 0x81 : 0x01);
        d[5] = 1;
        byte[] q = {7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1};
        System.arraycopy(q, 0, d, 12, q.length);
        return d;
    }

    /** {@code payload} in UDP 40000 -> 53, IPv4 10.1.2.3 -> 10.0.0.53, Ethernet. */
    static byte[] ethernetUdp(byte[] payload) {
        byte[] f = new byte[14 + 20 + 8 + payload.length];
        f[12] = 0x08;
        int ip = 14;
        f[ip] = 0x45;
        int total = 20 + 8 + payload.length;
        f[ip + 2] = (byte) (total >>> 8);
        f[ip + 3] = (byte) total;
        f[ip + 8] = 64;
        f[ip + 9] = 17;
        byte[] src = {10, 1, 2, 3};
        byte[] dst = {10, 0, 0, 53};
        System.arraycopy(src, 0, f, ip + 12, 4);
        System.arraycopy(dst, 0, f, ip + 16, 4);
        int udp = ip + 20;
        f[udp] = (byte) (40000 >>> 8);
        f[udp + 1] = (byte) 40000;
        f[udp + 3] = 53;
        f[udp + 4] = (byte) ((8 + payload.length) >>> 8);
        f[udp + 5] = (byte) (8 + payload.length);
        System.arraycopy(payload, 0, f, udp + 8, payload.length);
        return f;
    }
}
