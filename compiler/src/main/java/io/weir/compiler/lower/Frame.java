package io.weir.compiler.lower;

import io.weir.compiler.parse.Ast;
import io.weir.engine.cbpf.ClassicInsn;
import io.weir.engine.cbpf.ClassicOp.Codes;
import java.util.ArrayList;
import java.util.List;

/**
 * A frame that starts at a variable offset in the packet: the inner packet of a tunnel ({@code vxlan},
 * {@code inner (...)}). Primitives inside are lowered as usual, for a packet starting at offset 0 (Ethernet or
 * raw IP); {@link #apply} then moves every test onto the frame: its statements first compute the frame's start
 * into scratch word {@link #slot}, and each packet access is rewritten relative to it.
 *
 * <p>The rewrite, per statement: {@code ld [k]} becomes {@code ldx M[slot]; ld [x + k]}; an {@code ldx
 * 4*([k]&0xf)} whose value indexes packet loads adds the start to X; so does a {@code tax} whose X indexes
 * packet loads. It keeps every test self-contained (Pred's invariant) and never needs a jump. Scratch words
 * {@code slot} and {@code tmp} are reserved per nesting depth (15/14, then 13/12); a statement list that uses
 * them, or whose X must survive a rewritten load, is refused ("too complex inside a tunnel") rather than
 * miscompiled. Statements that read no packet byte ({@code len}, constants) are left as they are.
 */
final class Frame {
    /** Tunnel scopes nest at most this deep. */
    static final int MAX_DEPTH = 2;

    /** Statements leaving the frame's first byte offset (absolute) in A. */
    private final List<ClassicInsn> base;
    final int depth;
    final int slot;
    final int tmp;
    /** Set by a tunnel keyword ({@code vxlan}): an {@code inner (...)} right after it is its inner frame. */
    final boolean fromKeyword;
    /** Set for {@code geneve}'s payload: resolves its variable offsets ({@link GenevePayload}); else null. */
    private final GenevePayload geneve;

    private Frame(List<ClassicInsn> base, int depth, boolean fromKeyword) {
        this(base, depth, fromKeyword, null);
    }

    private Frame(List<ClassicInsn> base, int depth, boolean fromKeyword, GenevePayload geneve) {
        this.geneve = geneve;
        this.base = List.copyOf(base);
        this.depth = depth;
        this.slot = 15 - 2 * depth;
        this.tmp = 14 - 2 * depth;
        this.fromKeyword = fromKeyword;
    }

    /** The depth a frame opened inside {@code scope} (null: the packet itself) has. */
    static int depthIn(Frame scope) throws LowerException {
        int d = scope == null ? 0 : scope.depth + 1;
        if (d >= MAX_DEPTH) {
            throw new LowerException("tunnel scopes nest at most " + MAX_DEPTH + " deep");
        }
        return d;
    }

    /** The first scratch word a frame at {@code depth} reserves (its base statements may use it and the next lower). */
    static int slotAt(int depth) {
        return 15 - 2 * depth;
    }

    /**
     * A frame at {@code relBase} (statements leaving in A the frame's start relative to the current frame) for
     * tests written relative to the current frame, which the enclosing scope then moves as usual.
     */
    static Frame local(Frame scope, List<ClassicInsn> relBase) throws LowerException {
        return new Frame(relBase, depthIn(scope), false);
    }

    /** A frame at {@code relBase} inside {@code scope}: its base is made absolute through the scope. */
    static Frame nested(Frame scope, List<ClassicInsn> relBase, boolean fromKeyword) throws LowerException {
        int d = depthIn(scope);
        if (scope == null) {
            return new Frame(relBase, d, fromKeyword);
        }
        List<ClassicInsn> abs = new ArrayList<>(scope.prefix());
        abs.addAll(scope.rewrite(relBase, true, false));
        abs.add(ClassicInsn.stmt(Codes.LDX_MEM, scope.slot));
        abs.add(ClassicInsn.stmt(Codes.ADD_X, 0));
        return new Frame(abs, d, fromKeyword);
    }

    /** The same frame, no longer the one a tunnel keyword opened (a nested {@code inner} goes deeper). */
    Frame plain() {
        return new Frame(base, depth, false, geneve);
    }

    /** Whether this is {@code geneve}'s payload. */
    boolean isGeneve() {
        return geneve != null;
    }

    /** The top-level frame of {@code geneve}'s payload, starting where {@code base} says ({@link GenevePayload}). */
    static Frame genevePayload(List<ClassicInsn> base, int outerNl) {
        return new Frame(base, 0, true, new GenevePayload(outerNl, slotAt(0)));
    }

    /** Whether a node's lowering is moved by the scope (boolean structure and scopes are not). */
    static boolean isLeaf(Ast.Expr e) {
        return !(e instanceof Ast.And || e instanceof Ast.Or || e instanceof Ast.Not || e instanceof Ast.Scope);
    }

    private List<ClassicInsn> prefix() {
        List<ClassicInsn> s = new ArrayList<>(base);
        s.add(ClassicInsn.stmt(Codes.ST, slot));
        return s;
    }

    /** {@code p} with every test moved onto this frame. */
    Pred apply(Pred p) throws LowerException {
        return Pred.mapTests(p, t -> {
            boolean xJump = (t.jcode() & 0x08) != 0;
            List<ClassicInsn> body = rewrite(t.stmts(), true, xJump);
            if (body.equals(t.stmts())) {
                return t;
            }
            List<ClassicInsn> s = prefix();
            s.addAll(body);
            return new Pred.Test(s, t.jcode(), t.k(), t.relation());
        });
    }

