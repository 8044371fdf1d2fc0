package io.weir.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.capture.LinkType;
import io.weir.capture.gen.GenerateCapture;
import io.weir.capture.split.CaptureIndex;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code weir index}: the sidecar it writes, its one line per file, and its errors and exit status. */
class IndexCommandTest {
    @TempDir
    Path dir;

    private static WeirCommandTest.Run weir(String... args) {
        return WeirCommandTest.run(args);
    }

    private Path capture(String name, String format, long packets) throws IOException {
        Path p = dir.resolve(name);
        GenerateCapture.write(new GenerateCapture.Options(packets, 5, LinkType.ETHERNET, format,
                ByteOrder.LITTLE_ENDIAN, p.toString(), 16));
        return p;
    }

    @Test
    void writesASidecarPerFileWithOneLineEach() throws IOException {
        Path a = capture("a.pcap", "pcap", 2000);
        Path b = capture("b.pcapng", "pcapng", 500);
        WeirCommandTest.Run r = weir("index", "--every", "0.25", a.toString(), b.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals("", r.out());
        List<String> lines = r.err().lines().toList();
        assertEquals(2, lines.size(), r.err());
        assertTrue(lines.get(0).startsWith(a + ": 2000 packets, "), lines.get(0));
        assertTrue(lines.get(0).endsWith(" entries every 0.25 MiB -> " + CaptureIndex.sidecarPath(a)), lines.get(0));
        assertTrue(lines.get(1).startsWith(b + ": 500 packets, "), lines.get(1));
        CaptureIndex ia = CaptureIndex.read(CaptureIndex.sidecarPath(a));
        assertEquals(2000, ia.packets());
        assertEquals(262144, ia.everyBytes());
        // One entry per started quarter MiB of the file.
        long quarters = (Files.size(a) + 262143) / 262144;
        assertTrue(Math.abs(ia.entries().size() - quarters) <= 1, ia.entries().size() + " vs " + quarters);
        assertEquals(500, CaptureIndex.read(CaptureIndex.sidecarPath(b)).packets());
    }

    @Test
    void defaultsToEvery64MiB() throws IOException {
        Path a = capture("c.pcap", "pcap", 100);
        WeirCommandTest.Run r = weir("index", a.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("100 packets, 1 entries every 64 MiB"), r.err());
        assertEquals(64L << 20, CaptureIndex.read(CaptureIndex.sidecarPath(a)).everyBytes());
    }

    @Test
    void errorsAreOneLineAndTheOtherFilesAreStillIndexed() throws IOException {
        Path good = capture("good.pcap", "pcap", 50);
        Path junk = dir.resolve("junk.pcap");
        Files.writeString(junk, "this is not a capture file at all");
        WeirCommandTest.Run r = weir("index", dir.resolve("missing.pcap").toString(), junk.toString(), good.toString());
        assertEquals(1, r.status());
        List<String> lines = r.err().lines().toList();
        assertEquals(3, lines.size(), r.err());
        assertEquals("weir: " + dir.resolve("missing.pcap") + ": No such file or directory", lines.get(0));
        assertTrue(lines.get(1).startsWith("weir: " + junk + ": unknown file format"), lines.get(1));
        assertTrue(lines.get(2).startsWith(good + ": 50 packets"), lines.get(2));
        assertFalse(Files.exists(CaptureIndex.sidecarPath(junk)));
        assertTrue(Files.exists(CaptureIndex.sidecarPath(good)));
    }

    @Test
    void badOptionsExitWithStatusOne() {
        for (String[] args : new String[][] {
            {"index"}, {"index", "--every", "0", "x.pcap"}, {"index", "--every", "-3", "x.pcap"},
            {"index", "--every", "lots", "x.pcap"}, {"index", "--bogus", "x.pcap"},
        }) {
            WeirCommandTest.Run r = weir(args);
            assertEquals(1, r.status(), String.join(" ", args));
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("weir"), r.err());
        }
        WeirCommandTest.Run help = weir("index", "--help");
        assertEquals(0, help.status());
        assertTrue(help.out().contains("--every"), help.out());
    }
}
