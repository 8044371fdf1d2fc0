package io.weir.spark;

import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The packet table's columns, in schema order: one table drives the schema, the reader's row builder and the
 * decision of what a query needs decoded or copied.
 */
public enum PacketColumn {
    /** Capture time, microsecond precision (Spark's timestamp). */
    TS("ts", DataTypes.TimestampType, false, false),
    /** Capture time in nanoseconds since the epoch, exact. */
    TS_NS("ts_ns", DataTypes.LongType, false, false),
    /** Captured length. */
    CAPLEN("caplen", DataTypes.IntegerType, false, false),
    /** Length on the wire. */
    LEN("len", DataTypes.IntegerType, false, false),
    /** LINKTYPE_* of the packet's interface. */
    LINKTYPE("linktype", DataTypes.IntegerType, false, false),
    /** pcapng interface id (0 for classic pcap). */
    INTERFACE_ID("interface_id", DataTypes.IntegerType, false, false),
    /** The file's path. */
    FILE("file", DataTypes.StringType, false, false),
    /** Byte offset of the packet's record or block in the file. */
    OFFSET("offset", DataTypes.LongType, false, false),
    /** The captured bytes (copied only when selected). */
    DATA("data", DataTypes.BinaryType, false, false),
    /** EtherType after VLAN tags, or SLL protocol. */
    ETH_TYPE("eth_type", DataTypes.IntegerType, true, true),
    /** Outermost VLAN id. */
    VLAN("vlan", DataTypes.IntegerType, true, true),
    /** 4 or 6. */
    IP_VERSION("ip_version", DataTypes.IntegerType, true, true),
    /** Source address as text. */
    SRC_IP("src_ip", DataTypes.StringType, true, true),
    /** Destination address as text. */
    DST_IP("dst_ip", DataTypes.StringType, true, true),
    /** Upper-layer protocol (after IPv6 extension headers). */
    IP_PROTO("ip_proto", DataTypes.IntegerType, true, true),
    /** TCP, UDP or SCTP source port (absent on later fragments). */
    SRC_PORT("src_port", DataTypes.IntegerType, true, true),
    /** TCP, UDP or SCTP destination port (absent on later fragments). */
    DST_PORT("dst_port", DataTypes.IntegerType, true, true),
    /** TCP flags byte. */
    TCP_FLAGS("tcp_flags", DataTypes.IntegerType, true, true),
    /** Community ID v1, seed 0. */
    COMMUNITY_ID("community_id", DataTypes.StringType, true, true);

    private static final PacketColumn[] ALL = values();

    private final String label;
    private final DataType type;
    private final boolean nullable;
    private final boolean decoded;

    PacketColumn(String label, DataType type, boolean nullable, boolean decoded) {
        this.label = label;
        this.type = type;
        this.nullable = nullable;
        this.decoded = decoded;
    }

    /** The column's name in the schema. */
    public String label() {
        return label;
    }

    /** Whether its value comes from {@link io.weir.spark.decode.PacketDecoder}. */
    public boolean decoded() {
        return decoded;
    }

    /** The column of a schema field name (case-insensitive), or {@code null}. */
    public static PacketColumn of(String name) {
        for (PacketColumn c : ALL) {
            if (c.label.equalsIgnoreCase(name)) {
                return c;
            }
        }
        return null;
    }

    /** The packet table's schema. */
    public static StructType schema() {
        StructField[] f = new StructField[ALL.length];
        for (int i = 0; i < ALL.length; i++) {
            f[i] = DataTypes.createStructField(ALL[i].label, ALL[i].type, ALL[i].nullable);
        }
        return DataTypes.createStructType(f);
    }

    /** The columns of {@code schema} (a pruned packet schema), in its order. */
    static PacketColumn[] columnsOf(StructType schema) {
        StructField[] fields = schema.fields();
        PacketColumn[] out = new PacketColumn[fields.length];
        for (int i = 0; i < fields.length; i++) {
            out[i] = of(fields[i].name());
            if (out[i] == null) {
                throw new IllegalArgumentException("the packet table has no column '" + fields[i].name() + "'");
            }
        }
        return out;
    }
}