    private static boolean isAbsLoad(int c) {
        return c == Codes.LD_ABS || c == Codes.LDH_ABS || c == Codes.LDB_ABS;
    }

    private static boolean isIndLoad(int c) {
        return c == Codes.LD_IND || c == Codes.LDH_IND || c == Codes.LDB_IND;
    }

    private static boolean isAlu(int c) {
        return (c & 0x07) == 0x04;
    }

    private static boolean definesX(int c) {
        return (c & 0x07) == 0x01 || c == Codes.TAX;
    }

    private static boolean usesX(int c) {
        return isIndLoad(c) || (isAlu(c) && (c & 0x08) != 0) || c == Codes.TXA || c == Codes.STX;
    }

    private static boolean usesA(int c) {
        return isAlu(c) || c == Codes.ST || c == Codes.TAX;
    }

    private static boolean definesA(int c) {
        return (c & 0x07) == 0x00 || c == Codes.TXA;
    }

    private static boolean aLiveAfter(List<ClassicInsn> s, int i, boolean aAtEnd) {
        for (int j = i + 1; j < s.size(); j++) {
            int c = s.get(j).code();
            if (usesA(c)) {
                return true;
            }
            if (definesA(c)) {
                return false;
            }
        }
        return aAtEnd;
    }

    /** 0: X unused after {@code i}; 1: used only to index packet loads; 2: used otherwise; 3: both. */
    private static int xUses(List<ClassicInsn> s, int i, boolean xAtEnd) {
        int kinds = 0;
        for (int j = i + 1; j < s.size(); j++) {
            int c = s.get(j).code();
            if (usesX(c)) {
                kinds |= isIndLoad(c) ? 1 : 2;
            }
            if (definesX(c)) {
                return kinds;
            }
        }
        return xAtEnd ? kinds | 2 : kinds;
    }

    private LowerException tooComplex() {
        return new LowerException("expression too complex inside a tunnel (scratch memory or X register needed)");
    }

    /** The statements moved onto this frame, without the prefix that computes the frame's start. */
    List<ClassicInsn> rewrite(List<ClassicInsn> s, boolean aAtEnd, boolean xAtEnd) throws LowerException {
        List<ClassicInsn> out = new ArrayList<>(s.size() + 8);
        // X holds an offset relative to the frame (its uses mix indexing and arithmetic): indexed loads add
        // the frame's start on the fly.
        boolean xRelative = false;
        for (int i = 0; i < s.size(); i++) {
            ClassicInsn insn = s.get(i);
            int c = insn.code();
            int k = insn.k();
            if ((c == Codes.ST || c == Codes.STX || c == Codes.LD_MEM || c == Codes.LDX_MEM)
                    && (k == slot || k == tmp)) {
                throw tooComplex();
            }
            if (isAbsLoad(c)) {
                boolean keepX = xUses(s, i, xAtEnd) != 0;
                if (keepX) {
                    out.add(ClassicInsn.stmt(Codes.TXA, 0));
                    out.add(ClassicInsn.stmt(Codes.ST, tmp));
                }
                out.add(ClassicInsn.stmt(Codes.LDX_MEM, slot));
                out.add(ClassicInsn.stmt(c + 0x20, k));
                if (keepX) {
                    out.add(ClassicInsn.stmt(Codes.LDX_MEM, tmp));
                }
                continue;
            }
            if (isIndLoad(c) && xRelative) {
                boolean keepX = xUses(s, i, xAtEnd) != 0;
                out.add(ClassicInsn.stmt(Codes.TXA, 0));
                if (keepX) {
                    out.add(ClassicInsn.stmt(Codes.ST, tmp));
                }
                out.add(ClassicInsn.stmt(Codes.LDX_MEM, slot));
                out.add(ClassicInsn.stmt(Codes.ADD_X, 0));
                out.add(ClassicInsn.stmt(Codes.TAX, 0));
                out.add(insn);
                if (keepX) {
                    out.add(ClassicInsn.stmt(Codes.LDX_MEM, tmp));
                }
                continue;
            }
            if (!definesX(c)) {
                out.add(insn);
                continue;
            }
            int uses = xUses(s, i, xAtEnd);
            boolean save = aLiveAfter(s, i, aAtEnd) && (uses == 1 || c == Codes.LDX_MSH);
            if (save) {
                out.add(ClassicInsn.stmt(Codes.ST, tmp));
            }
            if (c == Codes.LDX_MSH) {
                // The header length byte is in the frame: 4 * (P[start + k] & 0xf).
                out.add(ClassicInsn.stmt(Codes.LDX_MEM, slot));
                out.add(ClassicInsn.stmt(Codes.LDB_IND, k));
                out.add(ClassicInsn.stmt(Codes.AND_K, 0xf));
                out.add(ClassicInsn.stmt(Codes.LSH_K, 2));
                if (uses == 1) {
                    out.add(ClassicInsn.stmt(Codes.ADD_X, 0));
                }
                out.add(ClassicInsn.stmt(Codes.TAX, 0));
            } else {
                out.add(insn);
                if (uses == 1) {
                    out.add(ClassicInsn.stmt(Codes.TXA, 0));
                    out.add(ClassicInsn.stmt(Codes.LDX_MEM, slot));
                    out.add(ClassicInsn.stmt(Codes.ADD_X, 0));
                    out.add(ClassicInsn.stmt(Codes.TAX, 0));
                }
            }
            if (save) {
                out.add(ClassicInsn.stmt(Codes.LD_MEM, tmp));
            }
            xRelative = uses == 3;
        }
        return geneve == null ? out : geneve.resolve(out, xAtEnd);
    }
}
