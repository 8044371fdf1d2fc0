package io.weir.spark;

import java.util.List;
import org.apache.spark.sql.connector.expressions.filter.Predicate;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.SupportsPushDownLimit;
import org.apache.spark.sql.connector.read.SupportsPushDownRequiredColumns;
import org.apache.spark.sql.connector.read.SupportsPushDownV2Filters;
import org.apache.spark.sql.types.StructType;

/**
 * Takes what Spark pushes down: the columns the query needs, the predicates the reader can apply (see
 * {@link PushedPredicates}; all are returned for Spark to re-check), and a limit (each task stops after it).
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
        if (options.output == PcapOptions.Output.PACKETS && options.pushdown) {
            List<Predicate> used = pushed.add(predicates);
            pushedPredicates = used.toArray(new Predicate[0]);
        }
        // Every predicate is re-checked by Spark: the reader's translation is a superset, not a proof.
        return predicates;
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
        return new PcapScan(options, plan, schema, limit);
    }
}
