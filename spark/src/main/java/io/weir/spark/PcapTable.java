package io.weir.spark;

import java.util.EnumSet;
import java.util.Set;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/** The capture files of one {@code load()}: packets or flows, read in batch. */
final class PcapTable implements SupportsRead {
    private final PcapOptions options;
    private final StructType schema;

    PcapTable(PcapOptions options) {
        this.options = options;
        this.schema = schemaOf(options);
    }

    static StructType schemaOf(PcapOptions options) {
        return options.output == PcapOptions.Output.FLOWS ? FlowRows.schema() : PacketColumn.schema();
    }

    @Override
    public String name() {
        return "pcap " + String.join(", ", options.paths);
    }

    @Override
    @SuppressWarnings("deprecation")
    public StructType schema() {
        return schema;
    }

    @Override
    public Set<TableCapability> capabilities() {
        return EnumSet.of(TableCapability.BATCH_READ);
    }

    @Override
    public ScanBuilder newScanBuilder(CaseInsensitiveStringMap scanOptions) {
        return new PcapScanBuilder(options, schema);
    }
}
