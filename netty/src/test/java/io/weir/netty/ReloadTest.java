package io.weir.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Reloading the filter while several threads push messages through the same (shared) handler. */
class ReloadTest extends LeakCheckedTest {
    private static final int THREADS = 3;
    private static final int PER_THREAD = 20_000;

    @Test
    void noMessageIsLostOrCountedTwice() throws Exception {
        CompiledFilter udp = CompiledFilter.expression("udp", LinkTypes.EN10MB);
        CompiledFilter tcp = CompiledFilter.expression("tcp", LinkTypes.EN10MB);
        BpfFilterHandler h = BpfFilterHandler.builder().filter(udp).build();
        byte[] u = Frames.ether(Frames.udp("10.0.0.1", "10.0.0.2", 1, 2, "x"));
        byte[] t = Frames.ether(Frames.tcp("10.0.0.1", "10.0.0.2", 1, 2));
        AtomicBoolean running = new AtomicBoolean(true);
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);
        try {
            List<Future<long[]>> senders = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                senders.add(pool.submit(() -> {
                    // One channel per thread: the handler is @Sharable, EmbeddedChannel is single-threaded.
                    EmbeddedChannel ch = new EmbeddedChannel(h);
                    long received = 0;
                    long released = 0;
                    start.await();
                    for (int n = 0; n < PER_THREAD; n++) {
                        ByteBuf b = PooledByteBufAllocator.DEFAULT.heapBuffer().writeBytes((n & 1) == 0 ? u : t);
                        ch.writeInbound(b);
                        ByteBuf out = ch.readInbound();
                        if (out != null) {
                            received++;
                            out.release();
                        } else if (b.refCnt() == 0) {
                            released++;
                        }
                    }
                    assertFalse(ch.finish());
                    return new long[] {received, released};
                }));
            }
            Future<Integer> reloader = pool.submit(() -> {
                start.await();
                int reloads = 0;
                while (running.get()) {
                    assertSame(reloads % 2 == 0 ? udp : tcp, h.reload(reloads % 2 == 0 ? tcp : udp));
                    reloads++;
                    java.util.concurrent.locks.LockSupport.parkNanos(20_000);   // leave the cores to the senders
                }
                return reloads;
            });
            start.countDown();
            long received = 0;
            long released = 0;
            for (Future<long[]> f : senders) {
                long[] r = f.get(60, TimeUnit.SECONDS);
                received += r[0];
                released += r[1];
            }
            running.set(false);
            int reloads = reloader.get(10, TimeUnit.SECONDS);
            long total = (long) THREADS * PER_THREAD;
            assertEquals(total, received + released, "every message passed or released");
            assertEquals(total, h.matched() + h.missed(), "every message counted once");
            assertEquals(received, h.passed());
            assertEquals(released, h.dropped());
            assertEquals(h.matched(), h.passed(), "matches pass, misses drop, whichever filter judged them");
            System.out.println("reload test: " + reloads + " reloads during " + total + " messages");
        } finally {
            pool.shutdownNow();
        }
        // After the last swap, verdicts are exactly the new filter's.
        h.reload(tcp);
        EmbeddedChannel ch = new EmbeddedChannel(h);
        long before = h.matched();
        ch.writeInbound(PooledByteBufAllocator.DEFAULT.heapBuffer().writeBytes(u));
        ch.writeInbound(PooledByteBufAllocator.DEFAULT.heapBuffer().writeBytes(t));
        ((ByteBuf) ch.readInbound()).release();
        assertEquals(before + 1, h.matched());
        assertFalse(ch.finish());
    }

    @Test
    void reloadByExpressionKeepsTheLinkType() throws Exception {
        BpfFilterHandler h = BpfFilterHandler.builder().linkType(LinkTypes.RAW).expression("udp").build();
        CompiledFilter old = h.reload("tcp");
        assertEquals("udp", old.toString());
        assertEquals(LinkTypes.RAW, h.filter().linkType());
        assertEquals("tcp", h.filter().toString());
    }
}
