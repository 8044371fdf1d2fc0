package io.weir.compiler.opt;

import io.weir.compiler.lower.Pred;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The control-flow graph of a filter: a DAG of blocks, each one {@link Pred.Test} with a true and a false
 * successor, ending in the two leaves {@link #ACCEPT} and {@link #REJECT}.
 *
 * <p>Blocks are hash-consed: asking for a block equal to an existing one (same test, same successors) returns
 * the existing one, which merges identical tails (the arp and rarp halves of {@code host}, for instance), and
 * a block whose two successors are the same is never made, which drops tests whose outcome does not matter
 * (as libpcap's optimizer does).
 */
public final class Cfg {
    /** A block, or a leaf when {@link #test} is null. Identity is structural thanks to hash-consing. */
    public static final class Node {
        final Pred.Test test;
        final Node t;
        final Node f;
        final boolean accept;
        final boolean fault;
        final int id;

        private Node(Pred.Test test, Node t, Node f, boolean accept, boolean fault, int id) {
            this.test = test;
            this.t = t;
            this.f = f;
            this.accept = accept;
            this.fault = fault;
            this.id = id;
        }

        /** Whether this is a leaf (a return). */
        public boolean isLeaf() {
            return test == null;
        }

        /** The block's test; null for a leaf. */
        public Pred.Test test() {
            return test;
        }

        @Override
        public String toString() {
            return isLeaf() ? (accept ? "ACCEPT" : fault ? "FAULT" : "REJECT") : "b" + id;
        }
    }

    private record Key(Pred.Test test, int t, int f) {
        // Written out to keep the cold path off java.lang.invoke (see Pred.Test).
        @Override
        public boolean equals(Object o) {
            return o instanceof Key x && x.t == t && x.f == f && x.test.equals(test);
        }

        @Override
        public int hashCode() {
            return (test.hashCode() * 31 + t) * 31 + f;
        }
    }

    /** The accepting leaf. */
    public final Node ACCEPT = new Node(null, null, null, true, false, 0);
    /** The rejecting leaf. */
    public final Node REJECT = new Node(null, null, null, false, false, 1);
    /**
     * Where a load that can never be inside a packet ({@code ether[-1]}) leads: it returns 0 like
     * {@link #REJECT}, but does not make the expression "reject all packets" (libpcap compiles it).
     */
    public final Node FAULT = new Node(null, null, null, false, true, 2);
    private final Map<Key, Node> interned = new HashMap<>();
    private final List<Node> all = new ArrayList<>();

    /** The block testing {@code test}, going to {@code t} or {@code f}; {@code t} itself if both are equal. */
    public Node block(Pred.Test test, Node t, Node f) {
        if (t == f) {
            return t;
        }
        Key k = new Key(Objects.requireNonNull(test), t.id, f.id);
        Node n = interned.get(k);
        if (n == null) {
            n = new Node(test, t, f, false, false, 3 + all.size());
            all.add(n);
            interned.put(k, n);
        }
        return n;
    }

    /** Blocks made in this graph so far. */
    public int size() {
        return all.size();
    }

    /** The leaf {@code n} stands for in this graph ({@code n} a leaf of any graph). */
    public Node leaf(Node n) {
        return n.accept ? ACCEPT : n.fault ? FAULT : REJECT;
    }

    /** Whether a test loads from an absolute offset no packet reaches (k + size beyond 2^32 - 1). */
    static boolean alwaysFaults(Pred.Test test) {
        for (io.weir.engine.cbpf.ClassicInsn insn : test.stmts()) {
            int size = switch (insn.code()) {
                case 0x20 -> 4; // ld [k]
                case 0x28 -> 2; // ldh [k]
                case 0x30 -> 1; // ldb [k]
                default -> 0;
            };
            if (size > 0 && (insn.k() & 0xFFFFFFFFL) + size > 0xFFFFFFFFL) {
                return true;
            }
        }
        return false;
    }

    /** The graph of {@code p} with short-circuit evaluation, entering at the returned node. */
    public Node build(Pred p) {
        return build(p, ACCEPT, REJECT);
    }

    private Node build(Pred p, Node t, Node f) {
        if (p instanceof Pred.Const c) {
            return c.value() ? t : f;
        }
        if (p instanceof Pred.Test test) {
            return alwaysFaults(test) ? FAULT : block(test, t, f);
        }
        if (p instanceof Pred.Not n) {
            return build(n.p(), f, t);
        }
        if (p instanceof Pred.And a) {
            return build(a.l(), build(a.r(), t, f), f);
        }
        Pred.Or o = (Pred.Or) p;
        return build(o.l(), t, build(o.r(), t, f));
    }
}
