package io.weir.spark;

import static io.weir.spark.SparkTests.pcap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Predicates pushed into the reader change no result: random conjunctions and disjunctions of equality and
 * {@code IN} on addresses, ports and protocol, and time ranges, with and without a {@code bpf} option, give the
 * same rows with pushdown on and off, on framings with VLAN tags, IPv6 extension headers and fragments. The
 * pushdown does skip packets (the reader's counters show it), and the JIT runs once per (program, link type)
 * per executor JVM.
 */
class PushdownTest {
    private static final String[] HOSTS = {"10.0.0.1", "10.0.0.7", "10.0.0.12", "192.0.2.9", "198.51.100.3",
        "203.0.113.5", "2001:db8::1", "2001:db8:1::7", "fe80::1"};
    private static final int[] PORTS = {53, 80, 443, 22, 8080, 123, 0, 65535};
    private static final int[] PROTOS = {6, 17, 1, 58, 47};

    private static Path capture(String framing) {
        return SparkTests.generated("push-" + framing + ".pcap", 20_000, 3, framing, "pcap",
                ByteOrder.LITTLE_ENDIAN, 0);
    }

    private static String atom(SplittableRandom r) {
        switch (r.nextInt(6)) {
            case 0: return "src_ip = '" + HOSTS[r.nextInt(HOSTS.length)] + "'";
            case 1: return "dst_ip IN ('" + HOSTS[r.nextInt(HOSTS.length)] + "', '" + HOSTS[r.nextInt(HOSTS.length)]
                    + "')";
            case 2: return "dst_port = " + PORTS[r.nextInt(PORTS.length)];
            case 3: return "src_port IN (" + PORTS[r.nextInt(PORTS.length)] + ", " + PORTS[r.nextInt(PORTS.length)]
                    + ")";
            case 4: return "ip_proto = " + PROTOS[r.nextInt(PROTOS.length)];
            default: return "ts_ns >= " + (1_704_067_200_000_000_000L + r.nextLong(20_000_000_000L));
        }
    }

    private static String predicate(SplittableRandom r) {
        String p = atom(r);
        int more = r.nextInt(3);
        for (int i = 0; i < more; i++) {
            p = "(" + p + (r.nextBoolean() ? ") AND (" : ") OR (") + atom(r) + ")";
        }
        return p;
    }

    private static List<Row> run(Path f, String bpf, String where, boolean pushdown) {
        var reader = pcap().option("pushdown", Boolean.toString(pushdown));
        if (bpf != null) {
            reader = reader.option("bpf", bpf);
        }
        return reader.load(f.toString()).where(where)
                .selectExpr("count(*)", "coalesce(sum(offset), 0)", "coalesce(sum(len), 0)").collectAsList();
    }

    @Test
    void randomPredicatesGiveTheSameRowsWithPushdownOnAndOff() {
        long seed = 1125;
        SplittableRandom r = new SplittableRandom(seed);
        int nonEmpty = 0;
        for (String framing : new String[] {"ether", "sll", "raw", "null"}) {
            Path f = capture(framing);
            for (int i = 0; i < 6; i++) {
                String where = predicate(r);
                String bpf = r.nextInt(3) == 0 ? "ip or ip6" : null;
                List<Row> on = run(f, bpf, where, true);
                List<Row> off = run(f, bpf, where, false);
                assertEquals(off, on, framing + ": " + where + " bpf " + bpf + " (seed " + seed + ", case " + i + ")");
                nonEmpty += on.get(0).getLong(0) > 0 ? 1 : 0;
            }
        }
        assertTrue(nonEmpty > 6, "too few predicates matched anything: " + nonEmpty);
    }

    @Test
    void pushedPredicatesSkipPacketsBeforeSparkSeesThem() {
        Path f = capture("ether");
        ReaderStats.reset();
        long n = pcap().load(f.toString()).where("dst_port = 53").count();
        assertTrue(n > 0);
        // The reader passed on fewer packets than it read: the BPF form ran.
        assertTrue(ReaderStats.decoded() < 20_000, "decoded " + ReaderStats.decoded());
    }

    @Test
    void theJitRunsOncePerProgramAndLinkTypePerExecutor() {
        FilterCache.clear();
        Path ether = capture("ether");
        Path raw = capture("raw");
        Path sll = capture("sll");
        // Several tasks per file, two files per link type would not change the count: one filter per link type.
        long n = pcap().option("bpf", "tcp").option("splitSize", "2m").load(ether.toString(), raw.toString(),
                sll.toString()).count();
        assertTrue(n > 0);
        assertEquals(3, FilterCache.compilations());
        pcap().option("bpf", "tcp").option("splitSize", "2m").load(ether.toString()).count();
        assertEquals(3, FilterCache.compilations(), "a second query reuses the executor's filters");
        pcap().option("bpf", "udp").load(ether.toString()).count();
        assertEquals(4, FilterCache.compilations());
    }
}
