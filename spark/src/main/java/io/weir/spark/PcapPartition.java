package io.weir.spark;

import java.util.List;
import org.apache.spark.sql.connector.read.InputPartition;

/**
 * A task's input: one or more splits (small files are packed together so that each task reads about
 * {@code splitSize} bytes; a large file's splits are one per task).
 *
 * @param index  the partition's number
 * @param splits the splits, in file order
 */
record PcapPartition(int index, List<SplitSpec> splits) implements InputPartition {
    private static final long serialVersionUID = 1L;

    /** Bytes of all splits. */
    long bytes() {
        long n = 0;
        for (SplitSpec s : splits) {
            n += s.length();
        }
        return n;
    }
}
