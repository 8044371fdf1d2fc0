package io.weir.spark;

import io.weir.capture.Packet;
import io.weir.compiler.FilterSyntaxException;
import io.weir.flow.Aggregation;
import io.weir.flow.FlowCounter;
import io.weir.flow.FlowHash;
import io.weir.flow.FlowRecord;
import io.weir.spark.hadoop.HadoopFiles;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.types.StructType;

/**
 * The flow table for one task: the packets of the task's flow-hash bucket ({@link FlowHash}, the same rule as
 * {@code weir flows --threads}: every packet of a flow, both directions and all fragments, lands in one bucket)
 * are counted, in file order over every split of the scan, into Weir's flow map (the {@link FlowCounter} of
 * {@code weir flows}, one per link type met); then each flow of the map, and each flow evicted from it on the
 * way, is one row. So each flow is counted whole by one task, its originator being the sender of the first
 * packet, exactly as {@code weir flows} has it: the rows need no merge. (A scan planned with one bucket per
 * split, as before, would give per-split parts: {@link PcapFlows#merge} still folds such rows.)
 *
 * <p>The {@code bpf} option is the counter's filter, exactly as {@code weir flows -r FILE EXPR} applies it; the
 * reader's own filter and SQL pushdown do not apply to flows.
 */
final class FlowPartitionReader implements PartitionReader<InternalRow> {
    private final PacketStream stream;
    private final PcapOptions options;
    /** For each selected column, its index in the full flow row. */
    private final int[] selected;
    private final int bucket;
    private final int buckets;
    private final Map<Integer, FlowCounter> counters = new HashMap<>();
    private final List<FlowRecord> rows = new ArrayList<>();
    private int at = -1;
    private InternalRow current;

    FlowPartitionReader(PcapPartition partition, PcapOptions options, StructType schema, HadoopFiles hadoop) {
        // The counter filters: the stream passes every packet on (no BPF plan, no time range).
        this.stream = new PacketStream(partition.splits(), options, new BpfPlan(null, null, false, false), hadoop);
        this.bucket = partition.bucket();
        this.buckets = partition.buckets();
        this.options = options;
        StructType full = FlowRows.schema();
        this.selected = new int[schema.fields().length];
        for (int i = 0; i < selected.length; i++) {
            selected[i] = full.fieldIndex(schema.fields()[i].name());
        }
    }

    @Override
    public boolean next() throws IOException {
        if (at < 0) {
            count();
            at = 0;
        }
        if (at >= rows.size()) {
            return false;
        }
        Object[] all = FlowRows.values(rows.get(at++));
        Object[] v = new Object[selected.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = all[selected[i]];
        }
        current = new GenericInternalRow(v);
        return true;
    }

    private void count() throws IOException {
        try {
            Packet p;
            while ((p = stream.next()) != null) {
                if (buckets > 1 && FlowHash.of(p.buffer(), p.offset(), p.capLen(), p.linkType(),
                        Aggregation.FIVE_TUPLE) % buckets != bucket) {
                    continue;   // another task's flow
                }
                counter(p.linkType()).count(p.buffer(), p.offset(), p.capLen(), p.wireLen(), p.timestampNanos());
            }
            for (FlowCounter c : counters.values()) {
                rows.addAll(c.table().snapshot());
            }
        } finally {
            for (FlowCounter c : counters.values()) {
                c.close();
            }
        }
    }

    private FlowCounter counter(int linkType) {
        FlowCounter c = counters.get(linkType);
        if (c == null) {
            try {
                c = FlowCounter.builder().expression(options.bpf).linkType(linkType).maxFlows(options.maxFlows)
                        .onEvict(rows::add).build();
            } catch (FilterSyntaxException e) {
                throw new IllegalArgumentException(e.render() + "\n(option bpf, for link type " + linkType + ")", e);
            }
            counters.put(linkType, c);
        }
        return c;
    }

    @Override
    public InternalRow get() {
        return current;
    }

    @Override
    public CustomTaskMetric[] currentMetricsValues() {
        return ReaderStats.values(stream.errors, stream.packets, stream.matched);
    }

    @Override
    public void close() throws IOException {
        ReaderStats.add(stream.errors, 0, 0, stream.packets);
        stream.close();
    }
}
