package io.weir.compiler.opt;

import io.weir.compiler.lower.SetTable;
import io.weir.engine.cbpf.ClassicBuilder;
import io.weir.engine.cbpf.ClassicInsn;
import io.weir.engine.cbpf.ClassicOp.Codes;
import io.weir.engine.cbpf.ClassicOp.Cond;
import io.weir.engine.cbpf.ClassicProgram;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Lays the graph out as a classic program (blocks in a topological order, so every jump goes forward) and
 * removes redundant loads on the way: a load whose value A (or X, or a scratch word) already holds on every
 * path into the block is dropped, which is how {@code ldh [12]} is loaded once for several ethertype tests.
 * Jumps name labels; {@link ClassicBuilder} resolves them and inserts long jumps when needed.
 */
public final class Emitter {
    /** What the registers hold, as symbolic descriptions of how the value was computed; null: unknown. */
    static final class State {
        String a;
        String x;
        final String[] mem = new String[16];

        State copy() {
            State s = new State();
            s.a = a;
            s.x = x;
            System.arraycopy(mem, 0, s.mem, 0, mem.length);
            return s;
        }

        void meet(State o) {
            if (!Objects.equals(a, o.a)) {
                a = null;
            }
            if (!Objects.equals(x, o.x)) {
                x = null;
            }
            for (int i = 0; i < mem.length; i++) {
                if (!Objects.equals(mem[i], o.mem[i])) {
                    mem[i] = null;
                }
            }
        }
    }

    private Emitter() {
    }

    /**
     * The program for the graph at {@code root}, returning {@code acceptValue} for accepted packets; null if
     * the graph rejects everything.
     */
    public static ClassicProgram emit(Cfg.Node root, int acceptValue) {
        return emit(root, acceptValue, null);
    }

    /**
     * The same, for a graph that may hold set lookups ({@link SetTable#LOOKUP} tests): each is emitted as a
     * placeholder {@code jeq #k} (k the table index), and {@code lookups} receives the placeholder's pc and the
     * table index, for the eBPF translation to replace it with the lookup. The classic program alone does not
     * compute the lookup: only its translation with the replacements is the filter.
     *
     * @param lookups where the placeholders go; null when the graph holds none (then a lookup is an error)
     */
    public static ClassicProgram emit(Cfg.Node root, int acceptValue, Map<Integer, Integer> lookups) {
        if (root.isLeaf()) {
            if (root.fault) {
                return ClassicProgram.of(ClassicInsn.ret(0));
            }
            return root.accept ? ClassicProgram.of(ClassicInsn.ret(acceptValue)) : null;
        }
        // 1. What each block must still execute, given what the registers hold on every path into it.
        Map<Cfg.Node, State> entry = new HashMap<>();
        Map<Cfg.Node, List<ClassicInsn>> code = new HashMap<>();
        entry.put(root, new State());
        for (Cfg.Node n : topologicalOrder(root, null)) {
            State s = entry.get(n).copy();
            List<ClassicInsn> kept = new ArrayList<>();
            List<ClassicInsn> stmts = n.test.stmts();
            for (int i = Recompute.prefix(s, stmts, n.test.jcode()); i < stmts.size(); i++) {
                ClassicInsn insn = stmts.get(i);
                if (!simulate(s, insn)) {
                    kept.add(insn);
                }
            }
            if (n.test.jcode() == SetTable.LOOKUP) {
                s.a = null; // the lookup's call overwrites A (r0) in the eBPF translation
            }
            code.put(n, kept);
            for (Cfg.Node succ : List.of(n.t, n.f)) {
                if (succ.isLeaf()) {
                    continue;
                }
                State e = entry.get(succ);
                if (e == null) {
                    entry.put(succ, s.copy());
                } else {
                    e.meet(s);
                }
            }
        }
        removeDeadStores(root, code);
        // 2. Blocks left with the same code and the same successors are one block, even if they test
        // different values: each path still runs exactly the instructions it ran before.
        Map<Cfg.Node, Cfg.Node> canon = new HashMap<>();
        Map<List<Object>, Cfg.Node> byCode = new HashMap<>();
        List<Cfg.Node> order = topologicalOrder(root, null);
        for (int i = order.size() - 1; i >= 0; i--) {
            Cfg.Node n = order.get(i);
            List<Object> key = List.of(code.get(n), n.test.jcode(), n.test.k(), label(canon(canon, n.t)),
                    label(canon(canon, n.f)));
            Cfg.Node same = byCode.putIfAbsent(key, n);
            canon.put(n, same == null ? n : same);
        }
        // 3. Layout in a topological order of the merged graph; labels resolved by the builder.
        ClassicBuilder b = new ClassicBuilder();
        boolean acceptUsed = false;
        boolean rejectUsed = false;
        Map<Integer, Integer> placeholders = new HashMap<>();
        for (Cfg.Node n : topologicalOrder(canon(canon, root), canon)) {
            b.label(label(n));
            for (ClassicInsn insn : code.get(n)) {
                b.emit(insn);
            }
            Cfg.Node t = canon(canon, n.t);
            Cfg.Node f = canon(canon, n.f);
            for (Cfg.Node succ : List.of(t, f)) {
                acceptUsed |= succ.isLeaf() && succ.accept;
                rejectUsed |= succ.isLeaf() && !succ.accept;
            }
            Cond cond = cond(n.test.jcode());
            if (n.test.jcode() == SetTable.LOOKUP) {
                if (lookups == null) {
                    throw new IllegalStateException("a set lookup in a classic-only compile");
                }
                placeholders.put(b.size(), n.test.k());
                b.jmp(Cond.JEQ, n.test.k(), label(t), label(f));
            } else if ((n.test.jcode() & 0x08) != 0) {
                b.jmpX(cond, label(t), label(f));
            } else {
                b.jmp(cond, n.test.k(), label(t), label(f));
            }
        }
        if (acceptUsed) {
            b.label("accept").ret(acceptValue);
        }
        if (rejectUsed) {
            b.label("reject").ret(0);
        }
        ClassicProgram p = b.build();
        if (!placeholders.isEmpty()) {
            placeholderPcs(p, placeholders, lookups);
        }
        return p;
    }

