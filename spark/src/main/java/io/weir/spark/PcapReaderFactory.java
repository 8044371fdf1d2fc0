package io.weir.spark;

import io.weir.spark.hadoop.HadoopFiles;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * Shipped to the executors with each task: the options, the filter plan (programs as bytes), the selected
 * columns and (for Hadoop paths) the Hadoop configuration; makes the task's reader.
 */
final class PcapReaderFactory implements PartitionReaderFactory {
    private static final long serialVersionUID = 1L;

    private final PcapOptions options;
    private final BpfPlan plan;
    private final StructType schema;
    private final long limit;
    private final HadoopFiles hadoop;
    private final boolean columnar;

    PcapReaderFactory(PcapOptions options, BpfPlan plan, StructType schema, long limit, HadoopFiles hadoop) {
        this.options = options;
        this.columnar = options.columnar;
        this.hadoop = hadoop;
        this.plan = plan;
        this.schema = schema;
        this.limit = limit;
    }

    /** Packets without {@code data} go in columnar batches ({@link PacketBatchReader}); flows and data by rows. */
    @Override
    public boolean supportColumnarReads(InputPartition partition) {
        return options.output == PcapOptions.Output.PACKETS && columnar && PacketBatchReader.supports(schema);
    }

    @Override
    public PartitionReader<ColumnarBatch> createColumnarReader(InputPartition partition) {
        return new PacketBatchReader((PcapPartition) partition, options, plan, schema, limit, hadoop);
    }

    @Override
    public PartitionReader<InternalRow> createReader(InputPartition partition) {
        PcapPartition p = (PcapPartition) partition;
        if (options.output == PcapOptions.Output.FLOWS) {
            return new FlowPartitionReader(p, options, schema, hadoop);
        }
        return new PacketPartitionReader(p, options, plan, PacketColumn.columnsOf(schema), limit, hadoop);
    }
}
