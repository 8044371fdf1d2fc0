package io.weir.spark;

import java.io.Serializable;

/**
 * One split of one capture file, as plain data for a task: the records whose header starts in
 * {@code [start, end)}. A path string, not a {@link java.nio.file.Path} (which is not serializable).
 *
 * @param file      the file's absolute path
 * @param start     first byte of the split
 * @param end       one past its last byte
 * @param nextStart start of the file's next split ({@code -1} for the last), for {@code verify}
 * @param nextEnd   end of the file's next split
 * @param bigEndian the file's byte order (what DLT_NULL filters are compiled for), when the planner read it
 */
record SplitSpec(String file, long start, long end, long nextStart, long nextEnd, boolean bigEndian)
        implements Serializable {
    /** Bytes of the split. */
    long length() {
        return end - start;
    }

    /** The same split with the file's byte order. */
    SplitSpec withBigEndian(boolean big) {
        return new SplitSpec(file, start, end, nextStart, nextEnd, big);
    }

    /** The file's next split ({@code null} for the last). */
    SplitSpec next() {
        return nextStart < 0 ? null : new SplitSpec(file, nextStart, nextEnd, -1, -1, bigEndian);
    }

    @Override
    public String toString() {
        return file + "[" + start + ", " + end + ")";
    }
}
