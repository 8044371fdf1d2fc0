package io.weir.spark;

import static io.weir.spark.SparkTests.pcap;
import static io.weir.spark.SparkTests.spark;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code bpf} option with a set too large for a comparison chain ({@code ip src host in @FILE} of more than
 * 100,000 addresses): the driver compiles it to map lookups and ships the program with the set's keys, executors
 * rebuild the maps; the count must equal Spark's own check of the decoded source address against the same set.
 * The same for {@code weir.bpf(data, ...)}, evaluated by Spark and pushed into the reader.
 */
class LargeSetSparkTest {
    @TempDir
    Path dir;

    @Test
    void aHundredThousandHostSetFiltersOnTheExecutors() throws Exception {
        Path f = SparkTests.generated("sets-ether.pcap", 5_000, 23, "ether", "pcap", ByteOrder.LITTLE_ENDIAN, 0);
        String v4 = "ip_version = 4 and vlan is null";
        List<Row> sources = pcap().option("pushdown", "false").load(f.toString()).where(v4).select("src_ip")
                .distinct().orderBy("src_ip").collectAsList();
        assertTrue(sources.size() >= 4, "too few IPv4 sources: " + sources.size());
        List<String> chosen = new ArrayList<>();
        for (int i = 0; i < sources.size(); i += 2) {
            chosen.add(sources.get(i).getString(0));
        }
        List<String> lines = new ArrayList<>(chosen);
        Random r = new Random(23);
        for (int i = 0; i < 100_000; i++) {
            // 240.0.0.0/4 fillers: no generated packet comes from there.
            int a = 0xf0000000 | r.nextInt(1 << 28);
            lines.add((a >>> 24) + "." + (a >>> 16 & 0xff) + "." + (a >>> 8 & 0xff) + "." + (a & 0xff));
        }
        Path file = dir.resolve("sources.txt");
        Files.write(file, lines);
        StringBuilder in = new StringBuilder();
        for (String s : chosen) {
            in.append(in.length() == 0 ? "'" : ", '").append(s).append('\'');
        }
        long want = pcap().option("pushdown", "false").load(f.toString())
                .where(v4 + " and src_ip in (" + in + ")").count();
        assertTrue(want > 0, "the chosen sources match no packet");
        for (String pushdown : new String[] {"false", "true"}) {
            long got = pcap().option("pushdown", pushdown).option("bpf", "ip src host in @" + file)
                    .load(f.toString()).count();
            assertEquals(want, got, "pushdown " + pushdown + ": " + chosen.size() + " chosen sources of "
                    + sources.size());
            // weir.bpf compiles through the same eBPF compiler: in Spark row by row, or pushed into the reader.
            spark().conf().set("spark.sql.catalog.weir", WeirFunctions.class.getName());
            String call = "weir.bpf(data, 'ip src host in @" + file + "', linktype)";
            Dataset<Row> q = pcap().option("pushdown", pushdown).load(f.toString()).where(call);
            assertEquals(Boolean.parseBoolean(pushdown),
                    !q.queryExecution().executedPlan().toString().contains("applyfunctionexpression"), call);
            assertEquals(want, q.count(), "pushdown " + pushdown + ": " + call);
            // A wire-length test next to the lookup stays Spark's (the function's length is the captured one).
            String withLen = "weir.bpf(data, 'ip src host in @" + file + " and greater 100')";
            Dataset<Row> l = pcap().option("pushdown", pushdown).load(f.toString()).where(withLen);
            assertTrue(l.queryExecution().executedPlan().toString().contains("applyfunctionexpression"), withLen);
            assertEquals(pcap().option("pushdown", "false").load(f.toString())
                    .where(v4 + " and src_ip in (" + in + ") and length(data) >= 100").count(), l.count(), withLen);
        }
    }
}
