package io.weir.spark;

import io.weir.capture.split.CaptureIndex;
import io.weir.capture.split.FileSplit;
import io.weir.capture.split.SplitMode;
import io.weir.capture.split.SplitPlanner;
import io.weir.capture.split.SplitReader;
import io.weir.capture.split.StaleIndexException;
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
        List<FileSplit> cut = SplitPlanner.plan(file, SplitMode.parse(mode), splitSize);
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

    /** Opens one split for reading. */
    static SplitReader open(SplitSpec split, String mode) throws IOException {
        return SplitReader.open(new FileSplit(Path.of(split.file()), split.start(), split.end()),
                SplitMode.parse(mode));
    }
}
