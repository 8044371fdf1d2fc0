package io.weir.spark;

import java.util.List;
import org.apache.spark.sql.connector.read.InputPartition;

/**
 * A task's input: one or more splits (small files are packed together so that each task reads about
 * {@code splitSize} bytes; a large file's splits are one per task). A flows task reads every split of the scan
 * and counts only the packets of flow-hash bucket {@code bucket} of {@code buckets}.
 *
 * @param index   the partition's number
 * @param splits  the splits, in file order
 * @param bucket  the flow-hash bucket this task counts (flows scans; 0 otherwise)
 * @param buckets the number of buckets (1: every packet)
 */
record PcapPartition(int index, List<SplitSpec> splits, int bucket, int buckets) implements InputPartition {
    private static final long serialVersionUID = 2L;

    /** A packets task: every packet of its splits. */
    PcapPartition(int index, List<SplitSpec> splits) {
        this(index, splits, 0, 1);
    }

    /** Bytes of all splits. */
    long bytes() {
        long n = 0;
        for (SplitSpec s : splits) {
            n += s.length();
        }
        return n;
    }
}
