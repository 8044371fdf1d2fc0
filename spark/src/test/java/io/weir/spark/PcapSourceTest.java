package io.weir.spark;

import static io.weir.spark.SparkTests.generated;
import static io.weir.spark.SparkTests.pcap;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.capture.Packet;
import io.weir.capture.PcapReader;
import io.weir.spark.decode.PacketDecoder;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The packet table on generated captures: schema, values against a sequential read and the decoder, column
 * pruning (what {@code count()} and {@code data} cost), paths, packing, options, errors and {@code explain}.
 */
class PcapSourceTest {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private static Path small() {
        return generated("small-ether.pcap", 3000, 7, "ether", "pcap", LE, 0);
    }

    @Test
    void schemaIsTheIssues() {
        List<String> names = Arrays.asList(pcap().load(small().toString()).schema().fieldNames());
        assertEquals(List.of("ts", "ts_ns", "caplen", "len", "linktype", "interface_id", "file", "offset", "data",
                "eth_type", "vlan", "ip_version", "src_ip", "dst_ip", "ip_proto", "src_port", "dst_port", "tcp_flags",
                "community_id"), names);
    }

    @Test
    void rowsEqualASequentialReadAndTheDecoder() throws IOException {
        Path f = small();
        List<Row> rows = pcap().load(f.toString()).orderBy("offset").collectAsList();
        PacketDecoder d = new PacketDecoder();
        int i = 0;
        try (PcapReader r = PcapReader.open(f)) {
            while (r.next()) {
                Packet p = r.packet();
                Row row = rows.get(i++);
                String at = "packet " + i + " at " + p.recordOffset();
                assertEquals(p.timestampNanos(), row.getLong(1), at);
                assertEquals(p.timestampNanos() / 1000, row.getTimestamp(0).getTime() * 1000
                        + row.getTimestamp(0).getNanos() / 1000 % 1000, at);
                assertEquals(p.capLen(), row.getInt(2), at);
                assertEquals(p.wireLen(), row.getInt(3), at);
                assertEquals(1, row.getInt(4), at);
                assertEquals(f.toString(), row.getString(6), at);
                assertEquals(p.recordOffset(), row.getLong(7), at);
                assertArrayEquals(p.copyBytes(), (byte[]) row.get(8), at);
                d.decode(p.buffer(), p.offset(), p.capLen(), p.linkType());
                assertEquals(d.ethType() < 0 ? null : d.ethType(), row.get(9), at);
                assertEquals(d.vlan() < 0 ? null : d.vlan(), row.get(10), at);
                assertEquals(d.srcIp(), row.get(12), at);
                assertEquals(d.dstIp(), row.get(13), at);
                assertEquals(d.dstPort() < 0 ? null : d.dstPort(), row.get(16), at);
                assertEquals(d.communityId(), row.get(18), at);
            }
        }
        assertEquals(rows.size(), i);
    }

    @Test
    void countDecodesNothingAndCopiesNoBytes() {
        Path f = small();
        ReaderStats.reset();
        assertEquals(3000, pcap().load(f.toString()).count());
        assertEquals(0, ReaderStats.decoded());
        assertEquals(0, ReaderStats.copiedBytes());
        assertEquals(3000, ReaderStats.packetsRead());

        ReaderStats.reset();
        long caplens = pcap().load(f.toString()).selectExpr("sum(caplen)").first().getLong(0);
        assertEquals(0, ReaderStats.decoded());
        assertEquals(0, ReaderStats.copiedBytes());

        ReaderStats.reset();
        pcap().load(f.toString()).selectExpr("sum(length(data))").first();
        assertEquals(caplens, ReaderStats.copiedBytes());
        assertEquals(0, ReaderStats.decoded());

        ReaderStats.reset();
        pcap().load(f.toString()).selectExpr("count(src_ip)").first();
        assertEquals(3000, ReaderStats.decoded());
        assertEquals(0, ReaderStats.copiedBytes());
    }

    @Test
    void globsDirectoriesAndPackingOfSmallFiles() throws IOException {
        Path dir = SparkTests.target().resolve("gen/dir");
        Files.createDirectories(dir.resolve("sub"));
        long expected = 0;
        for (int i = 0; i < 6; i++) {
            Path f = generated("dir/" + (i < 3 ? "" : "sub/") + "f" + i + ".pcap", 100 + i, i, "raw", "pcap", LE, 0);
            expected += 100 + i;
            assertTrue(Files.isRegularFile(f));
        }
        Files.writeString(dir.resolve(".hidden.pcap"), "not a capture");
        Dataset<Row> all = pcap().load(dir.toString());
        assertEquals(expected, all.count());
        assertEquals(1, all.javaRDD().getNumPartitions(), "small files are packed into one partition");
        assertEquals(100 + 101 + 102, pcap().load(dir + "/*.pcap").count());
        assertEquals(expected, pcap().load(dir + "/**.pcap").count());
        assertEquals(101 + 104, pcap().load(dir + "/f1.pcap", dir + "/sub/f4.pcap").count());
        // Each file costs its bytes plus 4 MiB to open: with 5 MiB partitions, one file each.
        assertEquals(6, pcap().option("splitSize", "5m").load(dir.toString()).javaRDD().getNumPartitions());
        Exception e = assertThrows(Exception.class, () -> pcap().load(dir + "/nothing*.pcap").count());
        assertTrue(message(e).contains("Path does not exist"), message(e));
    }

