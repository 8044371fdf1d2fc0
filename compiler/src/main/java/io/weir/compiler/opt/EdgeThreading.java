package io.weir.compiler.opt;

import io.weir.compiler.lower.Pred;
import io.weir.engine.cbpf.ClassicOp.Codes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Jump threading on edges, as libpcap's optimizer does it: what is known on an edge is what holds on every
 * path to it (the outcomes of the tests that dominate it); an edge into a block whose test those facts decide
 * (the same test, or a test of the same value, such as {@code ethertype == 0x86dd} once
 * {@code ethertype == 0x800} held) goes straight to the block's successor for that outcome.
 *
 * <p>Blocks are never copied per path: a test is skipped only where every path to the edge already ran an
 * equal load, so the loads that run (and can fault on a truncated packet) stay those of libpcap's program.
 * Sound because tests are self-contained ({@link Pred}): equal statements compute equal values.
 */
public final class EdgeThreading {
    /** A known outcome of a test. */
    record Fact(Pred.Test test, boolean outcome) {
    }

    /** A mutable block for edge surgery. */
    private static final class M {
        final Pred.Test test;
        final Cfg.Node leaf;
        M t;
        M f;

        M(Pred.Test test, Cfg.Node leaf) {
            this.test = test;
            this.leaf = leaf;
        }

        boolean isLeaf() {
            return test == null;
        }
    }

    private static final int MAX_ROUNDS = 1000;

    private EdgeThreading() {
    }

    /** Rebuilds the graph from {@code root} into {@code out} with decided tests bypassed on every edge. */
    public static Cfg.Node run(Cfg.Node root, Cfg out) {
        Map<Cfg.Node, M> copies = new IdentityHashMap<>();
        M r = toMutable(root, copies);
        for (int round = 0; round < MAX_ROUNDS && threadOnce(r); round++) {
            // Redirected edges change what dominates what: recompute until nothing moves.
        }
        return toCfg(r, out, new IdentityHashMap<>());
    }

    private static M toMutable(Cfg.Node n, Map<Cfg.Node, M> copies) {
        M m = copies.get(n);
        if (m == null) {
            m = new M(n.test, n.isLeaf() ? n : null);
            copies.put(n, m);
            if (!n.isLeaf()) {
                m.t = toMutable(n.t, copies);
                m.f = toMutable(n.f, copies);
            }
        }
        return m;
    }

    private static Cfg.Node toCfg(M m, Cfg out, Map<M, Cfg.Node> done) {
        if (m.isLeaf()) {
            return out.leaf(m.leaf);
        }
        Cfg.Node n = done.get(m);
        if (n == null) {
            n = out.block(m.test, toCfg(m.t, out, done), toCfg(m.f, out, done));
            done.put(m, n);
        }
        return n;
    }

    private static void post(M m, Set<M> seen, List<M> out) {
        if (m.isLeaf() || !seen.add(m)) {
            return;
        }
        post(m.t, seen, out);
        post(m.f, seen, out);
        out.add(m);
    }

    /** One pass in topological order; true if some edge moved. */
    private static boolean threadOnce(M root) {
        List<M> order = new ArrayList<>();
        post(root, Collections.newSetFromMap(new IdentityHashMap<>()), order);
        Collections.reverse(order);
        Map<M, Set<Fact>> entry = new IdentityHashMap<>();
        entry.put(root, new HashSet<>());
        boolean changed = false;
        for (M p : order) {
            Set<Fact> known = entry.get(p);
            if (known == null) {
                continue; // no longer reachable after an earlier redirect in this pass
            }
            for (boolean outcome : new boolean[] {true, false}) {
                Set<Fact> edge = new HashSet<>(known);
                edge.add(new Fact(p.test, outcome));
                M target = outcome ? p.t : p.f;
                M start = target;
                while (!target.isLeaf()) {
                    Boolean d = decide(target.test, edge);
                    if (d == null) {
                        break;
                    }
                    target = d ? target.t : target.f;
                }
                if (target != start) {
                    changed = true;
                    if (outcome) {
                        p.t = target;
                    } else {
                        p.f = target;
                    }
                }
                if (!target.isLeaf()) {
                    Set<Fact> e = entry.get(target);
                    if (e == null) {
                        entry.put(target, edge);
                    } else {
                        e.retainAll(edge);
                    }
                }
            }
        }
        return changed;
    }

    /** The outcome of {@code t} if the facts imply it, else null. */
    static Boolean decide(Pred.Test t, Set<Fact> facts) {
        boolean kSource = (t.jcode() & 0x08) == 0;
        for (Fact f : facts) {
            Pred.Test g = f.test;
            if (!g.stmts().equals(t.stmts())) {
                continue;
            }
            if (g.jcode() == t.jcode() && g.k() == t.k()) {
                return f.outcome;
            }
            if (!kSource || (g.jcode() & 0x08) != 0) {
                continue;
            }
            Boolean r = implied(g.jcode(), g.k(), f.outcome, t.jcode(), t.k());
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    /** What "A op1 k1 is outcome" says about "A op2 k2" (all unsigned), or null if nothing. */
    private static Boolean implied(int op1, int k1, boolean outcome, int op2, int k2) {
        if (op1 == Codes.JEQ_K && outcome) {
            switch (op2) {
                case Codes.JEQ_K: return k1 == k2;
                case Codes.JGT_K: return Integer.compareUnsigned(k1, k2) > 0;
                case Codes.JGE_K: return Integer.compareUnsigned(k1, k2) >= 0;
                case Codes.JSET_K: return (k1 & k2) != 0;
                default: return null;
            }
        }
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
}
