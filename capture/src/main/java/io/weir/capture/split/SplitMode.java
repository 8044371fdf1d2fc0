package io.weir.capture.split;

import java.util.Locale;

/**
 * How a capture file is cut into splits ({@code option("split", ...)} of the Spark source).
 *
 * <p>{@link #AUTO} uses the {@code weir index} sidecar when a current one sits beside the file, else
 * {@link #HEURISTIC}; {@link #NONE} reads every file whole; {@link #HEURISTIC} cuts at fixed byte offsets and
 * each split proves its first record boundary (see the package documentation); {@link #INDEX} cuts at the
 * offsets recorded by {@code weir index} and fails if the sidecar is missing or stale.
 */
public enum SplitMode {
    /** The index when a current sidecar exists, else {@link #HEURISTIC}. */
    AUTO,
    /** One split per file. */
    NONE,
    /** Fixed-size byte ranges; each split resyncs on a proven record boundary. */
    HEURISTIC,
    /** Byte ranges starting at the record offsets of the {@code weir index} sidecar. */
    INDEX;

    /** Parses an option value such as {@code "auto"} (any case). */
    public static SplitMode parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown split mode '" + value + "' (auto, none, heuristic, index)");
        }
    }
}
