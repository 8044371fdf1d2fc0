package io.weir.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The reader's options, parsed and checked once on the driver (a bad value fails the query before any task
 * runs); serializable, so tasks receive them as plain data.
 *
 * <table>
 * <caption>Options</caption>
 * <tr><th>option</th><th>values</th><th>default</th></tr>
 * <tr><td>{@code path} / {@code paths}</td><td>files, directories, globs</td><td>required</td></tr>
 * <tr><td>{@code bpf}</td><td>a pcap-filter(7) expression</td><td>none</td></tr>
 * <tr><td>{@code ip6Transport}, {@code vlanAny}</td><td>true/false: the CLI's {@code --ip6-transport}
 *     and {@code --vlan-any}</td><td>false</td></tr>
 * <tr><td>{@code split}</td><td>auto, none, heuristic, index</td><td>auto</td></tr>
 * <tr><td>{@code splitSize}</td><td>bytes, or with k/m/g suffix</td><td>256m</td></tr>
 * <tr><td>{@code mode}</td><td>FAILFAST, PERMISSIVE</td><td>FAILFAST</td></tr>
 * <tr><td>{@code verify}</td><td>true/false: check split boundaries</td><td>false</td></tr>
 * <tr><td>{@code output}</td><td>packets, flows</td><td>packets</td></tr>
 * <tr><td>{@code maxFlows}</td><td>flows per task's table (flows output)</td><td>262144</td></tr>
 * <tr><td>{@code pushdown}</td><td>true/false: translate SQL predicates into the reader</td><td>true</td></tr>
 * <tr><td>{@code columnar}</td><td>true/false: packets without {@code data} in columnar batches</td>
 *     <td>true</td></tr>
 * <tr><td>{@code flowPartitions}</td><td>tasks of a flows scan (each counts one flow-hash bucket)</td>
 *     <td>the splits, at most Spark's default parallelism</td></tr>
 * <tr><td>{@code fileSystem}</td><td>auto: paths with a scheme other than {@code file:} through Hadoop, the
 *     rest as local files; hadoop: every path through Hadoop (scheme-less ones against
 *     {@code fs.defaultFS})</td><td>auto</td></tr>
 * <tr><td>{@code fs.*}</td><td>added to Spark's Hadoop configuration for this read</td><td></td></tr>
 * </table>
 */
