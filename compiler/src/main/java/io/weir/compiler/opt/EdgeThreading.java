package io.weir.compiler.opt;

import io.weir.compiler.lower.Pred;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Jump threading on edges only, the strength of libpcap's optimizer: what is known on an edge is what holds on
 * every path to it; an edge into a block whose test those facts decide goes straight to the right successor.
 * No block is copied per path, so it proves less than {@link JumpThreading}.
 *
 * <p>Weir uses it for one decision: whether an expression "rejects all packets", which libpcap reports as an
 * error. When {@link JumpThreading} proves that a program never accepts but this weaker analysis does not,
 * libpcap would compile the expression, so Weir compiles it too (to {@code ret #0}).
 */
public final class EdgeThreading {
    /** A known outcome of a test. */
    private record Fact(Pred.Test test, boolean outcome) {
        // Written out to keep compiles off java.lang.invoke (see Pred.Test).
        @Override
        public boolean equals(Object o) {
            return o instanceof Fact x && x.outcome == outcome && x.test.equals(test);
        }

        @Override
        public int hashCode() {
            return test.hashCode() * 2 + (outcome ? 1 : 0);
        }
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

    /** Whether edge threading alone reduces the graph at {@code root} to the rejecting leaf. */
    public static boolean rejectsAll(Cfg.Node root) {
        M r = toMutable(root, new IdentityHashMap<>());
        for (int round = 0; round < MAX_ROUNDS && threadOnce(r); round++) {
            // Redirected edges change what dominates what: recompute until nothing moves.
        }
        return !canAccept(r, Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    private static boolean canAccept(M m, Set<M> seen) {
        if (m.isLeaf()) {
            return m.leaf.accept;
        }
        if (!seen.add(m)) {
            return false;
        }
        return canAccept(m.t, seen) || canAccept(m.f, seen);
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
                continue; // unreachable after an earlier redirect in this pass
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

    private static Boolean decide(Pred.Test t, Set<Fact> facts) {
        Set<JumpThreading.Fact> converted = new HashSet<>();
        for (Fact f : facts) {
            converted.add(new JumpThreading.Fact(f.test, f.outcome));
        }
        return JumpThreading.decide(t, converted);
    }
}
