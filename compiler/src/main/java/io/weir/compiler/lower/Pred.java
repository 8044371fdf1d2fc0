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
    }

    /**
     * Runs {@code stmts} (loads and arithmetic, no jumps) and then the conditional jump {@code jcode}
     * (a {@code BPF_JMP} code, {@code K} or {@code X} source) against {@code k}.
     */
    record Test(List<ClassicInsn> stmts, int jcode, int k) implements Pred {
        public Test {
            stmts = List.copyOf(stmts);
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
