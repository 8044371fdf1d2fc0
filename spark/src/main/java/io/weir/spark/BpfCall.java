package io.weir.spark;

import io.weir.capture.LinkType;
import io.weir.compiler.ebpf.CompiledFilter;
import java.io.Serializable;
import java.util.Locale;
import org.apache.spark.sql.connector.expressions.Expression;
import org.apache.spark.sql.connector.expressions.Literal;
import org.apache.spark.sql.connector.expressions.NamedReference;
import org.apache.spark.sql.connector.expressions.UserDefinedScalarFunc;
import org.apache.spark.sql.connector.expressions.filter.Predicate;

/**
 * A {@code weir.bpf(data, 'expr' [, linktype])} call ({@link BpfFunction}) pushed into the reader, which then runs
 * it on every packet instead of Spark, so {@code data} is not copied for it.
 *
 * <p><b>Exact, by construction.</b> The reader runs the very program the function would: the same expression,
 * compiled with the same options for the same link type, on the same bytes. That link type is the function's:
 * the packet's own when the third argument is the {@code linktype} column, else the literal given ({@code 1},
 * EN10MB, when left out), even in a file of another link type (as Spark would evaluate it on that file's
 * {@code data}). So the call is a program of its own, run after the scan's ({@code bpf} option and SQL
 * predicates, compiled for the file's link type and byte order), and Spark need not re-check it. Two cases are
 * not pushed, and Spark evaluates them: an expression that reads the wire length ({@code len}, {@code greater},
 * {@code less}: the function only sees {@code length(data)}, the reader the record's original length), and any
 * argument other than the {@code data} column, a string literal and the {@code linktype} column or an int
 * literal.
 *
 * @param expr     the expression
 * @param linkType the function's link type, or {@code -1}: the packet's ({@code linktype} column)
 */
record BpfCall(String expr, int linkType) implements Serializable {
    /** The link type the call compiles for on packets of {@code packetLinkType}. */
    int linkTypeFor(int packetLinkType) {
        return linkType < 0 ? packetLinkType : linkType;
    }

    /**
     * The call in {@code p} (Spark's {@code BOOLEAN_EXPRESSION} around it, or {@code weir.bpf(...) = true}), or {@code null} when it is
     * none or cannot be pushed exactly.
     *
     * @throws IllegalArgumentException the expression does not compile (the located error): the query fails at
     *     planning as it would in its first task
     */
    static BpfCall of(Predicate p) {
        UserDefinedScalarFunc f = call(p);
        if (f == null || !BpfFunction.CANONICAL.equals(f.canonicalName())) {
            return null;
        }
        Expression[] c = f.children();
        if (c.length < 2 || c.length > 3 || !isColumn(c[0], "data")
                || !(c[1] instanceof Literal<?> e) || e.value() == null) {
            return null;
        }
        int linkType = LinkType.ETHERNET;
        if (c.length == 3) {
            if (isColumn(c[2], "linktype")) {
                linkType = -1;
            } else if (c[2] instanceof Literal<?> l && l.value() instanceof Integer n) {
                linkType = n;
            } else {
                return null;
            }
        }
        String expr = e.value().toString();
        CompiledFilter program;
        try {
            program = BpfFunction.program(expr, linkType < 0 ? LinkType.ETHERNET : linkType);
        } catch (IllegalArgumentException err) {
            if (linkType >= 0) {
                throw err;
            }
            return null;   // may still compile for the files' link types: Spark evaluates it, row by row
        }
        return BpfFunction.readsWireLength(program) ? null : new BpfCall(expr, linkType);
    }

    private static UserDefinedScalarFunc call(Predicate p) {
        Expression[] c = p.children();
        if (p.name().equals("BOOLEAN_EXPRESSION") && c.length == 1 && c[0] instanceof UserDefinedScalarFunc f) {
            return f;
        }
        if ((p.name().equals("=") || p.name().equals("<=>")) && c.length == 2) {
            for (int i = 0; i < 2; i++) {
                if (c[i] instanceof UserDefinedScalarFunc f && c[1 - i] instanceof Literal<?> l
                        && Boolean.TRUE.equals(l.value())) {
                    return f;
                }
            }
        }
        return null;
    }

    private static boolean isColumn(Expression e, String name) {
        return e instanceof NamedReference r && r.fieldNames().length == 1
                && r.fieldNames()[0].toLowerCase(Locale.ROOT).equals(name);
    }

    @Override
    public String toString() {
        return "weir.bpf(data, '" + expr + "'" + (linkType < 0 ? ", linktype" : linkType == 1 ? "" : ", " + linkType)
                + ")";
    }
}
