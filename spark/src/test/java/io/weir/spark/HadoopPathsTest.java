package io.weir.spark;

import static io.weir.spark.SparkTests.generated;
import static io.weir.spark.SparkTests.pcap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.capture.split.CaptureIndex;
import io.weir.spark.hadoop.HadoopFiles;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Paths read through Hadoop's {@code FileSystem}: {@code file://} URIs with {@code fileSystem=hadoop} on Hadoop's
 * checksummed {@code LocalFileSystem} and, through a read's {@code fs.*} options, on {@code RawLocalFileSystem}.
 * At every split size (resync by positioned reads, seeks to split starts, index sidecars found through Hadoop)
 * the figures equal a sequential local walk, and the flows scan works the same way.
 */
class HadoopPathsTest {
    /** Hadoop set-up for a read: name, options. */
    private static final String[][][] FILE_SYSTEMS = {
        {{"LocalFileSystem"}, {"fileSystem", "hadoop"}},
        {{"RawLocalFileSystem"}, {"fileSystem", "hadoop"}, {"fs.file.impl", "org.apache.hadoop.fs.RawLocalFileSystem"},
            {"fs.file.impl.disable.cache", "true"}},
    };
    private static final String[] SIZES = {"none", "1048583", "3m"};

    private static DataFrameReader reader(String[][] fs) {
        DataFrameReader r = pcap().option("verify", "true");
        for (int i = 1; i < fs.length; i++) {
            r = r.option(fs[i][0], fs[i][1]);
        }
        return r;
    }

    private static SplitInvarianceTest.Figures figures(DataFrameReader r, String size, String path) {
        r = size.equals("none") ? r.option("split", "none") : r.option("splitSize", size);
        Row row = r.load(path).selectExpr(SplitInvarianceTest.AGGREGATES).first();
        return new SplitInvarianceTest.Figures(row.getLong(0), row.getLong(1), row.getLong(2), row.getLong(3),
                row.getLong(4));
    }

    @Test
    void fileUrisThroughHadoopEqualTheLocalRead() throws IOException {
        Path us = generated("push-ether.pcap", 20_000, 3, "ether", "pcap", ByteOrder.LITTLE_ENDIAN, 0);
        Path ng = generated("hadoop.pcapng", 20_000, 21, "ether", "pcapng", ByteOrder.BIG_ENDIAN, 0);
        if (!Files.exists(CaptureIndex.sidecarPath(ng))) {
            CaptureIndex.build(ng, 1L << 20).write(CaptureIndex.sidecarPath(ng));
        }
        for (Path f : List.of(us, ng)) {
            SplitInvarianceTest.Figures want = SplitInvarianceTest.sequential(f, false);
            for (String[][] fs : FILE_SYSTEMS) {
                for (String size : SIZES) {
                    String what = f.getFileName() + " on " + fs[0][0] + ", split " + size;
                    assertEquals(want, figures(reader(fs), size, f.toUri().toString()), what);
                }
            }
        }
    }

    @Test
    void globsAndDirectoriesThroughHadoopSkipHiddenFilesAndSidecars() throws IOException {
        Path dir = SparkTests.target().resolve("gen/hdir");
        for (int i = 0; i < 4; i++) {
            generated("hdir/" + (i < 2 ? "" : "sub/") + "f" + i + ".pcap", 200 + i, 40 + i, "ether", "pcap",
                    ByteOrder.LITTLE_ENDIAN, 0);
        }
        Files.writeString(dir.resolve(".hidden.pcap"), "not a capture");
        Files.writeString(dir.resolve("sub/_SUCCESS"), "");
        CaptureIndex.build(dir.resolve("f0.pcap"), 1L << 20).write(CaptureIndex.sidecarPath(dir.resolve("f0.pcap")));
        for (String[][] fs : FILE_SYSTEMS) {
            assertEquals(200 + 201 + 202 + 203, reader(fs).load(dir.toUri().toString()).count(),
                    fs[0][0] + " directory");
            assertEquals(200 + 201, reader(fs).load(dir.toUri() + "*.pcap").count(), fs[0][0] + " glob");
            assertEquals(201 + 203, reader(fs).load(dir.toUri() + "{f1,sub/f3}.pcap").count(), fs[0][0] + " glob");
            Row files = reader(fs).load(dir.toUri().toString()).selectExpr("count(distinct file)", "min(file)").first();
            assertEquals(4, files.getLong(0), fs[0][0]);
            assertEquals(dir.resolve("f0.pcap").toUri().toString().replace("file:///", "file:/"), files.getString(1),
                    fs[0][0] + ": the file column holds the Hadoop path");
        }
        String missing = dir.toUri() + "no-such-*.pcap";
        Exception e = assertThrows(Exception.class, () -> reader(FILE_SYSTEMS[0]).load(missing).count());
        assertTrue(PcapSourceTest.message(e).contains("Path does not exist: " + missing), PcapSourceTest.message(e));
    }

    @Test
    void flowsThroughHadoopEqualWeirFlows() throws Exception {
        Path f = generated("flows.pcap", 60_000, 5, "ether", "pcap", ByteOrder.LITTLE_ENDIAN, 200);
        List<Row> rows = reader(FILE_SYSTEMS[1]).option("output", "flows").option("splitSize", "5m")
                .load(f.toUri().toString()).collectAsList();
        FlowsTest.assertRowsEqual(FlowsTest.weirFlows(f, null), rows, "flows on RawLocalFileSystem");
    }

    @Test
    void schemesChooseThePath() {
        assertTrue(HadoopFiles.hasScheme("hdfs://nn:8020/a.pcap"));
        assertTrue(HadoopFiles.hasScheme("s3a://bucket/a.pcap"));
        assertTrue(HadoopFiles.hasScheme("file:/tmp/a.pcap"));
        assertTrue(!HadoopFiles.hasScheme("/tmp/a:b.pcap"));
        assertTrue(!HadoopFiles.hasScheme("C:/captures/a.pcap"));
        assertTrue(!HadoopFiles.hasScheme("relative/a.pcap"));
        PcapOptions auto = PcapOptions.parse(java.util.Map.of("path", "x"));
        assertTrue(auto.viaHadoop("hdfs://nn/a.pcap"));
        assertTrue(!auto.viaHadoop("file:///tmp/a.pcap"), "file: stays on the local fast path");
        assertTrue(!auto.viaHadoop("/tmp/a.pcap"));
        assertTrue(PcapOptions.parse(java.util.Map.of("path", "x", "fileSystem", "hadoop")).viaHadoop("/tmp/a.pcap"));
    }

    @Test
    void theConfigurationTravelsToTheTasks() throws Exception {
        Configuration c = new Configuration(false);
        c.set("fs.weir.test", "42");
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream o = new java.io.ObjectOutputStream(b)) {
            o.writeObject(new HadoopFiles(c));
        }
        try (java.io.ObjectInputStream i = new java.io.ObjectInputStream(
                new java.io.ByteArrayInputStream(b.toByteArray()))) {
            HadoopFiles h = (HadoopFiles) i.readObject();
            Path p = h.path(SparkTests.target().toUri().toString());
            assertTrue(Files.isDirectory(p), p.toString());
        }
    }
}
