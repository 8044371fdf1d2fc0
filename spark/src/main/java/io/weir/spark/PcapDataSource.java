package io.weir.spark;

import java.util.Map;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableProvider;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.sources.DataSourceRegister;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * The {@code pcap} data source: classic pcap and pcapng files (gzip too) as a packet table, or as flows with
 * {@code option("output", "flows")}. Registered under its short name through
 * {@code META-INF/services/org.apache.spark.sql.sources.DataSourceRegister}.
 *
 * <pre>{@code
 * spark.read().format("pcap").option("bpf", "tcp dst port 443").load("captures/2026/*\/*.pcap*")
 * }</pre>
 *
 * See {@link PcapOptions} for the options and {@link PacketColumn} for the schema.
 */
public final class PcapDataSource implements TableProvider, DataSourceRegister {
    /** The short name {@code format()} takes. */
    public static final String SHORT_NAME = "pcap";

    /** Spark makes it by reflection. */
    public PcapDataSource() {}

    @Override
    public String shortName() {
        return SHORT_NAME;
    }

    @Override
    public StructType inferSchema(CaseInsensitiveStringMap options) {
        return PcapTable.schemaOf(PcapOptions.parse(options));
    }

    @Override
    public Table getTable(StructType schema, Transform[] partitioning, Map<String, String> properties) {
        return new PcapTable(PcapOptions.parse(new CaseInsensitiveStringMap(properties)));
    }
}
