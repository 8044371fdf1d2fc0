package io.weir.spark;

import io.weir.spark.hadoop.HadoopFiles;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.expressions.filter.Predicate;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.SupportsPushDownLimit;
import org.apache.spark.sql.connector.read.SupportsPushDownRequiredColumns;
import org.apache.spark.sql.connector.read.SupportsPushDownV2Filters;
import org.apache.spark.sql.types.StructType;

/**
 * Takes what Spark pushes down: the columns the query needs, the predicates the reader can apply (see
 * {@link PushedPredicates}; all but {@code weir.bpf} calls, which are exact ({@link BpfCall}), are returned for
 * Spark to re-check), and a limit (each task stops after it).
 * {@link #build()} compiles the user's expression once, so that a bad one fails the query at planning.
 */
final class PcapScanBuilder implements SupportsPushDownRequiredColumns, SupportsPushDownV2Filters,
        SupportsPushDownLimit {
    private final PcapOptions options;
    private StructType schema;
    private final PushedPredicates pushed = new PushedPredicates();
    private Predicate[] pushedPredicates = new Predicate[0];
    private long limit = Long.MAX_VALUE;

    PcapScanBuilder(PcapOptions options, StructType schema) {
        this.options = options;
        this.schema = schema;
    }

    @Override
    public void pruneColumns(StructType required) {
        schema = required;
    }

    @Override
    public Predicate[] pushPredicates(Predicate[] predicates) {
        if (options.output != PcapOptions.Output.PACKETS || !options.pushdown) {
            return predicates;
        }
        // weir.bpf calls run exactly in the reader (BpfCall): Spark does not see them again.
        List<Predicate> rest = new ArrayList<>();
        List<Predicate> calls = new ArrayList<>();
        for (Predicate p : predicates) {
            (pushed.addCall(p) ? calls : rest).add(p);
        }
        List<Predicate> used = new ArrayList<>(calls);
        used.addAll(pushed.add(rest.toArray(new Predicate[0])));
        pushedPredicates = used.toArray(new Predicate[0]);
        // The other predicates are re-checked by Spark: their translation is a superset, not a proof.
        return rest.toArray(new Predicate[0]);
    }

    @Override
    public Predicate[] pushedPredicates() {
        return pushedPredicates;
    }

    @Override
    public boolean pushLimit(int n) {
        if (options.output != PcapOptions.Output.PACKETS) {
            return false;
        }
        limit = Math.min(limit, n);
        return true;
    }

    @Override
    public boolean isPartiallyPushed() {
        return true;   // each task stops at the limit; Spark applies it across tasks
    }

    @Override
    public Scan build() {
        BpfPlan plan = new BpfPlan(options.bpf, pushed.isEmpty() ? null : pushed, options.ip6Transport,
                options.vlanAny);
        if (options.bpf != null) {
            // Fails the query here, with the located error, before any file is opened.
            plan.prepare(1, java.nio.ByteOrder.BIG_ENDIAN, "(checked for Ethernet)");
        }
        SparkSession spark = SparkSession.active();
        HadoopFiles hadoop = null;
        if (options.needsHadoop()) {
            Configuration conf = new Configuration(spark.sparkContext().hadoopConfiguration());
            options.hadoopOptions.forEach(conf::set);
            hadoop = new HadoopFiles(conf);
        }
        return new PcapScan(options, plan, schema, limit, hadoop, spark.sparkContext().defaultParallelism());
    }
}
