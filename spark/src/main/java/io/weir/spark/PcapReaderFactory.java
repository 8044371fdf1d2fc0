package io.weir.spark;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.types.StructType;

/**
 * Shipped to the executors with each task: the options, the filter plan (programs as bytes) and the selected
 * columns; makes the task's reader.
 */
final class PcapReaderFactory implements PartitionReaderFactory {
    private static final long serialVersionUID = 1L;

    private final PcapOptions options;
    private final BpfPlan plan;
    private final StructType schema;
    private final long limit;

    PcapReaderFactory(PcapOptions options, BpfPlan plan, StructType schema, long limit) {
        this.options = options;
        this.plan = plan;
        this.schema = schema;
        this.limit = limit;
    }

    @Override
    public PartitionReader<InternalRow> createReader(InputPartition partition) {
        PcapPartition p = (PcapPartition) partition;
        if (options.output == PcapOptions.Output.FLOWS) {
            return new FlowPartitionReader(p, options, schema);
        }
        return new PacketPartitionReader(p, options, plan, PacketColumn.columnsOf(schema), limit);
    }
}
