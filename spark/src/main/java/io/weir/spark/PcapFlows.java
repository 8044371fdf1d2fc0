package io.weir.spark;

import static org.apache.spark.sql.functions.expr;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Flows of capture files, and the folding of flow rows that describe parts of the same flow.
 *
 * <p>{@code option("output", "flows")} alone gives whole flows: each task counts one flow-hash bucket over every
 * split ({@link FlowPartitionReader}). {@link #merge} is for rows that are parts of one flow: the union of two
 * reads (yesterday's files and today's), or flow rows from elsewhere with these columns. It groups rows by the
 * flow's key with Spark's aggregation (a shuffle by key, partial aggregation on the map side): the key is the protocol, VLAN and the two endpoints in a fixed order, so a part
 * whose first packet went the other way joins too; packet, byte and flag counters are summed per direction of
 * that fixed order, {@code first_ns} is the minimum, {@code last_ns} the maximum, and the originator, protocol
 * name and Community ID are those of the part with the earliest first packet. The result has the same columns,
 * so merging again changes nothing.
 *
 * <pre>{@code
 * Dataset<Row> flows = PcapFlows.load(spark.read().option("bpf", "tcp"), "captures/");
 * }</pre>
 */
public final class PcapFlows {
    private PcapFlows() {}

    /** Reads {@code paths} as flows with {@code reader}'s options: whole flows, one row each. */
    public static Dataset<Row> load(DataFrameReader reader, String... paths) {
        return reader.format(PcapDataSource.SHORT_NAME).option("output", "flows").load(paths);
    }

    /** Folds rows of the same flow into one (see the class comment). */
    public static Dataset<Row> merge(Dataset<Row> parts) {
        Dataset<Row> keyed = parts
                .withColumn("_o", expr("named_struct('h', `id.orig_h`, 'p', `id.orig_p`)"))
                .withColumn("_r", expr("named_struct('h', `id.resp_h`, 'p', `id.resp_p`)"))
                .withColumn("_oa", expr("_o <= _r"))
                .withColumn("_a", expr("least(_o, _r)"))
                .withColumn("_b", expr("greatest(_o, _r)"));
        Dataset<Row> folded = keyed.groupBy(expr("family"), expr("ip_proto"), expr("vlan"), expr("_a"), expr("_b"))
                .agg(expr("min(first_ns)").as("first_ns"), expr("max(last_ns)").as("last_ns"),
                        expr("min_by(named_struct('o', _o, 'r', _r, 'oa', _oa, 'proto', proto, 'cid', community_id),"
                                + " first_ns)").as("_first"),
                        directional("pkts", "orig_pkts", "resp_pkts", "sum"),
                        reverse("pkts", "orig_pkts", "resp_pkts", "sum"),
                        directional("ip", "orig_ip_bytes", "resp_ip_bytes", "sum"),
                        reverse("ip", "orig_ip_bytes", "resp_ip_bytes", "sum"),
                        directional("wire", "orig_wire_bytes", "resp_wire_bytes", "sum"),
                        reverse("wire", "orig_wire_bytes", "resp_wire_bytes", "sum"),
                        directional("flags", "orig_flags", "resp_flags", "bit_or"),
                        reverse("flags", "orig_flags", "resp_flags", "bit_or"));
        String o = "_first.oa";
        return folded.select(
                expr("timestamp_micros(div(first_ns, 1000))").as("ts"),
                expr("(last_ns - first_ns) / 1e9").as("duration"),
                expr("_first.o.h").as("id.orig_h"),
                expr("_first.o.p").as("id.orig_p"),
                expr("_first.r.h").as("id.resp_h"),
                expr("_first.r.p").as("id.resp_p"),
                expr("_first.proto").as("proto"),
                expr("vlan"),
                pick(o, "_ab_pkts", "_ba_pkts").as("orig_pkts"),
                pick(o, "_ba_pkts", "_ab_pkts").as("resp_pkts"),
                pick(o, "_ab_ip", "_ba_ip").as("orig_ip_bytes"),
                pick(o, "_ba_ip", "_ab_ip").as("resp_ip_bytes"),
                pick(o, "_ab_wire", "_ba_wire").as("orig_wire_bytes"),
                pick(o, "_ba_wire", "_ab_wire").as("resp_wire_bytes"),
                expr(letters("(_ab_flags | _ba_flags)")).as("tcp_flags"),
                expr(letters("if(" + o + ", _ab_flags, _ba_flags)")).as("orig_tcp_flags"),
                expr(letters("if(" + o + ", _ba_flags, _ab_flags)")).as("resp_tcp_flags"),
                expr("_first.cid").as("community_id"),
                expr("first_ns"),
                expr("last_ns"),
                expr("ip_proto"),
                pick(o, "_ab_flags", "_ba_flags").cast("int").as("orig_flags"),
                pick(o, "_ba_flags", "_ab_flags").cast("int").as("resp_flags"),
                expr("family"));
    }

    /** Sum (or OR) of a counter in the direction from endpoint a to endpoint b. */
    private static Column directional(String name, String orig, String resp, String fn) {
        return expr(fn + "(if(_oa, " + orig + ", " + resp + "))").as("_ab_" + name);
    }

    /** The same from b to a. */
    private static Column reverse(String name, String orig, String resp, String fn) {
        return expr(fn + "(if(_oa, " + resp + ", " + orig + "))").as("_ba_" + name);
    }

    private static Column pick(String cond, String then, String otherwise) {
        return expr("if(" + cond + ", " + then + ", " + otherwise + ")");
    }

    /** tcpdump's flag letters (F S R P . U E W), as {@code FlowRecord.flagLetters} writes them, in SQL. */
    private static String letters(String f) {
        String bits = "FSRP.UEW";
        StringBuilder s = new StringBuilder("concat(");
        for (int i = 0; i < 8; i++) {
            s.append(i == 0 ? "" : ", ").append("if((").append(f).append(" & ").append(1 << i).append(") != 0, '")
                    .append(bits.charAt(i)).append("', '')");
        }
        return s.append(')').toString();
    }
}
