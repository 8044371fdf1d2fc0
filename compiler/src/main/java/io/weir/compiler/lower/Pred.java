package io.weir.compiler.lower;

import io.weir.engine.cbpf.ClassicInsn;
import java.util.List;

/**
 * A boolean filter as a tree of self-contained tests: the lowering's output and the CFG builder's input.
 *
 * <p>Invariant: every {@link Test} computes everything it needs from the packet (its statements start from
 * scratch), so two equal tests give equal results on the same packet wherever they run. The optimizer relies
 * on this to thread jumps; only the final emission shares registers between blocks.
 */
public sealed interface Pred permits Pred.Const, Pred.Test, Pred.And, Pred.Or, Pred.Not {

    /** Always true or always false. */
    record Const(boolean value) implements Pred {
        @Override
        public boolean equals(Object o) {
            return o instanceof Const c && c.value == value;
        }

        @Override
        public int hashCode() {
            return value ? 1 : 0;
        }
    }

    /**
     * Runs {@code stmts} (loads and arithmetic, no jumps) and then the conditional jump {@code jcode}
     * (a {@code BPF_JMP} code, {@code K} or {@code X} source) against {@code k}.
     *
     * <p>{@code relation} marks the comparison of a byte-offset expression ({@code ip6[6] = 58}). libpcap
     * computes those through scratch memory, and its optimizer does not relate them to the protocol tests of
     * primitives ({@code udp}), so it compiles {@code ip6[6] = 58 and udp} instead of finding that it rejects
     * every packet. The optimizer keeps the two kinds apart to accept and reject the same expressions.
     */
    record Test(List<ClassicInsn> stmts, int jcode, int k, boolean relation) implements Pred {
        public Test {
            stmts = List.copyOf(stmts);
        }

        /** A test of a primitive. */
        public Test(List<ClassicInsn> stmts, int jcode, int k) {
            this(stmts, jcode, k, false);
        }

        /** What the test compares: its statements, and whether it belongs to a relation. */
        public Object value() {
            return relation ? List.of("relation", stmts) : stmts;
        }

        // Written out: a record's generated equals/hashCode bootstrap java.lang.invoke (ObjectMethods) on first
        // use, some 150 classes and tens of milliseconds of a cold compile.
        @Override
        public boolean equals(Object o) {
            return o instanceof Test t && jcode == t.jcode && k == t.k && relation == t.relation
                    && stmts.equals(t.stmts);
        }

        @Override
        public int hashCode() {
            return ((stmts.hashCode() * 31 + jcode) * 31 + k) * 31 + (relation ? 1 : 0);
        }
    }

    /** Both, left first (short-circuit). */
    record And(Pred l, Pred r) implements Pred {
    }

    /** Either, left first (short-circuit). */
    record Or(Pred l, Pred r) implements Pred {
    }

    /** Negation. */
    record Not(Pred p) implements Pred {
    }

    /** The constant true. */
    Pred TRUE = new Const(true);
    /** The constant false. */
    Pred FALSE = new Const(false);

    /** {@code a and b}, folding constants (as libpcap's optimizer does, a test before a constant false goes). */
    static Pred and(Pred a, Pred b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        if (a instanceof Const ca) {
            return ca.value() ? b : FALSE;
        }
        if (b instanceof Const cb) {
            return cb.value() ? a : FALSE;
        }
        return new And(a, b);
    }

    /** {@code a or b}, folding constants. */
    static Pred or(Pred a, Pred b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        if (a instanceof Const ca) {
            return ca.value() ? TRUE : b;
        }
        if (b instanceof Const cb) {
            return cb.value() ? TRUE : a;
        }
        return new Or(a, b);
    }

    /** A rewrite of one test; {@code X} is what it may throw ({@code RuntimeException}: nothing checked). */
    @FunctionalInterface
    interface TestRewrite<X extends Exception> {
        Pred apply(Test t) throws X;
    }

    /**
     * {@code p} with every test replaced by what {@code f} makes of it; and, or, not and constants are kept as
     * they are (nothing is folded), so a rewrite that returns each test unchanged returns an equal tree.
     */
    static <X extends Exception> Pred mapTests(Pred p, TestRewrite<X> f) throws X {
        if (p instanceof Test t) {
            return f.apply(t);
        }
        if (p instanceof And a) {
            return new And(mapTests(a.l(), f), mapTests(a.r(), f));
        }
        if (p instanceof Or o) {
            return new Or(mapTests(o.l(), f), mapTests(o.r(), f));
        }
        if (p instanceof Not n) {
            return new Not(mapTests(n.p(), f));
        }
        return p;
    }

    /** {@code not a}, folding constants and double negation. */
    static Pred not(Pred a) {
        if (a instanceof Const c) {
            return c.value() ? FALSE : TRUE;
        }
        if (a instanceof Not n) {
            return n.p();
        }
        return new Not(a);
    }
}
