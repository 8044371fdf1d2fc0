package io.weir.compiler.opt;

import io.weir.compiler.lower.Pred;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Regroups chains of tests on the same value, with libpcap's rule (its optimizer's "or/and pullup"): in a chain
 * of blocks joined by false edges that share one true target (an {@code or} of tests), a later block testing the
 * value the chain was entered with moves up before the first block testing another value; likewise for chains
 * joined by true edges sharing a false target. {@code host A or host B} then tests both source addresses before
 * either destination address.
 *
 * <p>This changes which loads run before a test succeeds, so it matters for packets truncated between the
 * fields: libpcap's programs decide those packets in this order, and Weir must give the same verdicts.
 */
public final class Pullup {
    /** A mutable block, for pointer surgery. */
    private static final class M {
        final Pred.Test test;
        final Cfg.Node leaf;
        M t;
        M f;
        int index;

        M(Pred.Test test, Cfg.Node leaf) {
            this.test = test;
            this.leaf = leaf;
        }

        boolean isLeaf() {
            return test == null;
        }
    }

    private static final int MAX_PULLS = 10_000;

    private M root;
    private List<M> order;
    private Map<M, List<M>> preds;
    private BitSet[] dom;

    private Pullup() {
    }

    /** Rebuilds the graph from {@code root} (in {@code in}) into {@code out} with chains regrouped. */
    public static Cfg.Node run(Cfg.Node root, Cfg in, Cfg out) {
        Pullup p = new Pullup();
        Map<Cfg.Node, M> copies = new IdentityHashMap<>();
        p.root = p.toMutable(root, copies);
        for (int pulls = 0; pulls < MAX_PULLS && p.pullOnce(); pulls++) {
            // Each pull restarts the scan, as libpcap's optimizer loops until nothing changes.
        }
        return p.toCfg(p.root, in, out, new IdentityHashMap<>());
    }

    private M toMutable(Cfg.Node n, Map<Cfg.Node, M> copies) {
        M m = copies.get(n);
        if (m != null) {
            return m;
        }
        if (n.isLeaf()) {
            m = new M(null, n);
            copies.put(n, m);
            return m;
        }
        m = new M(n.test, null);
        copies.put(n, m);
        m.t = toMutable(n.t, copies);
        m.f = toMutable(n.f, copies);
        return m;
    }

    private Cfg.Node toCfg(M m, Cfg in, Cfg out, Map<M, Cfg.Node> done) {
        if (m.isLeaf()) {
            return out.leaf(m.leaf);
        }
        Cfg.Node n = done.get(m);
        if (n == null) {
            n = out.block(m.test, toCfg(m.t, in, out, done), toCfg(m.f, in, out, done));
            done.put(m, n);
        }
        return n;
    }

    /** Topological order, predecessor lists and dominator sets of the current graph. */
    private void analyze() {
        order = new ArrayList<>();
        Map<M, Boolean> seen = new IdentityHashMap<>();
        post(root, seen);
        java.util.Collections.reverse(order);
        preds = new IdentityHashMap<>();
        for (int i = 0; i < order.size(); i++) {
            order.get(i).index = i;
            preds.put(order.get(i), new ArrayList<>());
        }
        for (M m : order) {
            for (M s : new M[] {m.t, m.f}) {
                if (!s.isLeaf()) {
                    preds.get(s).add(m);
                }
            }
        }
        dom = new BitSet[order.size()];
        for (M m : order) {
            BitSet d = null;
            for (M p : preds.get(m)) {
                if (d == null) {
                    d = (BitSet) dom[p.index].clone();
                } else {
                    d.and(dom[p.index]);
                }
            }
            if (d == null) {
                d = new BitSet();
            }
            d.set(m.index);
            dom[m.index] = d;
        }
    }

    private void post(M m, Map<M, Boolean> seen) {
        if (m.isLeaf() || seen.put(m, Boolean.TRUE) != null) {
            return;
        }
        post(m.t, seen);
        post(m.f, seen);
        order.add(m);
    }

    private boolean dominatedBy(M n, M b) {
        return !n.isLeaf() && dom[n.index].get(b.index);
    }

    /** Performs one pull anywhere in the graph (bottom-up, as libpcap scans); false if none applies. */
    private boolean pullOnce() {
        analyze();
        for (int i = order.size() - 1; i >= 0; i--) {
            M b = order.get(i);
            List<M> ps = preds.get(b);
            if (ps.isEmpty()) {
                continue;
            }
            Object val = ps.get(0).test.value();
            boolean same = true;
            for (M p : ps) {
                same &= p.test.value().equals(val);
            }
            if (!same) {
                continue;
            }
            if (pull(b, val, false) || pull(b, val, true)) {
                return true;
            }
        }
        return false;
    }

    private static M next(M m, boolean and) {
        return and ? m.t : m.f;
    }

    private static M exit(M m, boolean and) {
        return and ? m.f : m.t;
    }

    private static void setNext(M m, boolean and, M n) {
        if (and) {
            m.t = n;
        } else {
            m.f = n;
        }
    }

    /**
     * One pull in the chain from {@code b}: along false edges sharing b's true target ({@code and == false}),
     * or along true edges sharing b's false target.
     */
    private boolean pull(M b, Object val, boolean and) {
        M shared = exit(b, and);
        M prevOfDiff = null;
        M diff = b;
        while (true) {
            if (diff.isLeaf() || exit(diff, and) != shared || !dominatedBy(diff, b)) {
                return false;
            }
            if (!diff.test.value().equals(val)) {
                break;
            }
            prevOfDiff = diff;
            diff = next(diff, and);
        }
        M prevOfSame = diff;
        M same = next(diff, and);
        while (true) {
            if (same.isLeaf() || exit(same, and) != shared || !dominatedBy(same, b)) {
                return false;
            }
            if (same.test.value().equals(val)) {
                break;
            }
            prevOfSame = same;
            same = next(same, and);
        }
        if (preds.get(same).size() != 1) {
            return false; // shared elsewhere: moving it would change other paths
        }
        setNext(prevOfSame, and, next(same, and));
        setNext(same, and, diff);
        if (prevOfDiff == null) {
            for (M p : preds.get(b)) {
                if (p.t == b) {
                    p.t = same;
                }
                if (p.f == b) {
                    p.f = same;
                }
            }
        } else {
            setNext(prevOfDiff, and, same);
        }
        return true;
    }
}
