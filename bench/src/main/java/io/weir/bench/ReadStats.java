package io.weir.bench;

import io.weir.capture.PcapReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Helpers of the read benchmark and of {@code bench/read-vs-cat.sh}: warm the page cache, and print a file's
 * packet count and size ({@code java -cp benchmarks.jar io.weir.bench.ReadStats FILE} prints "packets bytes").
 */
public final class ReadStats {
    private ReadStats() {}

    /** Reads the file once so that the measured runs find it in the page cache. */
    static void warmPageCache(Path path) throws IOException {
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(path)) {
            while (in.read(buf) >= 0) {
                // only the reading matters
            }
        }
    }

    public static void main(String[] args) throws IOException {
        Path p = Path.of(args[0]);
        long n = 0;
        try (PcapReader r = PcapReader.open(p)) {
            while (r.next()) {
                n++;
            }
        }
        System.out.println(n + " " + Files.size(p));
    }
}
