package io.weir.compiler.opt;

import io.weir.compiler.lower.Pred;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Jump threading on edges only, the strength of libpcap's optimizer: what is known on an edge is what holds on
 * every path to it; an edge into a block whose test those facts decide goes straight to the right successor.
 * No block is copied per path, so it proves less than {@link JumpThreading}, and never makes the graph larger.
 *
 * <p>Weir uses it twice: to decide whether an expression "rejects all packets", which libpcap reports as an
 * error (when {@link JumpThreading} proves that a program never accepts but this weaker analysis does not,
 * libpcap would compile the expression, so Weir compiles it too, to {@code ret #0}); and as
 * {@link JumpThreading}'s fallback for large expressions, where copying blocks per path would grow the program
 * (and the compile time) far past libpcap's.
 */
public final class EdgeThreading {
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

    /** Rounds of libpcap's optimizer loop (threading, then pullups) {@link #rejectsAll} runs at most. */
    private static final int MAX_PASSES = 20;

    /**
     * Whether libpcap's optimizer would reduce the graph at {@code root} to "reject": its loop of edge threading
     * with its folding rule ({@link #libpcapFold}) and or/and pullups ({@link Pullup}), until nothing changes.
     */
    public static boolean rejectsAll(Cfg.Node root) {
        Cfg.Node r = root;
        for (int pass = 0; pass < MAX_PASSES && !r.isLeaf(); pass++) {
            Cfg threaded = new Cfg();
            Cfg.Node t = toCfg(threaded(r, true), threaded, new IdentityHashMap<>());
            Cfg pulled = new Cfg();
            Cfg.Node p = Pullup.run(t, threaded, pulled);
            if (same(p, r, new IdentityHashMap<>())) {
                break;
            }
            r = p;
        }
        return !canAccept(toMutable(r, new IdentityHashMap<>()), Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    /** Whether two graphs (of any {@link Cfg}s) have the same shape and tests. */
    private static boolean same(Cfg.Node a, Cfg.Node b, Map<Cfg.Node, Cfg.Node> seen) {
        if (a.isLeaf() || b.isLeaf()) {
            return a.isLeaf() && b.isLeaf() && a.accept == b.accept && a.fault == b.fault;
        }
        Cfg.Node m = seen.get(a);
        if (m != null) {
            return m == b;
        }
        seen.put(a, b);
        return a.test.equals(b.test) && same(a.t, b.t, seen) && same(a.f, b.f, seen);
    }

    /**
     * Rebuilds the graph from {@code root} into {@code out}, with every edge threaded as far as its facts go
     * (with {@link JumpThreading}'s folding, which also knows value ranges).
     */
    public static Cfg.Node run(Cfg.Node root, Cfg out) {
        return toCfg(threaded(root, false), out, new IdentityHashMap<>());
    }

    private static M threaded(Cfg.Node root, boolean libpcapFold) {
        M r = toMutable(root, new IdentityHashMap<>());
        for (int round = 0; round < MAX_ROUNDS && threadOnce(r, libpcapFold); round++) {
            // Redirected edges change what dominates what: recompute until nothing moves.
        }
        return r;
    }

    /**
     * libpcap's {@code fold_edge}: a fact decides a test of the same value only with the same jump code; the same
     * operand gives the fact's outcome, and a {@code jeq #k} that held makes any other {@code jeq} false. (No
     * range reasoning: {@code less 100 and greater 500} is not a contradiction to libpcap.)
     */
    static Boolean libpcapFold(Pred.Test t, JumpThreading.Fact f) {
        Pred.Test g = f.test();
        if (g.jcode() != t.jcode() || !g.value().equals(t.value())) {
            return null;
        }
        if (g.k() == t.k()) {
            return f.outcome();
        }
        return f.outcome() && g.jcode() == io.weir.engine.cbpf.ClassicOp.Codes.JEQ_K ? Boolean.FALSE : null;
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

    /**
     * The distinct facts of a graph (each test with each outcome) numbered, so that a set of facts is a
     * {@link BitSet} (as libpcap keeps its edge dominators), and the facts about each value listed for
     * {@link JumpThreading#decide(Pred.Test, JumpThreading.Fact)}.
     */
    private static final class Facts {
        final Map<JumpThreading.Fact, Integer> index = new HashMap<>();
        final List<JumpThreading.Fact> all = new ArrayList<>();
        final Map<Object, int[]> byValue = new HashMap<>();

        Facts(List<M> blocks) {
            Map<Object, List<Integer>> values = new HashMap<>();
            for (M m : blocks) {
                for (boolean outcome : new boolean[] {true, false}) {
                    JumpThreading.Fact f = new JumpThreading.Fact(m.test, outcome);
                    if (index.putIfAbsent(f, all.size()) == null) {
                        values.computeIfAbsent(m.test.value(), v -> new ArrayList<>()).add(all.size());
                        all.add(f);
                    }
                }
            }
            for (Map.Entry<Object, List<Integer>> e : values.entrySet()) {
                int[] ids = new int[e.getValue().size()];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = e.getValue().get(i);
                }
                byValue.put(e.getKey(), ids);
            }
        }

        int of(Pred.Test test, boolean outcome) {
            return index.get(new JumpThreading.Fact(test, outcome));
        }

        Boolean decide(Pred.Test t, BitSet known, boolean libpcapFold) {
            int[] ids = byValue.get(t.value());
            if (ids == null) {
                return null;
            }
            for (int id : ids) {
                if (known.get(id)) {
                    Boolean r = libpcapFold ? libpcapFold(t, all.get(id)) : JumpThreading.decide(t, all.get(id));
                    if (r != null) {
                        return r;
                    }
                }
            }
            return null;
        }
    }

    /** One pass in topological order; true if some edge moved. */
    private static boolean threadOnce(M root, boolean libpcapFold) {
        List<M> order = new ArrayList<>();
        post(root, Collections.newSetFromMap(new IdentityHashMap<>()), order);
        Collections.reverse(order);
        Facts facts = new Facts(order);
        Map<M, BitSet> entry = new IdentityHashMap<>();
        entry.put(root, new BitSet());
        boolean changed = false;
        for (M p : order) {
            BitSet known = entry.get(p);
            if (known == null) {
                continue; // unreachable after an earlier redirect in this pass
            }
            for (boolean outcome : new boolean[] {true, false}) {
                BitSet edge = (BitSet) known.clone();
                edge.set(facts.of(p.test, outcome));
                M target = outcome ? p.t : p.f;
                M start = target;
                while (!target.isLeaf()) {
                    Boolean d = facts.decide(target.test, edge, libpcapFold);
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
                    BitSet e = entry.get(target);
                    if (e == null) {
                        entry.put(target, edge);
                    } else {
                        e.and(edge);
                    }
                }
            }
        }
        return changed;
    }
}