public final class PcapOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The default split size: each task costs Spark tens of milliseconds, so splits stay large. */
    public static final long DEFAULT_SPLIT_SIZE = 256L << 20;
    /** What opening a file costs, in bytes of reading, when small files are packed into one partition. */
    public static final long OPEN_COST = 4L << 20;

    /** What the table holds. */
    public enum Output { PACKETS, FLOWS }

    /** What a malformed record does. */
    public enum Mode {
        /** The task fails, naming the file and byte offset. */
        FAILFAST,
        /** Good packets come through; the split stops at the fault, which is counted and logged. */
        PERMISSIVE
    }

    final List<String> paths;
    final String bpf;
    final boolean ip6Transport;
    final boolean vlanAny;
    final String split;
    final long splitSize;
    final Mode mode;
    final boolean verify;
    final Output output;
    final int maxFlows;
    final boolean pushdown;
    /** Tasks of a flows scan; 0: chosen by the planner. */
    final int flowPartitions;
    /** Packets without {@code data} in columnar batches (option {@code columnar}, default true). */
    final boolean columnar;
    /** Every path through Hadoop's FileSystem ({@code fileSystem=hadoop}). */
    final boolean allHadoop;
    /** The read's {@code fs.*} options, for the Hadoop configuration. */
    final java.util.TreeMap<String, String> hadoopOptions = new java.util.TreeMap<>();

    private PcapOptions(Map<String, String> o) {
        paths = paths(o);
        String expr = get(o, "bpf", null);
        bpf = expr == null || expr.isBlank() ? null : expr.trim();
        ip6Transport = bool(o, "ip6Transport");
        vlanAny = bool(o, "vlanAny");
        split = choice(o, "split", "auto", "auto", "none", "heuristic", "index");
        splitSize = size(get(o, "splitSize", null));
        mode = Mode.valueOf(choice(o, "mode", "failfast", "failfast", "permissive").toUpperCase(Locale.ROOT));
        verify = bool(o, "verify");
        output = Output.valueOf(choice(o, "output", "packets", "packets", "flows").toUpperCase(Locale.ROOT));
        maxFlows = (int) Math.min(Integer.MAX_VALUE, positive("maxFlows", get(o, "maxFlows", "262144")));
        pushdown = !"false".equalsIgnoreCase(get(o, "pushdown", "true"));
        columnar = !"false".equalsIgnoreCase(get(o, "columnar", "true"));
        String fp = get(o, "flowPartitions", null);
        flowPartitions = fp == null ? 0 : (int) Math.min(4096, positive("flowPartitions", fp));
        allHadoop = choice(o, "fileSystem", "auto", "auto", "hadoop").equals("hadoop");
        Map<String, String> exact = o instanceof org.apache.spark.sql.util.CaseInsensitiveStringMap c
                ? c.asCaseSensitiveMap() : o;   // Hadoop's keys are case-sensitive
        for (Map.Entry<String, String> e : exact.entrySet()) {
            if (e.getKey().toLowerCase(Locale.ROOT).startsWith("fs.")) {
                hadoopOptions.put(e.getKey(), e.getValue());
            }
        }
    }

    /** Whether {@code path} is read through Hadoop's FileSystem (else: the local fast path). */
    boolean viaHadoop(String path) {
        String scheme = io.weir.spark.hadoop.HadoopFiles.scheme(path);
        return allHadoop || scheme != null && !scheme.equals("file");
    }

    /** Whether any path is read through Hadoop. */
    boolean needsHadoop() {
        for (String p : paths) {
            if (viaHadoop(p)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Parses Spark's case-insensitive option map.
     *
     * @throws IllegalArgumentException naming the option and the value at fault
     */
    public static PcapOptions parse(Map<String, String> options) {
        return new PcapOptions(options);
    }

    /** What the table holds. */
    public Output output() {
        return output;
    }

    /** The user's BPF expression, or {@code null}. */
    public String bpf() {
        return bpf;
    }

    /** The paths, globs or directories given. */
    public List<String> paths() {
        return paths;
    }

    private static String get(Map<String, String> o, String key, String dflt) {
        String v = o.get(key);
        if (v == null) {
            v = o.get(key.toLowerCase(Locale.ROOT));
        }
        return v == null ? dflt : v;
    }

    private static boolean bool(Map<String, String> o, String key) {
        String v = get(o, key, "false");
        if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
            throw new IllegalArgumentException("option " + key + ": expected true or false, not '" + v + "'");
        }
        return Boolean.parseBoolean(v);
    }

    private static String choice(Map<String, String> o, String key, String dflt, String... allowed) {
        String v = get(o, key, dflt).toLowerCase(Locale.ROOT);
        for (String a : allowed) {
            if (a.equals(v)) {
                return v;
            }
        }
        throw new IllegalArgumentException("option " + key + ": '" + v + "' is not one of "
                + String.join(", ", allowed));
    }

    /** A size: digits with an optional k, m or g suffix (binary units). */
    static long size(String v) {
        if (v == null) {
            return DEFAULT_SPLIT_SIZE;
        }
        String s = v.trim().toLowerCase(Locale.ROOT);
        if (s.endsWith("b")) {
            s = s.substring(0, s.length() - 1);
        }
        int shift = 0;
        if (!s.isEmpty()) {
            char unit = s.charAt(s.length() - 1);
            shift = unit == 'k' ? 10 : unit == 'm' ? 20 : unit == 'g' ? 30 : 0;
            if (shift != 0) {
                s = s.substring(0, s.length() - 1);
            }
        }
        long n = positive("splitSize", s);
        if (n > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("option splitSize: '" + v + "' is too large");
        }
        return n << shift;
    }

    private static long positive(String key, String s) {
        try {
            long n = Long.parseLong(s.trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("option " + key + ": expected a positive number, not '" + s + "'");
    }

    /** {@code path} (one) and {@code paths} (a JSON array of strings, as DataFrameReader.load(String...) sets it). */
    private static List<String> paths(Map<String, String> o) {
        List<String> out = new ArrayList<>();
        String one = get(o, "path", null);
        if (one != null && !one.isEmpty()) {
            out.add(one);
        }
        String many = get(o, "paths", null);
        if (many != null) {
            out.addAll(JsonStrings.parseArray(many));
        }
        return List.copyOf(out);
    }
}
