package io.weir.spark;

import static io.weir.spark.SparkTests.pcap;
import static io.weir.spark.SparkTests.spark;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code weir.bpf(data, 'expr' [, linktype])} through the {@link WeirFunctions} catalog: its verdicts equal the
 * {@code bpf} option's, evaluated by Spark (pushdown off) and pushed into the reader (pushdown on), on generated
 * captures of four framings and on the shared corpus; pushed, it is exact (Spark does not re-check it and no
 * packet byte is copied for it); on a table that is no capture it works alike; a bad expression fails with the
 * located error.
 */
class BpfFunctionTest {
    private static final String[] EXPRESSIONS = {"tcp", "udp port 53", "ip6", "ip and not tcp", "tcp[13] & 2 != 0",
        "host 10.0.0.7 or net 2001:db8::/32", "arp or icmp"};

    @BeforeAll
    static void register() {
        spark().conf().set("spark.sql.catalog.weir", WeirFunctions.class.getName());
    }

    private static Path capture(String framing) {
        return SparkTests.generated("fn-" + framing + ".pcap", 5_000, 16, framing, "pcap", ByteOrder.LITTLE_ENDIAN,
                0);
    }

    /** {@code count, sum(offset)}: equal rows, not only equal counts. */
    private static List<Row> figures(Dataset<Row> d) {
        return d.selectExpr("count(*)", "coalesce(sum(offset), 0)").collectAsList();
    }

    private static Dataset<Row> withFunction(Path f, String call, boolean pushdown) {
        return pcap().option("pushdown", Boolean.toString(pushdown)).load(f.toString()).where(call);
    }

    private static String quoted(String expr) {
        return "'" + expr.replace("'", "\\'") + "'";
    }

    @Test
    void theFunctionAgreesWithTheBpfOptionPushedOrNot() {
        int nonEmpty = 0;
        for (String framing : new String[] {"ether", "sll", "raw", "null"}) {
            Path f = capture(framing);
            for (String e : EXPRESSIONS) {
                List<Row> option = figures(pcap().option("bpf", e).load(f.toString()));
                String call = "weir.bpf(data, " + quoted(e) + ", linktype)";
                assertEquals(option, figures(withFunction(f, call, false)), framing + ": " + call + " in Spark");
                assertEquals(option, figures(withFunction(f, call, true)), framing + ": " + call + " pushed");
                nonEmpty += option.get(0).getLong(0) > 0 ? 1 : 0;
                if (framing.equals("ether")) {
                    String two = "weir.bpf(data, " + quoted(e) + ")";
                    assertEquals(option, figures(withFunction(f, two, true)), framing + ": " + two + " pushed");
                }
            }
        }
        assertTrue(nonEmpty > EXPRESSIONS.length * 2, "too few expressions matched anything: " + nonEmpty);
    }

    @Test
    void aFixedLinkTypeIsTheFunctionsNotTheFilesPushedOrNot() {
        // Raw IP bytes read as Ethernet: the same (odd) verdicts in Spark and in the reader.
        Path raw = capture("raw");
        for (String call : new String[] {"weir.bpf(data, 'ip')", "weir.bpf(data, 'ether[12] = 0x45', 1)",
            "weir.bpf(data, 'ip and udp', 101)"}) {
            assertEquals(figures(withFunction(raw, call, false)), figures(withFunction(raw, call, true)), call);
        }
    }

    @Test
    void aPushedCallIsExactAndCopiesNoBytes() {
        Path f = capture("ether");
        Dataset<Row> q = withFunction(f, "weir.bpf(data, 'tcp')", true);
        String plan = q.queryExecution().executedPlan().toString();
        assertTrue(plan.contains("weir.bpf(data, 'tcp')"), plan);
        assertFalse(plan.contains("applyfunctionexpression"), "Spark re-checks the pushed call:\n" + plan);
        ReaderStats.reset();
        long n = q.count();
        assertEquals(pcap().option("bpf", "tcp").load(f.toString()).count(), n);
        assertEquals(0, ReaderStats.copiedBytes(), "data was copied for a pushed call");
        // The bpf option and SQL predicates join it; the wire length is the function's own: left to Spark.
        assertEquals(pcap().option("bpf", "ip and tcp and dst port 80").load(f.toString()).count(),
                pcap().option("bpf", "ip").load(f.toString()).where("weir.bpf(data, 'tcp') AND dst_port = 80")
                        .count());
        Dataset<Row> len = withFunction(f, "weir.bpf(data, 'greater 100')", true);
        assertTrue(len.queryExecution().executedPlan().toString().contains("applyfunctionexpression"));
        assertEquals(figures(withFunction(f, "weir.bpf(data, 'greater 100')", false)), figures(len));
    }