    /**
     * Maps placeholders from their index among the emitted instructions to their pc in the built program: the
     * builder only adds {@code ja}s (long jumps), and the emitter itself never emits one.
     */
    private static void placeholderPcs(ClassicProgram p, Map<Integer, Integer> byEmitted, Map<Integer, Integer> out) {
        int emitted = 0;
        for (int pc = 0; pc < p.size(); pc++) {
            if (p.get(pc).code() == Codes.JA) {
                continue;
            }
            Integer table = byEmitted.get(emitted++);
            if (table != null) {
                out.put(pc, table);
            }
        }
    }

    /**
     * Drops stores to scratch words that no later instruction reads (loads of a word whose own store was found
     * redundant read the earlier store, so liveness runs over the whole graph, bottom-up).
     */
    private static void removeDeadStores(Cfg.Node root, Map<Cfg.Node, List<ClassicInsn>> code) {
        List<Cfg.Node> order = topologicalOrder(root, null);
        Map<Cfg.Node, Integer> liveIn = new HashMap<>();
        for (int i = order.size() - 1; i >= 0; i--) {
            Cfg.Node n = order.get(i);
            int live = (n.t.isLeaf() ? 0 : liveIn.get(n.t)) | (n.f.isLeaf() ? 0 : liveIn.get(n.f));
            if (n.test.jcode() == SetTable.LOOKUP) {
                live |= 7 << SetTable.KEY_SCRATCH; // a 16-byte key's first words
            }
            List<ClassicInsn> c = code.get(n);
            List<ClassicInsn> kept = new ArrayList<>();
            for (int j = c.size() - 1; j >= 0; j--) {
                ClassicInsn insn = c.get(j);
                int bit = 1 << (insn.k() & 15);
                if (insn.code() == Codes.ST || insn.code() == Codes.STX) {
                    if ((live & bit) == 0) {
                        continue;
                    }
                    live &= ~bit;
                } else if (insn.code() == Codes.LD_MEM || insn.code() == Codes.LDX_MEM) {
                    live |= bit;
                }
                kept.add(insn);
            }
            Collections.reverse(kept);
            code.put(n, kept);
            liveIn.put(n, live);
        }
    }

    private static Cfg.Node canon(Map<Cfg.Node, Cfg.Node> canon, Cfg.Node n) {
        return n.isLeaf() ? n : canon.getOrDefault(n, n);
    }

    private static String label(Cfg.Node n) {
        return n.isLeaf() ? (n.accept ? "accept" : "reject") : "b" + n.id;
    }

    private static Cond cond(int jcode) {
        switch (jcode & 0xf0) {
            case 0x10: return Cond.JEQ;
            case 0x20: return Cond.JGT;
            case 0x30: return Cond.JGE;
            default: return Cond.JSET;
        }
    }

