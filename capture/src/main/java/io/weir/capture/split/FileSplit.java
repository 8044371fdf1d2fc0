package io.weir.capture.split;

import java.io.Serializable;
import java.nio.file.Path;

/**
 * One split of a capture file: the records whose header (pcap) or block (pcapng) starts in the byte range
 * {@code [start, end)}; the whole file is {@code (0, size)}. Serializable (the path travels as a string), so a
 * Spark driver can ship it to executors.
 *
 * @param file  the capture file
 * @param start first byte of the range
 * @param end   one past the last byte of the range
 */
public record FileSplit(Path file, long start, long end) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Checks the range. */
    public FileSplit {
        if (file == null || start < 0 || end < start) {
            throw new IllegalArgumentException("bad split " + file + " [" + start + ", " + end + ")");
        }
    }

    /** Bytes in the range. */
    public long length() {
        return end - start;
    }

    @Override
    public String toString() {
        return file + " [" + start + ", " + end + ")";
    }

    // Path is not Serializable: write the split as its string form and rebuild it on reading.
    private Object writeReplace() {
        return new Form(file.toString(), start, end);
    }

    private record Form(String file, long start, long end) implements Serializable {
        private static final long serialVersionUID = 1L;

        private Object readResolve() {
            return new FileSplit(Path.of(file), start, end);
        }
    }
}
