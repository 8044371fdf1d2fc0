package io.weir.spark;

import io.weir.capture.split.CaptureIndex;
import io.weir.capture.split.FileSplit;
import io.weir.capture.split.SplitMode;
import io.weir.capture.split.SplitPlanner;
import io.weir.capture.split.SplitReader;
import io.weir.capture.split.StaleIndexException;
import io.weir.spark.hadoop.HadoopFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The seam to capture's splitting ({@code io.weir.capture.split}): where a file is cut, which cuts a time range
 * can skip, and the packets of one cut. Splits travel to tasks as {@link SplitSpec} (plain strings and
 * numbers) and become {@link FileSplit}s again on the executor.
 */
final class Splits {
    private Splits() {}

    /**
     * The splits of {@code file}, in file order, each linked to the next (for {@code verify}); splits whose
     * packets the index proves to lie outside the pushed time range are left out.
     */
    static List<SplitSpec> plan(Path file, String mode, long splitSize, PushedPredicates time) throws IOException {
        List<FileSplit> cut = SplitPlanner.plan(file, SplitMode.parse(mode), even(Files.size(file), splitSize));
        CaptureIndex index = time != null && time.hasTimeRange() ? index(file) : null;
        List<SplitSpec> out = new ArrayList<>(cut.size());
        for (int i = 0; i < cut.size(); i++) {
            FileSplit s = cut.get(i);
            if (index != null) {
                CaptureIndex.TsRange r = index.tsRange(s.start(), s.end());
                if (r.isEmpty() || r.maxNanos() < time.fromNanos() || r.minNanos() >= time.untilNanos()) {
                    continue;
                }
            }
            FileSplit n = i + 1 < cut.size() ? cut.get(i + 1) : null;
            out.add(new SplitSpec(file.toString(), s.start(), s.end(), n == null ? -1 : n.start(),
                    n == null ? -1 : n.end(), false));
        }
        return out;
    }

    /**
     * The split size that cuts {@code size} bytes into as many splits as {@code splitSize} does, of equal length:
     * no short last split, so the tasks of a large file finish together (1,000 MiB at 256 MiB: four splits of
     * 250 MiB, not three of 256 and one of 232).
     */
    static long even(long size, long splitSize) {
        if (size <= splitSize) {
            return splitSize;
        }
        long n = (size + splitSize - 1) / splitSize;
        return (size + n - 1) / n;
    }

    /** The file's current index, or {@code null} (none, stale, or unreadable: then nothing is pruned). */
    private static CaptureIndex index(Path file) {
        Path sidecar = CaptureIndex.sidecarPath(file);
        if (!Files.exists(sidecar)) {
            return null;
        }
        try {
            return CaptureIndex.read(sidecar, file);
        } catch (StaleIndexException e) {
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Opens one split for reading: a URI through {@code hadoop} (when given), a plain path locally. */
    static SplitReader open(SplitSpec split, String mode, HadoopFiles hadoop) throws IOException {
        Path file = hadoop != null && HadoopFiles.hasScheme(split.file()) ? hadoop.path(split.file())
                : Path.of(split.file());
        return SplitReader.open(new FileSplit(file, split.start(), split.end()), SplitMode.parse(mode));
    }
}
