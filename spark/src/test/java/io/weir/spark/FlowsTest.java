package io.weir.spark;

import static io.weir.spark.SparkTests.pcap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.capture.Packet;
import io.weir.capture.PcapReader;
import io.weir.flow.FlowCounter;
import io.weir.flow.FlowRecord;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * {@code format("pcap").option("output", "flows")} alone equals {@code weir flows} (the same {@link FlowCounter}
 * over the whole file, in one process) row for row: every counter, both directions, the originator (sender of
 * the first packet), first and last times, flags, Community ID; fragments included. At every split size and
 * number of flow-hash tasks; and {@link PcapFlows#merge} of such rows changes nothing.
 */
class FlowsTest {
    /** Split size, flow tasks ("" = the planner's choice), tasks expected ({@code 0}: not checked). */
    private static final String[][] CASES = {
        {"none", "", "1"},
        {"3000007", "", "2"},            // local[2]: at most the default parallelism
        {"7340033", "3", "3"},
        {"32m", "1", "1"},
        {"3000007", "5", "5"},
    };

    private static Path capture() {
        return SparkTests.generated("flows.pcap", 60_000, 5, "ether", "pcap", ByteOrder.LITTLE_ENDIAN, 200);
    }

    /** {@code weir flows -r FILE [EXPR]}: the flows of one counter over the whole file, by flow id. */
    static Map<String, FlowRecord> weirFlows(Path f, String expr) throws Exception {
        Map<String, FlowRecord> want = new HashMap<>();
        try (PcapReader r = PcapReader.open(f);
                FlowCounter c = FlowCounter.builder().expression(expr).linkType(r.linkType()).build()) {
            while (r.next()) {
                Packet p = r.packet();
                c.count(p.buffer(), p.offset(), p.capLen(), p.wireLen(), p.timestampNanos());
            }
            for (FlowRecord rec : c.table().snapshot()) {
                want.put(rec.id(), rec);
            }
        }
        return want;
    }

    @Test
    void flowsFromTheSourceEqualWeirFlowsRowForRow() throws Exception {
        Path f = capture();
        Map<String, FlowRecord> want = weirFlows(f, null);
        for (String[] c : CASES) {
            DataFrameReader r = pcap().option("output", "flows");
            r = c[0].equals("none") ? r.option("split", "none") : r.option("splitSize", c[0]);
            if (!c[1].isEmpty()) {
                r = r.option("flowPartitions", c[1]);
            }
            Dataset<Row> flows = r.load(f.toString());
            String what = "split " + c[0] + ", flowPartitions '" + c[1] + "'";
            assertEquals(Integer.parseInt(c[2]), flows.javaRDD().getNumPartitions(), what);
            assertRowsEqual(want, flows.collectAsList(), what);
        }
    }

    @Test
    void theFilterAndTheMergeOfWholeRows() throws Exception {
        Path f = capture();
        String expr = "tcp or icmp";
        Map<String, FlowRecord> want = weirFlows(f, expr);
        Dataset<Row> flows = pcap().option("output", "flows").option("bpf", expr).option("splitSize", "4m")
                .load(f.toString());
        assertRowsEqual(want, flows.collectAsList(), "bpf " + expr);
        assertRowsEqual(want, PcapFlows.merge(flows).collectAsList(), "merged, bpf " + expr);
        assertTrue(flows.queryExecution().executedPlan().toString().contains("flow buckets: 2"),
                flows.queryExecution().executedPlan().toString());
    }

    @Test
    void perSplitPartsMergeToWholeFlows() throws Exception {
        // Rows of separate reads (here: the two halves of the file's flow buckets, read one task each) fold
        // back together: merge is what joins flows from different loads.
        Path f = capture();
        Map<String, FlowRecord> want = weirFlows(f, null);
        Dataset<Row> a = pcap().option("output", "flows").option("flowPartitions", "1").load(f.toString());
        List<Row> twice = PcapFlows.merge(a.union(a)).collectAsList();
        assertEquals(want.size(), twice.size());
        for (Row g : twice) {
            FlowRecord w = want.get(id(g));
            assertEquals(2 * (w.origPkts() + w.respPkts()), g.getLong(g.fieldIndex("orig_pkts"))
                    + g.getLong(g.fieldIndex("resp_pkts")), id(g));
            assertEquals(w.origHost(), g.getString(g.fieldIndex("id.orig_h")), id(g));
        }
    }

    private static String id(Row g) {
        return g.getInt(g.fieldIndex("family")) + "/" + g.getInt(g.fieldIndex("ip_proto")) + "/"
                + g.getInt(g.fieldIndex("vlan")) + "/" + g.getString(g.fieldIndex("id.orig_h")) + ":"
                + g.getInt(g.fieldIndex("id.orig_p")) + "/" + g.getString(g.fieldIndex("id.resp_h")) + ":"
                + g.getInt(g.fieldIndex("id.resp_p"));
    }

    static void assertRowsEqual(Map<String, FlowRecord> want, List<Row> got, String what) throws IOException {
        assertEquals(want.size(), got.size(), what + ": flows");
        for (Row g : got) {
            String id = what + ": " + id(g);
            FlowRecord w = want.get(id(g));
            assertTrue(w != null, "no such flow in weir flows (or its originator differs): " + id);
            assertEquals(w.origPkts(), g.getLong(g.fieldIndex("orig_pkts")), id);
            assertEquals(w.respPkts(), g.getLong(g.fieldIndex("resp_pkts")), id);
            assertEquals(w.origIpBytes(), g.getLong(g.fieldIndex("orig_ip_bytes")), id);
            assertEquals(w.respIpBytes(), g.getLong(g.fieldIndex("resp_ip_bytes")), id);
            assertEquals(w.origWire(), g.getLong(g.fieldIndex("orig_wire_bytes")), id);
            assertEquals(w.respWire(), g.getLong(g.fieldIndex("resp_wire_bytes")), id);
            assertEquals(w.firstNanos(), g.getLong(g.fieldIndex("first_ns")), id);
            assertEquals(w.lastNanos(), g.getLong(g.fieldIndex("last_ns")), id);
            assertEquals(FlowRecord.flagLetters(w.origFlags()), g.getString(g.fieldIndex("orig_tcp_flags")), id);
            assertEquals(FlowRecord.flagLetters(w.respFlags()), g.getString(g.fieldIndex("resp_tcp_flags")), id);
            assertEquals(FlowRecord.flagLetters(w.tcpFlags()), g.getString(g.fieldIndex("tcp_flags")), id);
            assertEquals(w.protoName(), g.getString(g.fieldIndex("proto")), id);
            assertEquals(w.communityId().isEmpty() ? null : w.communityId(),
                    g.getString(g.fieldIndex("community_id")), id);
            assertEquals(w.durationNanos() / 1e9, g.getDouble(g.fieldIndex("duration")), 1e-9, id);
        }
    }
}