    /**
     * Reverse postorder from the root: a topological order of the DAG, leaves excluded; successors are mapped
     * through {@code canon} when it is not null.
     */
    private static List<Cfg.Node> topologicalOrder(Cfg.Node root, Map<Cfg.Node, Cfg.Node> canon) {
        List<Cfg.Node> post = new ArrayList<>();
        Set<Cfg.Node> seen = new HashSet<>();
        // Iterative DFS; visiting the false successor last puts it right after its block when possible.
        Deque stack = new Deque();
        stack.push(root, 0);
        seen.add(root);
        while (!stack.isEmpty()) {
            Cfg.Node n = stack.node();
            int state = stack.state();
            if (state < 2) {
                stack.setState(state + 1);
                Cfg.Node succ = state == 0 ? n.t : n.f;
                if (canon != null) {
                    succ = canon(canon, succ);
                }
                if (!succ.isLeaf() && seen.add(succ)) {
                    stack.push(succ, 0);
                }
            } else {
                post.add(n);
                stack.pop();
            }
        }
        Collections.reverse(post);
        return post;
    }

    /** A small explicit stack of (node, next-successor-index). */
    private static final class Deque {
        private Cfg.Node[] nodes = new Cfg.Node[16];
        private int[] states = new int[16];
        private int size;

        void push(Cfg.Node n, int s) {
            if (size == nodes.length) {
                nodes = Arrays.copyOf(nodes, size * 2);
                states = Arrays.copyOf(states, size * 2);
            }
            nodes[size] = n;
            states[size++] = s;
        }

        boolean isEmpty() {
            return size == 0;
        }

        Cfg.Node node() {
            return nodes[size - 1];
        }

        int state() {
            return states[size - 1];
        }

        void setState(int s) {
            states[size - 1] = s;
        }

        void pop() {
            size--;
        }
    }

    private static String size(int code) {
        switch (code & 0x18) {
            case 0x00: return "W";
            case 0x08: return "H";
            default: return "B";
        }
    }

    /** Applies {@code insn} to the symbolic state; true if it is redundant (its effect is already there). */
    static boolean simulate(State s, ClassicInsn insn) {
        int code = insn.code();
        int k = insn.k();
        switch (code) {
            case Codes.LD_ABS: case Codes.LDH_ABS: case Codes.LDB_ABS:
                return setA(s, size(code) + "[" + k + "]");
            case Codes.LD_IND: case Codes.LDH_IND: case Codes.LDB_IND:
                return setA(s, s.x == null ? null : size(code) + "[x{" + s.x + "}+" + k + "]");
            case Codes.LD_IMM:
                return setA(s, "#" + k);
            case Codes.LD_LEN:
                return setA(s, "len");
            case Codes.LD_MEM:
                return setA(s, s.mem[k & 15]);
            case Codes.LDX_MSH:
                return setX(s, "msh[" + k + "]");
            case Codes.LDX_IMM:
                return setX(s, "#" + k);
            case Codes.LDX_LEN:
                return setX(s, "len");
            case Codes.LDX_MEM:
                return setX(s, s.mem[k & 15]);
            case Codes.ST:
                if (s.a != null && s.a.equals(s.mem[k & 15])) {
                    return true;
                }
                s.mem[k & 15] = s.a;
                return false;
            case Codes.STX:
                if (s.x != null && s.x.equals(s.mem[k & 15])) {
                    return true;
                }
                s.mem[k & 15] = s.x;
                return false;
            case Codes.TAX:
                return setX(s, s.a);
            case Codes.TXA:
                return setA(s, s.x);
            case Codes.NEG:
                s.a = s.a == null ? null : "-(" + s.a + ")";
                return false;
            default:
                if ((code & 0x07) == 0x04) { // ALU
                    boolean x = (code & 0x08) != 0;
                    String operand = x ? (s.x == null ? null : "x{" + s.x + "}") : "#" + k;
                    s.a = (s.a == null || operand == null) ? null : "(" + s.a + " op" + (code & 0xf0) + " " + operand
                            + ")";
                    return false;
                }
                s.a = null;
                s.x = null;
                return false;
        }
    }

    private static boolean setA(State s, String v) {
        if (v != null && v.equals(s.a)) {
            return true;
        }
        s.a = v;
        return false;
    }

    private static boolean setX(State s, String v) {
        if (v != null && v.equals(s.x)) {
            return true;
        }
        s.x = v;
        return false;
    }
}
