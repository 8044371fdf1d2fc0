package io.weir.spark;

import io.weir.capture.Packet;
import io.weir.compiler.FilterSyntaxException;
import io.weir.flow.FlowCounter;
import io.weir.flow.FlowRecord;
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
 * The flow table for one task: every packet of the task's splits is counted into Weir's flow map (the
 * {@link FlowCounter} of {@code weir flows}, one per link type met), then each flow of the map, and each flow
 * evicted from it on the way, is one row. A flow several tasks saw comes out as one row per task:
 * {@link PcapFlows#merge} folds them by flow key.
 *
 * <p>The {@code bpf} option is the counter's filter, exactly as {@code weir flows -r FILE EXPR} applies it; the
 * reader's own filter and SQL pushdown do not apply to flows.
 */
final class FlowPartitionReader implements PartitionReader<InternalRow> {
    private final PacketStream stream;
    private final PcapOptions options;
    /** For each selected column, its index in the full flow row. */
    private final int[] selected;
    private final Map<Integer, FlowCounter> counters = new HashMap<>();
    private final List<FlowRecord> rows = new ArrayList<>();
    private int at = -1;
    private InternalRow current;

    FlowPartitionReader(PcapPartition partition, PcapOptions options, StructType schema) {
        // The counter filters: the stream passes every packet on (no BPF plan, no time range).
        this.stream = new PacketStream(partition.splits(), options, new BpfPlan(null, null, false, false));
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
