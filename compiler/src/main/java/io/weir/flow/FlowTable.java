package io.weir.flow;

import static io.weir.flow.FlowLayout.*;

import io.weir.engine.maps.BpfMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A read view of the flow map, safe to use from any thread while a {@link FlowCounter} is counting (map lookups
 * take no lock; a walk sees every flow that stays in the map during the walk once, and its counters as they are
 * when it is read). Nothing here changes the map. With worker threads ({@link FlowWorkers}) the table is the
 * union of the workers' maps: each flow lives in exactly one of them.
 *
 * <pre>{@code
 * FlowTable t = counter.table();
 * for (FlowRecord r : t.top(20, FlowRecord.Order.PACKETS.comparator())) { ... }
 * }</pre>
 */
public final class FlowTable {
    private final List<BpfMap> maps;
    private final Aggregation by;

    FlowTable(List<BpfMap> maps, Aggregation by) {
        this.maps = List.copyOf(maps);
        this.by = by;
    }

    /** The flows now in the table. */
    public int size() {
        int n = 0;
        for (BpfMap m : maps) {
            n += m.size();
        }
        return n;
    }

    private void forEach(BpfMap.EntryVisitor v) {
        for (BpfMap m : maps) {
            m.forEach(v);
        }
    }

    /** What the flows are keyed by. */
    public Aggregation aggregation() {
        return by;
    }

    /** Every flow now in the table, in map order. */
    public List<FlowRecord> snapshot() {
        List<FlowRecord> out = new ArrayList<>(size());
        forEach((k, v) -> out.add(decode(k, v, by)));
        return out;
    }

    /** The first {@code n} flows in {@code order} (decodes every flow: for a custom order). */
    public List<FlowRecord> top(int n, Comparator<FlowRecord> order) {
        List<FlowRecord> all = snapshot();
        all.sort(order);
        return all.size() <= n ? all : new ArrayList<>(all.subList(0, n));
    }

    private record Candidate(double metric, long first, byte[] key, byte[] value) {}

    /**
     * The first {@code n} flows in {@code order}: one walk reading the sort figure from the raw values into a
     * bounded heap, so only the {@code n} winners are decoded (a table of a million flows costs no million
     * objects). Ties: the earlier first packet, then the key's bytes.
     */
    public List<FlowRecord> top(int n, FlowRecord.Order order) {
        if (n <= 0) {
            return List.of();
        }
        Comparator<Candidate> worstFirst = Comparator.comparingDouble(Candidate::metric)
                .thenComparing(Comparator.comparingLong(Candidate::first).reversed())
                .thenComparing((x, y) -> Arrays.compareUnsigned(y.key(), x.key()));
        PriorityQueue<Candidate> heap = new PriorityQueue<>(n + 1, worstFirst);
        forEach((k, v) -> {
            long first = le(v, V_FIRST, 8);
            double metric = metric(order, v, first);
            if (heap.size() < n) {
                heap.add(new Candidate(metric, first, k.clone(), v.clone()));
            } else {
                Candidate worst = heap.peek();
                Candidate c = new Candidate(metric, first, k, v);
                if (worstFirst.compare(c, worst) > 0) {
                    heap.poll();
                    heap.add(new Candidate(metric, first, k.clone(), v.clone()));
                }
            }
        });
        List<Candidate> best = new ArrayList<>(heap);
        best.sort(worstFirst.reversed());
        List<FlowRecord> out = new ArrayList<>(best.size());
        for (Candidate c : best) {
            out.add(decode(c.key(), c.value(), by));
        }
        return out;
    }

    private static double metric(FlowRecord.Order order, byte[] v, long first) {
        long bytes = le(v, V_IP_BYTES, 8) + le(v, V_IP_BYTES + 8, 8);
        long duration = le(v, V_LAST, 8) - first;
        return switch (order) {
            case PACKETS -> le(v, V_PACKETS, 8) + le(v, V_PACKETS + 8, 8);
            case BYTES -> bytes;
            case DURATION -> duration;
            case RATE -> duration <= 0 ? 0 : bytes * 1e9 / duration;
        };
    }

    /** The flow of a raw map key and value (layout: {@link FlowLayout}) of a map keyed {@code by}. */
    public static FlowRecord decode(byte[] k, byte[] v, Aggregation by) {
        int family = k[K_FAMILY] & 0xff;
        int len = family == 4 ? 4 : family == 6 ? 16 : 0;
        byte[] a = Arrays.copyOfRange(k, K_ADDR_A, K_ADDR_A + len);
        byte[] bAddr = Arrays.copyOfRange(k, K_ADDR_B, K_ADDR_B + len);
        if (by == Aggregation.SRC || by == Aggregation.DST) {
            bAddr = new byte[0];
        }
        int portA = (k[K_PORT_A] & 0xff) << 8 | (k[K_PORT_A + 1] & 0xff);
        int portB = (k[K_PORT_B] & 0xff) << 8 | (k[K_PORT_B + 1] & 0xff);
        int vlan = (k[K_VLAN] & 0xff) | (k[K_VLAN + 1] & 0xff) << 8;
        int o = (int) le(v, V_ORIG, 4) == 0 ? 0 : 1;
        int r = 1 - o;
        byte[] origAddr = o == 0 ? a : bAddr;
        byte[] respAddr = o == 0 ? bAddr : a;
        return new FlowRecord(family, k[K_PROTO] & 0xff, vlan, origAddr, o == 0 ? portA : portB, respAddr,
                o == 0 ? portB : portA,
                le(v, V_PACKETS + 8 * o, 8), le(v, V_PACKETS + 8 * r, 8),
                le(v, V_IP_BYTES + 8 * o, 8), le(v, V_IP_BYTES + 8 * r, 8),
                le(v, V_WIRE_BYTES + 8 * o, 8), le(v, V_WIRE_BYTES + 8 * r, 8),
                (int) le(v, V_FLAGS + 4 * o, 4), (int) le(v, V_FLAGS + 4 * r, 4),
                le(v, V_FIRST, 8), le(v, V_LAST, 8));
    }

    static long le(byte[] b, int at, int n) {
        long x = 0;
        for (int i = n - 1; i >= 0; i--) {
            x = x << 8 | (b[at + i] & 0xff);
        }
        return x;
    }
}
