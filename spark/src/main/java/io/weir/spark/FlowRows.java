package io.weir.spark;

import io.weir.flow.FlowRecord;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The flow table's columns: those of {@code weir flows --json} (Zeek conn.log names, Community ID), then the
 * exact values behind them ({@code first_ns}, {@code last_ns}, the protocol and flag numbers, the address
 * family) that {@link PcapFlows#merge} needs to fold the parts of a flow that several tasks saw.
 */
final class FlowRows {
    /** Name, type, nullable: in schema order. */
    private static final Object[][] COLUMNS = {
        {"ts", DataTypes.TimestampType, false},
        {"duration", DataTypes.DoubleType, false},
        {"id.orig_h", DataTypes.StringType, false},
        {"id.orig_p", DataTypes.IntegerType, false},
        {"id.resp_h", DataTypes.StringType, false},
        {"id.resp_p", DataTypes.IntegerType, false},
        {"proto", DataTypes.StringType, false},
        {"vlan", DataTypes.IntegerType, false},
        {"orig_pkts", DataTypes.LongType, false},
        {"resp_pkts", DataTypes.LongType, false},
        {"orig_ip_bytes", DataTypes.LongType, false},
        {"resp_ip_bytes", DataTypes.LongType, false},
        {"orig_wire_bytes", DataTypes.LongType, false},
        {"resp_wire_bytes", DataTypes.LongType, false},
        {"tcp_flags", DataTypes.StringType, false},
        {"orig_tcp_flags", DataTypes.StringType, false},
        {"resp_tcp_flags", DataTypes.StringType, false},
        {"community_id", DataTypes.StringType, true},
        {"first_ns", DataTypes.LongType, false},
        {"last_ns", DataTypes.LongType, false},
        {"ip_proto", DataTypes.IntegerType, false},
        {"orig_flags", DataTypes.IntegerType, false},
        {"resp_flags", DataTypes.IntegerType, false},
        {"family", DataTypes.IntegerType, false},
    };

    private FlowRows() {}

    /** The flow table's schema. */
    static StructType schema() {
        StructField[] f = new StructField[COLUMNS.length];
        for (int i = 0; i < COLUMNS.length; i++) {
            f[i] = DataTypes.createStructField((String) COLUMNS[i][0], (DataType) COLUMNS[i][1],
                    (Boolean) COLUMNS[i][2]);
        }
        return DataTypes.createStructType(f);
    }

    /** The values of a flow's row, every column in schema order. */
    static Object[] values(FlowRecord r) {
        String cid = r.communityId();
        Object[] v = {
            Math.floorDiv(r.firstNanos(), 1000L),
            r.durationNanos() / 1e9,
            utf8(r.origHost()),
            r.origPort(),
            utf8(r.respHost()),
            r.respPort(),
            utf8(r.protoName()),
            r.vlan(),
            r.origPkts(),
            r.respPkts(),
            r.origIpBytes(),
            r.respIpBytes(),
            r.origWire(),
            r.respWire(),
            utf8(FlowRecord.flagLetters(r.tcpFlags())),
            utf8(FlowRecord.flagLetters(r.origFlags())),
            utf8(FlowRecord.flagLetters(r.respFlags())),
            cid.isEmpty() ? null : utf8(cid),
            r.firstNanos(),
            r.lastNanos(),
            r.proto(),
            r.origFlags(),
            r.respFlags(),
            r.family(),
        };
        return v;
    }

    private static UTF8String utf8(String s) {
        return UTF8String.fromString(s);
    }
}
