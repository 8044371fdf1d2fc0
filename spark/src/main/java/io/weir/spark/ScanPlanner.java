package io.weir.spark;

import io.weir.capture.CaptureFormatException;
import io.weir.capture.CaptureInterface;
import io.weir.capture.PcapReader;
import io.weir.spark.hadoop.HadoopFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The driver's part of a scan: the files the paths name, their heads (link types and byte order, for compiling
 * the filter before any task runs), their splits, and the packing of splits into partitions.
 *
 * <p>Packing: splits are taken in file order and a partition is closed when the next split would take it above
 * {@code splitSize} bytes, each file counting {@link PcapOptions#OPEN_COST} more (opening a file and reading its
 * head is not free). So a directory of small files gives a few tasks, and a large file one task per split.
 */
final class ScanPlanner {
    private ScanPlanner() {}

    /** The partitions of a scan; compiles the plan's programs for every file head met. */
    static List<PcapPartition> plan(PcapOptions options, BpfPlan plan, HadoopFiles hadoop) {
        List<Path> files = PathResolver.resolve(options.paths, options::viaHadoop, hadoop);
        List<SplitSpec> all = new ArrayList<>();
        for (Path f : files) {
            try {
                boolean big = false;
                if (!plan.isEmpty()) {
                    Head h = head(f);
                    big = h.order == ByteOrder.BIG_ENDIAN;
                    for (int lt : h.linkTypes) {
                        plan.prepare(lt, h.order, f.toString());
                    }
                }
                for (SplitSpec s : Splits.plan(f, options.split, options.splitSize, plan.pushed())) {
                    all.add(s.withBigEndian(big));
                }
            } catch (CaptureFormatException e) {
                // PERMISSIVE: a file that is not a readable capture is skipped (its tasks would count it).
                if (options.mode != PcapOptions.Mode.PERMISSIVE) {
                    throw new UncheckedIOException(e);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(f + ": " + e.getMessage(), e);
            }
        }
        return pack(all, options.splitSize);
    }

    /** A file's byte order and the link types of the interfaces its head declares. */
    private record Head(ByteOrder order, List<Integer> linkTypes) {}

    private static Head head(Path f) throws IOException {
        try (PcapReader r = PcapReader.open(f)) {
            List<Integer> lts = new ArrayList<>();
            for (CaptureInterface ci : r.interfaces()) {
                if (!lts.contains(ci.linkType())) {
                    lts.add(ci.linkType());
                }
            }
            return new Head(r.byteOrder(), lts);
        }
    }

    /**
     * The tasks of a flows scan: {@code buckets} tasks (at least 1), each reading every split of {@code planned}
     * in file order and counting the flows of its hash bucket. Every byte is read once per task, the flow
     * counting (the costly part) is divided among them; see ARCHITECTURE.md, "Spark data source".
     */
    static List<PcapPartition> flowBuckets(List<PcapPartition> planned, int buckets) {
        List<SplitSpec> all = new ArrayList<>();
        for (PcapPartition p : planned) {
            all.addAll(p.splits());
        }
        int k = Math.max(1, buckets);
        List<PcapPartition> out = new ArrayList<>(k);
        for (int b = 0; b < k; b++) {
            out.add(new PcapPartition(b, List.copyOf(all), b, k));
        }
        return out;
    }

    /** Next-fit packing of splits into partitions of about {@code target} bytes. */
    static List<PcapPartition> pack(List<SplitSpec> splits, long target) {
        List<PcapPartition> out = new ArrayList<>();
        List<SplitSpec> bin = new ArrayList<>();
        long bytes = 0;
        for (SplitSpec s : splits) {
            long cost = s.length() + PcapOptions.OPEN_COST;
            if (!bin.isEmpty() && bytes + cost > target) {
                out.add(new PcapPartition(out.size(), List.copyOf(bin)));
                bin.clear();
                bytes = 0;
            }
            bin.add(s);
            bytes += cost;
        }
        if (!bin.isEmpty()) {
            out.add(new PcapPartition(out.size(), List.copyOf(bin)));
        }
        return out;
    }
}
