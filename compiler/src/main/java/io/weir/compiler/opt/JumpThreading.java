package io.weir.compiler.opt;

import io.weir.compiler.lower.Pred;
import io.weir.engine.cbpf.ClassicOp.Codes;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Jump threading with constant folding of tests: on every path, the outcomes of the tests already run are
 * known facts; a block whose outcome follows from them (the same test, or a test of the same value, such as
 * {@code ethertype == 0x86dd} after {@code ethertype == 0x800} held) is bypassed.
 *
 * <p>Sound because tests are self-contained (see {@link Pred}): equal statements load and compute the same
 * value, and they already ran without faulting on this path, so skipping them changes no verdict.
 */
public final class JumpThreading {
    /** A known outcome of a test on the current path. */
    record Fact(Pred.Test test, boolean outcome) {
        // Written out to keep the cold path off java.lang.invoke (see Pred.Test).
        @Override
        public boolean equals(Object o) {
            return o instanceof Fact x && x.outcome == outcome && x.test.equals(test);
        }

        @Override
        public int hashCode() {
            return test.hashCode() * 2 + (outcome ? 1 : 0);
        }
    }

    private record MemoKey(Cfg.Node node, Set<Fact> facts) {
        @Override
        public boolean equals(Object o) {
            return o instanceof MemoKey x && x.node == node && x.facts.equals(facts);
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(node) * 31 + facts.hashCode();
        }
    }

    /**
     * Rewritten blocks allowed per block of the input (plus a floor) before path-wise threading gives up for
     * {@link EdgeThreading}: copying blocks per path pays on the small filters people write (shorter programs
     * than libpcap's), but on large expressions it multiplies the program and the compile time.
     */
    private static final int MEMO_PER_BLOCK = 4;
    private static final int MEMO_FLOOR = 2_000;
    /** Graphs larger than this go to {@link EdgeThreading} directly (the path-wise attempt would only time out). */
    private static final int PATHWISE_MAX_BLOCKS = 300;

    private final Cfg out;
    private final Map<Cfg.Node, Set<Object>> valuesBelow = new IdentityHashMap<>();
    private final Map<MemoKey, Cfg.Node> memo = new HashMap<>();
    private final int maxMemo;

    private JumpThreading(Cfg out, int maxMemo) {
        this.out = out;
        this.maxMemo = maxMemo;
    }

    /** Whether a graph of this size is threaded path-wise (larger ones go to {@link EdgeThreading} directly). */
    static boolean pathwise(Cfg in) {
        return in.size() <= PATHWISE_MAX_BLOCKS;
    }

    /** Rebuilds the graph from {@code root} into {@code out}, bypassing tests decided on every path. */
    public static Cfg.Node run(Cfg.Node root, Cfg in, Cfg out) {
        if (!pathwise(in)) {
            return EdgeThreading.run(root, out);
        }
        JumpThreading jt = new JumpThreading(out, MEMO_FLOOR + MEMO_PER_BLOCK * in.size());
        try {
            return jt.rewrite(root, in, Set.of());
        } catch (IllegalStateException tooBig) {
            // Large expressions: libpcap's strength (edges only, no copies), in time linear in the rounds.
            return EdgeThreading.run(root, out);
        }
    }

    private Cfg.Node leaf(Cfg.Node n, Cfg in) {
        return out.leaf(n);
    }

    /** The statement lists (values) tested anywhere in the subgraph of {@code n}. */
    private Set<Object> values(Cfg.Node n) {
        if (n.isLeaf()) {
            return Set.of();
        }
        Set<Object> v = valuesBelow.get(n);
        if (v == null) {
            v = new HashSet<>();
            v.add(n.test.value());
            v.addAll(values(n.t));
            v.addAll(values(n.f));
            valuesBelow.put(n, v);
        }
        return v;
    }

    private Cfg.Node rewrite(Cfg.Node n, Cfg in, Set<Fact> facts) {
        if (n.isLeaf()) {
            return leaf(n, in);
        }
        // Only facts about values tested below matter: keying the memo on them keeps sharing intact.
        Set<Object> below = values(n);
        Set<Fact> relevant = new HashSet<>();
        for (Fact f : facts) {
            if (below.contains(f.test.value())) {
                relevant.add(f);
            }
        }
        MemoKey key = new MemoKey(n, relevant);
        Cfg.Node done = memo.get(key);
        if (done != null) {
            return done;
        }
        if (memo.size() > maxMemo) {
            throw new IllegalStateException("too many paths");
        }
        Boolean d = decide(n.test, relevant);
        Cfg.Node r;
        if (d != null) {
            r = rewrite(d ? n.t : n.f, in, relevant);
        } else {
            Set<Fact> ft = new HashSet<>(relevant);
            ft.add(new Fact(n.test, true));
            Set<Fact> ff = new HashSet<>(relevant);
            ff.add(new Fact(n.test, false));
            r = out.block(n.test, rewrite(n.t, in, ft), rewrite(n.f, in, ff));
        }
        memo.put(key, r);
        return r;
    }

    /** The outcome of {@code t} if the facts imply it, else null. */
    static Boolean decide(Pred.Test t, Set<Fact> facts) {
        for (Fact f : facts) {
            Boolean r = decide(t, f);
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    /** The outcome of {@code t} if the one fact {@code f} implies it, else null. */
    static Boolean decide(Pred.Test t, Fact f) {
        Pred.Test g = f.test;
        if (!g.value().equals(t.value())) {
            return null;
        }
        if (g.jcode() == t.jcode() && g.k() == t.k()) {
            return f.outcome;
        }
        if ((t.jcode() & 0x08) != 0 || (g.jcode() & 0x08) != 0) {
            return null;
        }
        return implied(g.jcode(), g.k(), f.outcome, t.jcode(), t.k());
    }

    private static int cmpu(int a, int b) {
        return Integer.compareUnsigned(a, b);
    }

    /** What "A op1 k1 is outcome" says about "A op2 k2" (all unsigned), or null if nothing. */
    private static Boolean implied(int op1, int k1, boolean outcome, int op2, int k2) {
        if (op1 == Codes.JEQ_K && outcome) {
            return eval(op2, k1, k2);
        }
        // Bounds on A: lo <= A <= hi (unsigned), from the fact.
        long lo = 0;
        long hi = 0xFFFFFFFFL;
        long u1 = k1 & 0xFFFFFFFFL;
        if (op1 == Codes.JGT_K) {
            if (outcome) {
                lo = u1 + 1;
            } else {
                hi = u1;
            }
        } else if (op1 == Codes.JGE_K) {
            if (outcome) {
                lo = u1;
            } else {
                hi = u1 - 1;
            }
        } else {
            return null;
        }
        if (lo > hi) {
            return null;
        }
        long u2 = k2 & 0xFFFFFFFFL;
        switch (op2) {
            case Codes.JEQ_K:
                return (u2 < lo || u2 > hi) ? Boolean.FALSE : null;
            case Codes.JGT_K:
                return lo > u2 ? Boolean.TRUE : hi <= u2 ? Boolean.FALSE : null;
            case Codes.JGE_K:
                return lo >= u2 ? Boolean.TRUE : hi < u2 ? Boolean.FALSE : null;
            default:
                return null;
        }
    }

    private static Boolean eval(int op, int a, int k) {
        switch (op) {
            case Codes.JEQ_K: return a == k;
            case Codes.JGT_K: return cmpu(a, k) > 0;
            case Codes.JGE_K: return cmpu(a, k) >= 0;
            case Codes.JSET_K: return (a & k) != 0;
            default: return null;
        }
    }
}
