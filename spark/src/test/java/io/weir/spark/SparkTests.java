package io.weir.spark;

import io.weir.capture.gen.GenerateCapture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Assumptions;

/**
 * What the module's tests share: one {@code local[2]} session for the whole test JVM (starting Spark costs
 * seconds), generated captures kept in {@code target/gen} between runs, and the shared corpus.
 */
final class SparkTests {
    private static SparkSession session;

    private SparkTests() {}

    /** The shared session (made on first use; Spark stops it at JVM exit). */
    static synchronized SparkSession spark() {
        if (session == null) {
            session = SparkSession.builder().master("local[2]").appName("weir-spark-tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "4")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .getOrCreate();
            session.sparkContext().setLogLevel("ERROR");
        }
        return session;
    }

    /** {@code spark.read().format("pcap")}. */
    static DataFrameReader pcap() {
        return spark().read().format("pcap");
    }

    /** The module's build directory. */
    static Path target() {
        String project = System.getProperty("weir.projectDir");
        Path base = project != null ? Path.of(project, "spark") : Path.of("").toAbsolutePath();
        return base.resolve("target");
    }

    /**
     * A generated capture in {@code target/gen}, written once: {@code count} packets of {@code framing} (ether,
     * sll, raw, null...) in {@code format} (pcap, pcap-ns, pcapng), seed and byte order as given.
     */
    static synchronized Path generated(String name, long count, long seed, String framing, String format,
            ByteOrder order, int flows) {
        Path out = target().resolve("gen").resolve(name);
        if (Files.isRegularFile(out)) {
            return out;
        }
        try {
            Files.createDirectories(out.getParent());
            Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
            GenerateCapture.write(new GenerateCapture.Options(count, seed, GenerateCapture.linkType(framing), format,
                    order, tmp.toString(), flows));
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The shared corpus directory ({@code weir.sharedDir}/pcaps); the test is skipped when it is absent. */
    static Path corpus() {
        String shared = System.getProperty("weir.sharedDir");
        Path dir = shared == null ? null : Path.of(shared, "pcaps");
        Assumptions.assumeTrue(dir != null && Files.isRegularFile(dir.resolve("MANIFEST.tsv")),
                "shared corpus absent (weir.sharedDir=" + shared + "): skipping");
        return dir;
    }
}
