package io.weir.capture.split;

import io.weir.capture.PcapReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a capture file into {@link FileSplit}s: one split for compressed files, for {@link SplitMode#NONE}, for
 * files no larger than the split size and for link types whose records may be so long (D-Bus: 128 MiB) that a
 * resync window is not worth reading; byte ranges of {@code splitSize} for {@link SplitMode#HEURISTIC}; ranges
 * starting at the sidecar's entries for {@link SplitMode#INDEX} (each split starts at the first entry at least
 * {@code splitSize} past the previous start). {@link SplitMode#AUTO} is INDEX when a current sidecar exists,
 * else HEURISTIC.
 */
public final class SplitPlanner {
    private SplitPlanner() {}

    /**
     * Splits of one file: compressed (gzip) or NONE gives one split; INDEX needs a current sidecar (a clear error
     * if it is absent or stale); AUTO = INDEX when a current sidecar exists, else HEURISTIC.
     *
     * @param splitSize the target split length in bytes, at least 1
     */
    public static List<FileSplit> plan(Path file, SplitMode mode, long splitSize) throws IOException {
        if (splitSize < 1) {
            throw new IllegalArgumentException("splitSize must be at least 1, not " + splitSize);
        }
        long size = Files.size(file);
        if (mode == SplitMode.NONE || isCompressed(file)) {
            return List.of(new FileSplit(file, 0, size));
        }
        CaptureIndex index = null;
        Path sidecar = CaptureIndex.sidecarPath(file);
        if (mode == SplitMode.INDEX) {
            index = CaptureIndex.read(sidecar, file);
        } else if (mode == SplitMode.AUTO && Files.exists(sidecar)) {
            try {
                index = CaptureIndex.read(sidecar, file);
            } catch (StaleIndexException e) {
                index = null;   // exact either way: the heuristic proves its boundaries
            }
        }
        if (size <= splitSize) {
            return List.of(new FileSplit(file, 0, size));
        }
        return index != null ? fromIndex(file, size, index, splitSize) : heuristic(file, size, splitSize);
    }

    private static List<FileSplit> fromIndex(Path file, long size, CaptureIndex index, long splitSize) {
        List<FileSplit> out = new ArrayList<>();
        long start = 0;
        List<CaptureIndex.Entry> entries = index.entries();
        for (int i = 1; i < entries.size(); i++) {
            long at = entries.get(i).offset();
            if (at - start >= splitSize) {
                out.add(new FileSplit(file, start, at));
                start = at;
            }
        }
        out.add(new FileSplit(file, start, size));
        return out;
    }

    private static List<FileSplit> heuristic(Path file, long size, long splitSize) throws IOException {
        try (PcapReader r = PcapReader.open(file, 1 << 16)) {
            r.readSectionHead();
            if (new Resync(null, file.toString(), size, r, 0).window() > Resync.MAX_WINDOW) {
                return List.of(new FileSplit(file, 0, size));
            }
        }
        List<FileSplit> out = new ArrayList<>();
        for (long start = 0; start < size; start += splitSize) {
            out.add(new FileSplit(file, start, Math.min(size, start + splitSize)));
            if (start > Long.MAX_VALUE - splitSize) {
                break;
            }
        }
        return out;
    }

    /** True if the file starts with gzip's magic (such files are one split: gzip cannot be entered midway). */
    static boolean isCompressed(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file)) {
            ByteBuffer b = ByteBuffer.allocate(2);
            while (b.hasRemaining() && ch.read(b) >= 0) {
                // read up to two bytes
            }
            return b.position() == 2 && (b.get(0) & 0xFF) == 0x1f && (b.get(1) & 0xFF) == 0x8b;
        }
    }
}