    @Test
    void aBadExpressionFailsWithTheLocatedError() {
        Exception e = assertThrows(Exception.class,
                () -> pcap().option("bpf", "tcp prt 80").load(small().toString()).count());
        String m = message(e);
        assertTrue(m.contains("weir: error:") && m.contains("tcp prt 80") && m.contains("^"), m);
    }

    @Test
    void badOptionsNameTheOption() {
        Exception e = assertThrows(Exception.class,
                () -> pcap().option("splitSize", "-3").load(small().toString()).count());
        assertTrue(message(e).contains("splitSize"), message(e));
        e = assertThrows(Exception.class, () -> pcap().option("mode", "lenient").load(small().toString()).count());
        assertTrue(message(e).contains("mode"), message(e));
    }

    @Test
    void explainShowsTheExpressionAndPushedPredicates() {
        Dataset<Row> q = pcap().option("bpf", "tcp or udp").load(small().toString()).where("dst_port = 53");
        String plan = q.queryExecution().explainString(org.apache.spark.sql.execution.SimpleMode$.MODULE$);
        assertTrue(plan.contains("bpf: tcp or udp"), plan);
        assertTrue(plan.contains("pushed:"), plan);
    }

    @Test
    void bpfCountsEqualTheCompiledFilterOnASequentialRead() throws Exception {
        Path f = small();
        // {expression, option or null}: the CLI's --vlan-any and --ip6-transport reach the compiler.
        String[][] cases = {{"tcp", null}, {"udp port 53", null}, {"vlan", null}, {"ip6 and tcp", null},
            {"icmp or arp", null}, {"not ip", null}, {"tcp port 80", "vlanAny"}, {"tcp[13] & 2 != 0", "ip6Transport"}};
        for (String[] c : cases) {
            io.weir.compiler.CompileOptions o = io.weir.compiler.CompileOptions.savefile(LE)
                    .withVlanAny("vlanAny".equals(c[1])).withIp6Transport("ip6Transport".equals(c[1]));
            io.weir.engine.cbpf.ClassicInterpreter filter = io.weir.engine.cbpf.ClassicInterpreter.of(
                    io.weir.compiler.FilterCompiler.compile(c[0], 1, 262144, o));
            long expected = 0;
            try (PcapReader r = PcapReader.open(f)) {
                while (r.next()) {
                    Packet p = r.packet();
                    if (filter.run(p.buffer(), p.offset(), p.capLen(), p.wireLen()) != 0) {
                        expected++;
                    }
                }
            }
            var reader = pcap().option("bpf", c[0]);
            if (c[1] != null) {
                reader = reader.option(c[1], "true");
            }
            assertEquals(expected, reader.load(f.toString()).count(), c[0] + " " + c[1]);
        }
    }

    @Test
    void truncatedFilesFailWithFileAndOffsetOrCountInPermissiveMode() throws IOException {
        Path good = small();
        byte[] all = Files.readAllBytes(good);
        Path cut = SparkTests.target().resolve("gen/truncated.pcap");
        Files.write(cut, Arrays.copyOf(all, all.length - 100));
        Exception e = assertThrows(Exception.class, () -> pcap().load(cut.toString()).count());
        String m = message(e);
        assertTrue(m.contains(cut.toString()) && m.contains("byte offset"), m);
        ReaderStats.reset();
        assertEquals(2999, pcap().option("mode", "PERMISSIVE").load(cut.toString()).count());
        assertEquals(1, ReaderStats.errors());
    }

    @Test
    void limitStopsEachTask() {
        ReaderStats.reset();
        assertEquals(5, pcap().load(small().toString()).select("offset").limit(5).collectAsList().size());
        assertTrue(ReaderStats.packetsRead() < 3000, "read " + ReaderStats.packetsRead());
        assertNull(null);
    }

    /** The whole chain of causes' messages (Spark wraps task failures). */
    static String message(Throwable e) {
        StringBuilder s = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            s.append(t.getMessage()).append('\n');
        }
        return s.toString();
    }
}
