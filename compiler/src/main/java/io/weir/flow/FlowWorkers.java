package io.weir.flow;

import io.weir.engine.maps.BpfMap;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Counting on several threads: the caller is the one sequential scanner (a pcap has no sync markers to split on),
 * and {@link #count} copies each packet into a batch of the worker its flow hash names ({@link FlowHash}); each
 * worker runs its own {@link FlowCounter} (its own program instance and maps, {@code maxFlows / threads} flows
 * each, rounded up). Every packet of a flow goes to one worker, so the counts are exact whatever the thread
 * count; the table ({@link #table()}) is the union of the workers' maps, readable while counting.
 *
 * <p>Batches ({@value #BATCH} packets) circulate between a full and a free queue per worker: nothing is
 * allocated per packet. {@link #finish()} hands over the last batches and waits for the workers; tallies and
 * the table are final after it. Eviction listeners run on the worker threads (the caller's listener must be
 * thread-safe).
 */
public final class FlowWorkers implements AutoCloseable {
    static final int BATCH = 256;
    private static final int BATCHES_PER_WORKER = 4;

    private final FlowCounter[] counters;
    private final Worker[] workers;
    private final int linkType;
    private final Aggregation by;
    private final FlowTable table;
    private volatile Throwable failure;

    /** A batch of copied packets. */
    private static final class Batch {
        byte[] data = new byte[BATCH * 2048];
        final int[] offsets = new int[BATCH];
        final int[] capLens = new int[BATCH];
        final int[] wireLens = new int[BATCH];
        final long[] times = new long[BATCH];
        int n;
        int used;
        boolean last;

        void add(ByteBuffer p, int off, int capLen, int wireLen, long time) {
            if (used + capLen > data.length) {
                byte[] d = new byte[Math.max(2 * data.length, used + capLen)];
                System.arraycopy(data, 0, d, 0, used);
                data = d;
            }
            p.get(off, data, used, capLen);
            offsets[n] = used;
            capLens[n] = capLen;
            wireLens[n] = wireLen;
            times[n] = time;
            used += capLen;
            n++;
        }
    }

    private final class Worker extends Thread {
        final FlowCounter counter;
        final BlockingQueue<Batch> full = new ArrayBlockingQueue<>(BATCHES_PER_WORKER);
        final BlockingQueue<Batch> free = new ArrayBlockingQueue<>(BATCHES_PER_WORKER);
        Batch current;

        Worker(FlowCounter counter, int index) {
            super("weir-flows-" + index);
            setDaemon(true);
            this.counter = counter;
            for (int i = 0; i < BATCHES_PER_WORKER - 1; i++) {
                free.add(new Batch());
            }
            current = new Batch();
        }

        @Override
        public void run() {
            try {
                for (;;) {
                    Batch b = full.take();
                    for (int i = 0; i < b.n; i++) {
                        counter.count(b.data, b.offsets[i], b.capLens[i], b.wireLens[i], b.times[i]);
                    }
                    boolean last = b.last;
                    b.n = 0;
                    b.used = 0;
                    free.put(b);
                    if (last) {
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException | Error e) {
                failure = e;   // the scanner sees it at its next packet or hand-over
            }
        }

        /** Queues a full batch and takes a free one, checking now and then that the worker is still alive. */
        void hand(Batch b) {
            try {
                while (!full.offer(b, 50, TimeUnit.MILLISECONDS)) {
                    checkFailure();
                }
                Batch next;
                while ((next = free.poll(50, TimeUnit.MILLISECONDS)) == null) {
                    checkFailure();
                }
                current = next;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while handing packets to a worker", e);
            }
        }
    }

    FlowWorkers(List<FlowCounter> counters, int linkType, Aggregation by) {
        this.counters = counters.toArray(new FlowCounter[0]);
        this.linkType = linkType;
        this.by = by;
        this.workers = new Worker[this.counters.length];
        List<BpfMap> maps = new ArrayList<>();
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(this.counters[i], i);
            maps.add(this.counters[i].flowMap());
        }
        this.table = new FlowTable(maps, by);
        for (Worker w : workers) {
            w.start();
        }
    }

    /** The number of workers. */
    public int threads() {
        return workers.length;
    }

    /** Hands a packet held in a buffer at absolute index {@code offset} to its flow's worker (copied). */
    public void count(ByteBuffer packet, int offset, int capLen, int wireLen, long timeNanos) {
        checkFailure();
        int w = workers.length == 1 ? 0 : FlowHash.of(packet, offset, capLen, linkType, by) % workers.length;
        Worker worker = workers[w];
        Batch b = worker.current;
        b.add(packet, offset, capLen, wireLen, timeNanos);
        if (b.n == BATCH) {
            worker.hand(b);
        }
    }

    /** Hands the last batches over and waits for every worker; tallies and table are final after it. */
    public void finish() {
        for (Worker w : workers) {
            if (w.isAlive()) {
                w.current.last = true;
                w.hand(w.current);
            }
        }
        for (Worker w : workers) {
            try {
                w.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the flow workers", e);
            }
        }
        checkFailure();
    }

    private void checkFailure() {
        Throwable t = failure;
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
    }

    /** A tally summed over the workers (final after {@link #finish()}). */
    public long tally(FlowCounter.Tally which) {
        long n = 0;
        for (FlowCounter c : counters) {
            n += c.tally(which);
        }
        return n;
    }

    /** The union of the workers' tables (readable from any thread). */
    public FlowTable table() {
        return table;
    }

    @Override
    public void close() {
        for (Worker w : workers) {
            w.interrupt();
        }
        for (FlowCounter c : counters) {
            c.close();
        }
    }
}
