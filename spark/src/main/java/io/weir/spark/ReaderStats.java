package io.weir.spark;

import java.util.concurrent.atomic.LongAdder;
import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.metric.CustomSumMetric;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;

/**
 * What the readers did, two ways: Spark SQL metrics ({@code captureErrors}, {@code packetsRead},
 * {@code packetsFiltered}), shown in the UI and in {@code explain("cost")}-style plans after a run, and
 * JVM-wide counters that tests of a {@code local[N]} session read directly (how many packets were decoded,
 * how many bytes copied into {@code data}). Readers add to the JVM counters once per split, not per packet.
 */
public final class ReaderStats {
    private static final LongAdder ERRORS = new LongAdder();
    private static final LongAdder DECODED = new LongAdder();
    private static final LongAdder COPIED_BYTES = new LongAdder();
    private static final LongAdder PACKETS = new LongAdder();

    private ReaderStats() {}

    /** Malformed records met in PERMISSIVE mode (each ends its split). */
    public static long errors() {
        return ERRORS.sum();
    }

    /** Packets decoded for the decoded columns. */
    public static long decoded() {
        return DECODED.sum();
    }

    /** Bytes copied into the {@code data} column. */
    public static long copiedBytes() {
        return COPIED_BYTES.sum();
    }

    /** Packets read from files (before any filter). */
    public static long packetsRead() {
        return PACKETS.sum();
    }

    /** Resets the JVM counters (for tests). */
    public static void reset() {
        ERRORS.reset();
        DECODED.reset();
        COPIED_BYTES.reset();
        PACKETS.reset();
    }

    static void add(long errors, long decoded, long copied, long packets) {
        ERRORS.add(errors);
        DECODED.add(decoded);
        COPIED_BYTES.add(copied);
        PACKETS.add(packets);
    }

    /** The SQL metrics a scan declares. */
    static CustomMetric[] metrics() {
        return new CustomMetric[] {new Errors(), new Packets(), new Matched()};
    }

    /** A task's values of {@link #metrics()}. */
    static CustomTaskMetric[] values(long errors, long packets, long matched) {
        return new CustomTaskMetric[] {task("captureErrors", errors), task("packetsRead", packets),
            task("packetsFiltered", matched)};
    }

    private static CustomTaskMetric task(String name, long value) {
        return new CustomTaskMetric() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public long value() {
                return value;
            }
        };
    }

    /** Malformed records skipped in PERMISSIVE mode. */
    public static final class Errors extends CustomSumMetric {
        @Override
        public String name() {
            return "captureErrors";
        }

        @Override
        public String description() {
            return "malformed capture records (PERMISSIVE)";
        }
    }

    /** Packets read from the files. */
    public static final class Packets extends CustomSumMetric {
        @Override
        public String name() {
            return "packetsRead";
        }

        @Override
        public String description() {
            return "packets read from capture files";
        }
    }

    /** Packets that passed the reader's filter. */
    public static final class Matched extends CustomSumMetric {
        @Override
        public String name() {
            return "packetsFiltered";
        }

        @Override
        public String description() {
            return "packets passing the BPF filter and time range";
        }
    }
}
