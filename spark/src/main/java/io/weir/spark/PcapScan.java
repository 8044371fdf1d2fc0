package io.weir.spark;

import io.weir.spark.hadoop.HadoopFiles;
import java.util.List;
import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.types.StructType;

/**
 * A planned read of capture files: the selected columns, the filter and the pushed predicates. As a
 * {@link Batch} it lists and splits the files (once, on first use) and ships the reader factory.
 * {@link #description()} is what {@code explain()} shows after {@code BatchScan}.
 */
final class PcapScan implements Scan, Batch {
    private final PcapOptions options;
    private final BpfPlan plan;
    private final StructType schema;
    private final long limit;
    private final HadoopFiles hadoop;
    private final int parallelism;
    private List<PcapPartition> partitions;

    /**
     * @param hadoop      the Hadoop configuration's holder, when a path goes through Hadoop (else {@code null})
     * @param parallelism Spark's default parallelism: the most flow-hash buckets a flows scan uses by default
     */
    PcapScan(PcapOptions options, BpfPlan plan, StructType schema, long limit, HadoopFiles hadoop, int parallelism) {
        this.options = options;
        this.hadoop = hadoop;
        this.parallelism = parallelism;
        this.plan = plan;
        this.schema = schema;
        this.limit = limit;
    }

    @Override
    public StructType readSchema() {
        return schema;
    }

    @Override
    public String description() {
        StringBuilder s = new StringBuilder("pcap [");
        s.append(options.output == PcapOptions.Output.FLOWS ? "flows" : "packets");
        String filter = options.output == PcapOptions.Output.FLOWS
                ? (options.bpf == null ? "" : "bpf: " + options.bpf) : plan.describe();
        if (!filter.isEmpty()) {
            s.append(", ").append(filter);
        }
        s.append(", split: ").append(options.split).append('/').append(options.splitSize);
        if (options.output == PcapOptions.Output.FLOWS && partitions != null) {
            s.append(", flow buckets: ").append(partitions.size());
        }
        if (limit != Long.MAX_VALUE) {
            s.append(", limit: ").append(limit);
        }
        s.append(", paths: ").append(String.join(", ", options.paths)).append(']');
        return s.toString();
    }

    @Override
    public Batch toBatch() {
        return this;
    }

    @Override
    public InputPartition[] planInputPartitions() {
        if (partitions == null) {
            List<PcapPartition> planned = ScanPlanner.plan(options, plan, hadoop);
            partitions = options.output == PcapOptions.Output.FLOWS
                    ? ScanPlanner.flowBuckets(planned, options.flowPartitions > 0 ? options.flowPartitions
                            : Math.min(parallelism, planned.size()))
                    : planned;
        }
        return partitions.toArray(new InputPartition[0]);
    }

    @Override
    public PartitionReaderFactory createReaderFactory() {
        planInputPartitions();   // compiles the programs the factory ships
        return new PcapReaderFactory(options, plan, schema, limit, hadoop);
    }

    @Override
    public CustomMetric[] supportedCustomMetrics() {
        return ReaderStats.metrics();
    }
}
