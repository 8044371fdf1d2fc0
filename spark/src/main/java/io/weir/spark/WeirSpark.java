package io.weir.spark;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code ./weir-spark}: Spark in local mode for trying the data source without a cluster.
 *
 * <pre>
 * ./weir-spark [--master local[N]] [--option KEY=VALUE]... [--csv] [--max-rows N] [--repeat N] --sql "QUERY" PATH...
 * </pre>
 *
 * The paths become the views {@code packets} (the packet table) and {@code flows} (whole flows); the options
 * apply to both (except {@code output}). The result goes to stdout as a table or CSV; the query's own time
 * (session start-up excluded) goes to stderr; {@code --repeat N} runs it N times in the same session and prints
 * each time (the first run pays for Spark's own warm-up: code generation, class loading). Exit status 0, 1 on a failed query, 2 on a usage error.
 */
public final class WeirSpark {
    private static final String USAGE = "usage: weir-spark [--master local[N]] [--option KEY=VALUE]... [--csv]"
            + " [--max-rows N] [--repeat N] --sql \"QUERY\" PATH...";

    private WeirSpark() {}

    /** CPU time of this JVM, all threads ({@code -1} where the platform does not tell). */
    static long processCpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : -1;
    }

    /** The parsed command line. */
    record Args(String master, Map<String, String> options, boolean csv, int maxRows, int repeat, String sql,
            List<String> paths) {

        static Args parse(String[] argv) {
            String master = "local[*]";
            Map<String, String> options = new LinkedHashMap<>();
            boolean csv = false;
            int maxRows = 1000;
            int repeat = 1;
            String sql = null;
            List<String> paths = new ArrayList<>();
            for (int i = 0; i < argv.length; i++) {
                String a = argv[i];
                switch (a) {
                    case "--master" -> master = value(argv, ++i, a);
                    case "--option" -> {
                        String kv = value(argv, ++i, a);
                        int eq = kv.indexOf('=');
                        if (eq <= 0) {
                            throw new IllegalArgumentException("--option needs KEY=VALUE, not '" + kv + "'");
                        }
                        options.put(kv.substring(0, eq), kv.substring(eq + 1));
                    }
                    case "--csv" -> csv = true;
                    case "--max-rows" -> maxRows = Integer.parseInt(value(argv, ++i, a));
                    case "--repeat" -> repeat = Math.max(1, Integer.parseInt(value(argv, ++i, a)));
                    case "--sql" -> sql = value(argv, ++i, a);
                    default -> {
                        if (a.startsWith("--")) {
                            throw new IllegalArgumentException("unknown option '" + a + "'");
                        }
                        paths.add(a);
                    }
                }
            }
            if (sql == null || paths.isEmpty()) {
                throw new IllegalArgumentException("--sql QUERY and at least one PATH are required");
            }
            return new Args(master, options, csv, maxRows, repeat, sql, paths);
        }

        private static String value(String[] argv, int i, String option) {
            if (i >= argv.length) {
                throw new IllegalArgumentException("option '" + option + "' needs a value");
            }
            return argv[i];
        }
    }

    /** Runs the command and exits with its status. */
    public static void main(String[] argv) {
        System.exit(run(argv, System.out, System.err));
    }

    static int run(String[] argv, PrintStream out, PrintStream err) {
        Args a;
        try {
            a = Args.parse(argv);
        } catch (IllegalArgumentException e) {
            err.println("weir-spark: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        SparkSession.Builder b = SparkSession.builder().master(a.master()).appName("weir-spark")
                .config("spark.ui.enabled", "false").config("spark.sql.debug.maxToStringFields", "200");
        if (a.master().startsWith("local")) {
            // One machine: the loopback address, whatever the host name resolves to (no warning about it).
            b = b.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1");
        }
        SparkSession spark = b.getOrCreate();
        try {
            spark.sparkContext().setLogLevel("WARN");
            String[] paths = a.paths().toArray(new String[0]);
            reader(spark, a.options()).load(paths).createOrReplaceTempView("packets");
            PcapFlows.load(reader(spark, a.options()), paths).createOrReplaceTempView("flows");
            Dataset<Row> result = null;
            List<Row> rows = null;
            for (int run = 1; run <= a.repeat(); run++) {
                long t0 = System.nanoTime();
                long cpu0 = processCpuNanos();
                result = spark.sql(a.sql());
                rows = result.limit(a.maxRows()).collectAsList();
                long nanos = System.nanoTime() - t0;
                // CPU time of the whole JVM during the query: on a loaded machine, what the query itself cost.
                long cpu = processCpuNanos() - cpu0;
                err.printf(Locale.ROOT, "weir-spark: query time %.3f s (%d rows, master %s%s; JVM CPU %.3f s)%n",
                        nanos / 1e9, rows.size(), a.master(), a.repeat() == 1 ? "" : ", run " + run + " of "
                        + a.repeat(), cpu / 1e9);
            }
            String[] names = result.columns();
            if (a.csv()) {
                Output.csv(out, names, rows);
            } else {
                Output.table(out, names, rows);
            }
            return 0;
        } catch (RuntimeException e) {
            err.println("weir-spark: " + rootMessage(e));
            return 1;
        } finally {
            spark.stop();
        }
    }

    private static DataFrameReader reader(SparkSession spark, Map<String, String> options) {
        DataFrameReader r = spark.read().format(PcapDataSource.SHORT_NAME);
        for (Map.Entry<String, String> o : options.entrySet()) {
            if (!o.getKey().equalsIgnoreCase("output")) {
                r = r.option(o.getKey(), o.getValue());
            }
        }
        return r;
    }

    /** The innermost message (Spark wraps a task's failure in several layers). */
    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m != null ? m : t.toString();
    }
}
