package io.weir.spark;

import static io.weir.spark.SparkTests.generated;
import static io.weir.spark.SparkTests.pcap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Columnar batches ({@link PacketBatchReader}) and rows ({@link PacketPartitionReader}) give the same table:
 * every column but {@code data} (which stays on the row path), nulls of the decoded columns on four link types,
 * with a filter, a limit that ends inside a batch, and {@code count()} with no column at all.
 */
class ColumnarReadTest {
    private static final String[] FRAMINGS = {"ether", "sll", "raw", "null"};
    /** Query, options as key=value. */
    private static final String[][] QUERIES = {
        {"SELECT * EXCEPT (data) FROM t ORDER BY offset"},
        {"SELECT offset, src_ip, dst_port, community_id FROM t ORDER BY offset", "bpf=tcp or udp"},
        {"SELECT count(*), sum(len), count(src_port), max(file) FROM t"},
        {"SELECT count(*) FROM t", "bpf=ip6"},
    };

    private static List<Row> run(Path f, String[] q, boolean columnar) {
        var r = pcap().option("columnar", String.valueOf(columnar)).option("splitSize", "1m");
        for (int i = 1; i < q.length; i++) {
            int eq = q[i].indexOf('=');
            r = r.option(q[i].substring(0, eq), q[i].substring(eq + 1));
        }
        Dataset<Row> d = r.load(f.toString());
        d.createOrReplaceTempView("t");
        Dataset<Row> out = SparkTests.spark().sql(q[0]);
        List<Row> rows = out.collectAsList();
        String plan = out.queryExecution().executedPlan().toString();   // the final adaptive plan, once run
        assertEquals(columnar, plan.contains("ColumnarToRow"), plan);
        return rows;
    }

    @Test
    void batchesAndRowsGiveTheSameTable() {
        for (String framing : FRAMINGS) {
            Path f = generated("push-" + framing + ".pcap", 20_000, 3, framing, "pcap", ByteOrder.LITTLE_ENDIAN, 0);
            // Every column on every link type; the narrower queries on Ethernet only (each query costs a job).
            for (String[] q : framing.equals("ether") ? QUERIES : new String[][] {QUERIES[0]}) {
                List<Row> rows = run(f, q, false);
                assertFalse(rows.isEmpty());
                assertEquals(rows, run(f, q, true), framing + ": " + String.join(" ", q));
            }
        }
    }

    @Test
    void aLimitEndsInsideABatch() {
        Path f = generated("push-ether.pcap", 20_000, 3, "ether", "pcap", ByteOrder.LITTLE_ENDIAN, 0);
        int n = PacketBatchReader.ROWS + 17;
        assertEquals(n, pcap().option("split", "none").load(f.toString()).select("offset").limit(n).collectAsList()
                .size());
        assertEquals(pcap().option("columnar", "false").load(f.toString()).select("offset").limit(n)
                .collectAsList(), pcap().load(f.toString()).select("offset").limit(n).collectAsList());
    }

    @Test
    void dataStaysOnTheRowPath() {
        Path f = generated("push-ether.pcap", 20_000, 3, "ether", "pcap", ByteOrder.LITTLE_ENDIAN, 0);
        Dataset<Row> d = pcap().load(f.toString()).select("data").where("length(data) < 0");
        assertEquals(0, d.collectAsList().size());
        String plan = d.queryExecution().executedPlan().toString();
        assertTrue(plan.contains("BatchScan") && !plan.contains("ColumnarToRow"), plan);
    }
}
