package io.weir.flow;

import static io.weir.flow.FlowLayout.*;

import io.weir.compiler.CompileOptions;
import io.weir.compiler.FilterCompiler;
import io.weir.compiler.ebpf.CompiledFilter;
import io.weir.compiler.ebpf.EbpfCompiler;
import io.weir.compiler.FilterSyntaxException;
import io.weir.engine.Engine;
import io.weir.engine.Filter;
import io.weir.engine.ebpf.Program;
import io.weir.engine.jit.JitBackend;
import io.weir.engine.maps.BpfMap;
import io.weir.engine.maps.MapHelpers;
import io.weir.engine.maps.MapLinker;
import io.weir.engine.maps.MapSpec;
import io.weir.engine.maps.MapType;
import io.weir.engine.maps.PacketClock;
import io.weir.engine.verifier.VerifiedProgram;
import io.weir.engine.verifier.Verifier;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Counts packets into flows: the generated {@link FlowProgram}, verified and run on the JIT (or the
 * interpreter), over an {@code lru_hash} map of at most {@code maxFlows} flows. The object side of the
 * Spec/Object split: {@link Builder} holds the choices, {@link Builder#build()} compiles, verifies and makes
 * the maps.
 *
 * <p><b>Eviction.</b> The map has one spare entry, so the program's insert never makes the LRU map drop a flow
 * by itself; the program publishes each new flow's key, which the counter queues ({@link EvictionQueue}), and
 * when a new flow brings the table above {@code maxFlows} the counter removes one flow, chosen by the queue's
 * second-chance approximation of "idle longest", handing it to the eviction listener before it is gone: O(1)
 * amortised, no walk of the map. Every counted packet is thus either in the table or in an evicted record.
 *
 * <p>{@link #count} is for one thread; {@link #table()} may be read from any thread meanwhile.
 *
 * <pre>{@code
 * try (FlowCounter c = FlowCounter.builder().expression("tcp").linkType(1).build()) {
 *     c.count(frame, 0, frame.length, frame.length, tsNanos);
 *     List<FlowRecord> top = c.table().top(20, FlowRecord.Order.PACKETS.comparator());
 * }
 * }</pre>
 */
public final class FlowCounter implements AutoCloseable {
    /** The default bound on tracked flows. */
    public static final int DEFAULT_MAX_FLOWS = 262_144;

    private final Program program;
    private final VerifiedProgram verified;
    private final BpfMap flows;
    private final BpfMap frags;
    private final BpfMap newFlow;
    /** The filter's set maps (fds from {@link FlowProgram#FILTER_FD}), empty without large sets. */
    private final List<BpfMap> setMaps;
    private final EvictionQueue queue;
    private final byte[] keyScratch = new byte[KEY_SIZE];
    private final byte[] valueScratch = new byte[VALUE_SIZE];
    private static final byte[] ZERO_INDEX = new byte[4];
    private final Filter filter;
    private final FlowTable table;
    private final int maxFlows;
    private final Consumer<FlowRecord> onEvict;
    private final long[] tally = new long[Tally.values().length];
    /** The counting thread's packet clock, found once per thread rather than per packet. */
    private Thread clockThread;
    private PacketClock.Slot clock;
    /** A direct buffer's packet, copied for the program ({@link #count(ByteBuffer, int, int, int, long)}). */
    private byte[] scratch = new byte[2048];

    /** What {@link #tally} counts. */
    public enum Tally {
        /** Packets given to {@link #count}. */
        SEEN,
        /** Wire bytes of those packets. */
        SEEN_BYTES,
        /** Packets the filter accepted. */
        MATCHED,
        /** Wire bytes of those. */
        MATCHED_BYTES,
        /** Matched packets counted in a flow. */
        COUNTED,
        /** Wire bytes of those. */
        COUNTED_BYTES,
        /** Matched packets that are not IP (or whose IP header is not captured). */
        NOT_IP,
        /** Matched packets the map could not take (should stay 0). */
        LOST,
        /** Flows evicted to stay within {@code maxFlows}. */
        EVICTED
    }

    private FlowCounter(Builder o) throws FilterSyntaxException {
        // The eBPF compiler's output: large sets are map lookups, their maps linked after the counter's own.
        CompiledFilter spec = o.expression == null || o.expression.isBlank() ? null
                : EbpfCompiler.compile(o.expression, o.linkType, o.snaplen, CompileOptions.DEAD);
        Program f = spec == null ? null : spec.program(FlowProgram.FILTER_FD);
        this.program = FlowProgram.generate(f, o.linkType, o.by, o.bidirectional);
        this.verified = new Verifier(spec == null ? FlowProgram.verifierOptions()
                : spec.withMaps(FlowProgram.verifierOptions(), FlowProgram.FILTER_FD)).check(program);
        this.setMaps = spec == null ? List.of() : spec.createMaps();
        this.maxFlows = o.maxFlows;
        this.queue = new EvictionQueue(KEY_SIZE, o.maxFlows + 1);   // the map's entries: the bound and a spare
        this.flows = new MapSpec("flows", MapType.LRU_HASH, KEY_SIZE, VALUE_SIZE, o.maxFlows + 1, 0).create();
        this.frags = new MapSpec("fragments", MapType.LRU_HASH, KEY_SIZE, FRAG_VALUE_SIZE, FRAG_ENTRIES, 0).create();
        this.newFlow = new MapSpec("new_flow", MapType.ARRAY, 4, KEY_SIZE, 1, 0).create();
        List<BpfMap> all = new ArrayList<>(List.of(flows, frags, newFlow));
        all.addAll(setMaps);
        Program linked = MapLinker.link(program, all);
        // The JIT gets the verifier's facts: without them every packet read went through the checked memory and
        // each packet began by zeroing 512 stack bytes.
        this.filter = JitBackend.verified(o.engine, linked, MapHelpers.table(), verified);
        this.table = new FlowTable(List.of(flows), o.by);
        this.onEvict = o.onEvict;
    }

    /** A builder with the defaults: every packet, Ethernet, 5-tuple, bidirectional, JIT with fallback. */
    public static Builder builder() {
        return new Builder();
    }

    /** The choices of a counter. */
    public static final class Builder {
        private String expression;
        private int linkType = 1;
        private int snaplen = FilterCompiler.DEFAULT_SNAPLEN;
        private Aggregation by = Aggregation.FIVE_TUPLE;
        private boolean bidirectional = true;
        private int maxFlows = DEFAULT_MAX_FLOWS;
        private Engine engine = Engine.AUTO;
        private Consumer<FlowRecord> onEvict;

        private Builder() {}

        /** The pcap-filter expression; null or blank counts every packet. */
        public Builder expression(String expr) { this.expression = expr; return this; }

        /** The capture's link type (DLT/LINKTYPE number). */
        public Builder linkType(int lt) { this.linkType = lt; return this; }

        /** The snapshot length the filter returns. */
        public Builder snaplen(int s) { this.snaplen = s; return this; }

        /** The flow key. */
        public Builder by(Aggregation a) { this.by = a; return this; }

        /** Whether A→B and B→A are one flow (default true). */
        public Builder bidirectional(boolean b) { this.bidirectional = b; return this; }

        /** At most this many flows are tracked at once; more are evicted, oldest first. */
        public Builder maxFlows(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("--max-flows must be at least 1");
            }
            this.maxFlows = n;
            return this;
        }

        /** The engine (AUTO: the JIT, falling back to the interpreter). */
        public Builder engine(Engine e) { this.engine = e; return this; }

        /** Receives each evicted flow, on the counting thread (none: evicted flows are only counted). */
        public Builder onEvict(Consumer<FlowRecord> c) { this.onEvict = c; return this; }

        /**
         * Compiles the filter, generates and verifies the program, makes the maps.
         *
         * @throws FilterSyntaxException if the expression does not compile
         * @throws io.weir.engine.verifier.VerifierException if the program is rejected (a bug)
         */
        public FlowCounter build() throws FilterSyntaxException {
            return new FlowCounter(this);
        }

        /**
         * {@code threads} counters behind one scanner ({@link FlowWorkers}), each with {@code maxFlows / threads}
         * flows (rounded up) and the listener of this builder, called on the worker threads.
         *
         * @throws FilterSyntaxException if the expression does not compile
         */
        public FlowWorkers buildWorkers(int threads) throws FilterSyntaxException {
            if (threads < 1) {
                throw new IllegalArgumentException("--threads must be at least 1");
            }
            int whole = maxFlows;
            List<FlowCounter> parts = new ArrayList<>();
            try {
                maxFlows = (int) ((whole + (long) threads - 1) / threads);
                for (int i = 0; i < threads; i++) {
                    parts.add(new FlowCounter(this));
                }
            } catch (FilterSyntaxException | RuntimeException e) {
                parts.forEach(FlowCounter::close);
                throw e;
            } finally {
                maxFlows = whole;
            }
            return new FlowWorkers(parts, linkType, by);
        }
    }

    /**
     * Counts a packet of {@code packet[offset, offset + capLen)}; returns the program's result code
     * ({@link FlowLayout#R_COUNTED} for a packet counted in a new flow as well).
     */
    public int count(byte[] packet, int offset, int capLen, int wireLen, long timeNanos) {
        clock().set(timeNanos);
        return account((int) filter.run(packet, offset, capLen, wireLen), wireLen, timeNanos);
    }

    /**
     * Counts a packet held in a heap or direct buffer at absolute index {@code offset}. A direct buffer's packet
     * is copied into this counter's own array first (the program keeps per-run state, so the JIT would copy it
     * anyway, through a per-thread scratch array found with a {@code ThreadLocal} per packet).
     */
    public int count(ByteBuffer packet, int offset, int capLen, int wireLen, long timeNanos) {
        Filter.checkSlice(packet, offset, capLen);
        if (packet.hasArray()) {
            return count(packet.array(), packet.arrayOffset() + offset, capLen, wireLen, timeNanos);
        }
        byte[] copy = scratch;
        if (copy.length < capLen) {
            copy = scratch = new byte[Math.max(capLen, 2 * copy.length)];
        }
        packet.get(offset, copy, 0, capLen);
        return count(copy, 0, capLen, wireLen, timeNanos);
    }

    /** This thread's {@link PacketClock} slot (what {@code ktime_get_ns} reads), cached per thread. */
    private PacketClock.Slot clock() {
        Thread me = Thread.currentThread();
        if (me != clockThread) {
            clock = PacketClock.current();
            clockThread = me;
        }
        return clock;
    }

    private int account(int r, int wireLen, long timeNanos) {
        long[] t = tally;
        t[Tally.SEEN.ordinal()]++;
        t[Tally.SEEN_BYTES.ordinal()] += wireLen;
        if (r == R_NO_MATCH) {
            return r;
        }
        t[Tally.MATCHED.ordinal()]++;
        t[Tally.MATCHED_BYTES.ordinal()] += wireLen;
        if (r == R_COUNTED) {
            t[Tally.COUNTED.ordinal()]++;
            t[Tally.COUNTED_BYTES.ordinal()] += wireLen;
        } else if (r == R_NEW) {
            t[Tally.COUNTED.ordinal()]++;
            t[Tally.COUNTED_BYTES.ordinal()] += wireLen;
            newFlow.lookup(ZERO_INDEX, keyScratch);
            queue.add(keyScratch, timeNanos);
            while (flows.size() > maxFlows) {
                evictOne();
            }
            return R_COUNTED;
        } else if (r == R_NOT_IP) {
            t[Tally.NOT_IP.ordinal()]++;
        } else {
            t[Tally.LOST.ordinal()]++;
        }
        return r;
    }

    /**
     * Removes one flow: the oldest queued one that had no packet since it was queued (the others are queued
     * again with their new time). The loop ends: nothing is counted meanwhile, so a flow queued again is
     * evicted when it comes round.
     */
    private void evictOne() {
        while (queue.size() > 0) {
            long queued = queue.poll(keyScratch);
            if (!flows.lookup(keyScratch, valueScratch)) {
                continue;   // not in the map any more (cannot happen with one counting thread: defensive)
            }
            long last = FlowTable.le(valueScratch, V_LAST, 8);
            if (last != queued) {
                queue.add(keyScratch, last);
                continue;
            }
            flows.delete(keyScratch);
            tally[Tally.EVICTED.ordinal()]++;
            if (onEvict != null) {
                onEvict.accept(FlowTable.decode(keyScratch, valueScratch, table.aggregation()));
            }
            return;
        }
    }

    /** A count so far (exact on the counting thread once {@link #count} has returned). */
    public long tally(Tally which) {
        return tally[which.ordinal()];
    }

    /** The flow table (readable from any thread). */
    public FlowTable table() {
        return table;
    }

    /** The generated program (before map linking). */
    public Program program() {
        return program;
    }

    /** The verifier's result for {@link #program()}. */
    public VerifiedProgram verified() {
        return verified;
    }

    /** The flow map (the workers' table is the union of theirs). */
    BpfMap flowMap() {
        return flows;
    }

    /** The bound on tracked flows. */
    public int maxFlows() {
        return maxFlows;
    }

    @Override
    public void close() {
        PacketClock.clear();
        flows.close();
        frags.close();
        newFlow.close();
        for (BpfMap m : setMaps) {
            m.close();
        }
    }
}
