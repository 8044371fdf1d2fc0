package io.weir.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Packet by packet against libpcap: every corpus file libpcap reads whole is copied by {@code tcpdump -r F -w G}
 * (libpcap's view of it: microsecond pcap, lengths as libpcap delivers them); Weir's packets of F must equal
 * G's in time stamp (to the microsecond), lengths and bytes. Needs tcpdump: skipped without it, except when
 * {@code weir.requireLibpcap} is true.
 */
class LibpcapDifferentialTest {
    /**
     * Files whose time stamps Weir reads differently from libpcap, and why. Lengths and bytes still must match.
     * tcpdump__timestamp_invalid_nano.pcap: fraction fields of 1e9 and more (invalid); libpcap holds them in a
     * signed 32-bit int, so 2147483648 ns wraps negative, and tcpdump prints "4292819813" microseconds; Weir
     * reads the field as unsigned nanoseconds and carries into the seconds.
     */
    static final java.util.Set<String> TIMESTAMPS_DIFFER = java.util.Set.of("tcpdump__timestamp_invalid_nano.pcap");

    static String tcpdump() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            Path p = Path.of(dir, "tcpdump");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        for (String p : new String[] {"/usr/sbin/tcpdump", "/usr/bin/tcpdump"}) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        if (Boolean.getBoolean("weir.requireLibpcap")) {
            fail("weir.requireLibpcap is true but tcpdump is not installed");
        }
        Assumptions.abort("tcpdump not installed: skipping the libpcap differential test");
        return null;
    }

    record Rec(long micros, int capLen, int wireLen, byte[] data) {}

    static List<Rec> records(Path file) throws IOException {
        List<Rec> out = new ArrayList<>();
        try (PcapReader r = PcapReader.open(file)) {
            while (r.next()) {
                Packet p = r.packet();
                out.add(new Rec(Math.floorDiv(p.timestampNanos(), 1000), p.capLen(), p.wireLen(), p.copyBytes()));
            }
        }
        return out;
    }

    @TestFactory
    Stream<DynamicTest> packetsEqualLibpcapsPackets(@TempDir Path tmp) throws IOException {
        String shared = System.getProperty("weir.sharedDir");
        Path dir = shared == null ? null : Path.of(shared, "pcaps");
        Assumptions.assumeTrue(dir != null && Files.isRegularFile(dir.resolve("MANIFEST.tsv")),
                "shared corpus absent: skipping");
        String tcpdump = tcpdump();
        return SharedCorpusTest.manifest(dir).stream()
                .filter(row -> row.error().isEmpty() && !"0".equals(row.libpcap()))
                .map(row -> DynamicTest.dynamicTest(row.file(), () -> {
                    Path copy = tmp.resolve(row.file() + ".libpcap.pcap");
                    Process proc = new ProcessBuilder(tcpdump, "-r", dir.resolve(row.file()).toString(), "-w",
                            copy.toString()).redirectErrorStream(true).redirectOutput(tmp.resolve("log").toFile())
                            .start();
                    assertTrue(proc.waitFor(60, TimeUnit.SECONDS), "tcpdump timed out");
                    assertEquals(0, proc.exitValue(), "tcpdump failed on " + row.file());
                    List<Rec> theirs = records(copy);
                    List<Rec> ours = records(dir.resolve(row.file()));
                    assertEquals(theirs.size(), ours.size(), row.file());
                    for (int i = 0; i < ours.size(); i++) {
                        String at = row.file() + " packet " + (i + 1);
                        if (!TIMESTAMPS_DIFFER.contains(row.file())) {
                            assertEquals(theirs.get(i).micros(), ours.get(i).micros(), at);
                        }
                        assertEquals(theirs.get(i).capLen(), ours.get(i).capLen(), at);
                        assertEquals(theirs.get(i).wireLen(), ours.get(i).wireLen(), at);
                        assertArrayEquals(theirs.get(i).data(), ours.get(i).data(), at);
                    }
                    Files.delete(copy);
                }));
    }
}
