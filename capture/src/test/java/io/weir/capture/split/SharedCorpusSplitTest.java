package io.weir.capture.split;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weir.capture.CaptureFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Every capture of the shared corpus ({@code weir.sharedDir}/pcaps; skipped when absent), split heuristically at
 * several sizes: the splits deliver exactly the sequential walk (its packets, and its error if it has one), or
 * fail naming the file and a byte offset. The corpus is sane, so no file may fail where the sequential walk
 * does not; refusals are counted and listed in the failure message.
 */
class SharedCorpusSplitTest {
    private static final int MAX_SPLITS = 100;

    private static Path corpus() {
        String shared = System.getProperty("weir.sharedDir");
        Path dir = shared == null ? null : Path.of(shared, "pcaps");
        Assumptions.assumeTrue(dir != null && Files.isRegularFile(dir.resolve("MANIFEST.tsv")),
                "shared corpus absent (weir.sharedDir=" + shared + "): skipping");
        return dir;
    }

    @Test
    void splittingEveryCorpusFileGivesTheSequentialWalk() throws IOException {
        Path dir = corpus();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".pcap") || p.toString().endsWith(".pcapng")
                    || p.toString().endsWith(".cap")).sorted().toList();
        }
        List<String> refused = new ArrayList<>();
        int checked = 0;
        int splitRuns = 0;
        for (Path file : files) {
            SplitHarness.Outcome seq;
            try {
                seq = SplitHarness.sequential(file);
            } catch (IOException e) {
                continue;   // not a capture PcapReader opens at all
            }
            if (seq.error() != null && seq.packets().isEmpty()) {
                continue;
            }
            checked++;
            long size = Files.size(file);
            for (long splitSize : new long[] {size / 3 + 1, 65_537, 4099, 509}) {
                if (splitSize < 1 || size / splitSize > MAX_SPLITS) {
                    continue;
                }
                splitRuns++;
                SplitHarness.Outcome o = SplitHarness.splitRead(file, SplitMode.HEURISTIC, splitSize);
                String what = file.getFileName() + " split at " + splitSize;
                CaptureFormatException e = o.error();
                boolean sameError = e != null && seq.error() != null && e.getMessage().equals(seq.error().getMessage());
                if (e != null && !sameError) {
                    assertTrue(e.getMessage().startsWith(file + ": ") && e.getMessage().contains("byte"),
                            e.getMessage());
                    refused.add(what + ": " + e.getMessage());
                    continue;
                }
                assertEquals(seq.packets(), o.packets(), what);
                assertEquals(seq.error() == null, e == null, what);
            }
        }
        assertTrue(checked > 100, "only " + checked + " corpus files checked");
        assertEquals(List.of(), refused, refused.size() + " of " + splitRuns + " split runs over " + checked
                + " files refused");
    }
}