    @Test
    void anExpressionIsJitedOncePerJvmInSparkAndInTheReader() {
        Path f = capture("ether");
        FilterCache.clear();
        String call = "weir.bpf(data, 'udp and src port 53 and not ip6')";
        long inSpark = withFunction(f, call, false).count();
        assertEquals(1, FilterCache.compilations(), "tasks and rows share one filter");
        assertEquals(inSpark, withFunction(f, call, false).count());
        // The reader runs the same program for the same link type: the same JIT-ed filter.
        assertEquals(inSpark, withFunction(f, call, true).count());
        assertEquals(1, FilterCache.compilations());
    }

    @Test
    void anyTableWithPacketBytesWorks() {
        Path f = capture("sll");
        List<Row> rows = pcap().load(f.toString()).select("data", "linktype").collectAsList();
        StructType schema = new StructType().add("data", DataTypes.BinaryType).add("linktype", DataTypes.IntegerType);
        spark().createDataFrame(rows, schema).createOrReplaceTempView("fn_bytes");
        for (String e : EXPRESSIONS) {
            long want = pcap().option("bpf", e).load(f.toString()).count();
            long got = spark().sql("SELECT count(*) FROM fn_bytes WHERE weir.bpf(data, " + quoted(e)
                    + ", linktype)").first().getLong(0);
            assertEquals(want, got, e);
        }
        assertEquals(1L, spark().sql("SELECT count(*) FROM (SELECT weir.bpf(CAST(NULL AS BINARY), 'tcp') AS v)"
                + " WHERE v IS NULL").first().getLong(0));
    }

    @Test
    void aBadExpressionFailsWithTheLocatedError() {
        Path f = capture("ether");
        for (boolean pushdown : new boolean[] {true, false}) {
            for (String call : new String[] {"weir.bpf(data, 'tcp port')", "weir.bpf(data, 'tcp port', linktype)"}) {
                Exception e = assertThrows(Exception.class, () -> withFunction(f, call, pushdown).count());
                String all = messages(e);
                assertTrue(all.contains("tcp port") && all.contains("^"), call + " pushdown " + pushdown + ": "
                        + all);
            }
        }
    }

    /** The messages of an exception and its causes (Spark wraps a task's failure). */
    private static String messages(Throwable t) {
        StringBuilder s = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            s.append(c.getMessage()).append('\n');
        }
        return s.toString();
    }

    @Test
    void theSharedCorpusGivesTheOptionsVerdictsPerFile() throws IOException {
        Path dir = SparkTests.corpus();
        List<String> files = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("MANIFEST.tsv")).stream().skip(1).toList()) {
            String[] c = line.split("\t", -1);
            // Whole, little-endian (the function's order for DLT_NULL), of link types every expression compiles for.
            if (c[15].isEmpty() && c[8].equals("le") && (c[10].equals("1/EN10MB") || c[10].equals("113/LINUX_SLL")
                    || c[10].equals("101/RAW") || c[10].equals("0/NULL"))) {
                files.add(dir.resolve(c[0]).toString());
            }
        }
        assertTrue(files.size() > 20, "corpus files: " + files.size());
        String[] paths = files.toArray(new String[0]);
        for (String e : new String[] {"tcp", "udp and not port 53", "ip6 or arp"}) {
            List<Row> option = pcap().option("bpf", e).load(paths).groupBy("file").count().orderBy("file")
                    .collectAsList();
            for (boolean pushdown : new boolean[] {true, false}) {
                List<Row> fn = pcap().option("pushdown", Boolean.toString(pushdown)).load(paths)
                        .where("weir.bpf(data, " + quoted(e) + ", linktype)").groupBy("file").count().orderBy("file")
                        .collectAsList();
                assertEquals(option, fn, e + " pushdown " + pushdown);
            }
        }
    }
}
