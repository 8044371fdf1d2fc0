package io.weir.engine.verifier;

import java.util.Map;

/**
 * The abstract state of one path: its call frames, innermost last, and the references it holds (ring buffer
 * records reserved and not yet submitted or discarded; the kernel's {@code acquired_refs}), each with the
 * instruction that acquired it. Every path must release them all before it exits.
 */
final class State {
    private static final int[] NO_REFS = new int[0];

    FrameState[] frames;
    /** Pairs of (reference id, instruction index of the acquiring call). */
    int[] refs = NO_REFS;

    State(FrameState[] frames) {
        this.frames = frames;
    }

    /** Records reference {@code id} acquired at instruction {@code insn}. */
    void acquire(int id, int insn) {
        int[] r = java.util.Arrays.copyOf(refs, refs.length + 2);
        r[refs.length] = id;
        r[refs.length + 1] = insn;
        refs = r;
    }

    /**
     * Drops reference {@code id} and makes every register and spill holding it unreadable (a use after release
     * is then a read of an uninitialised register, as in the kernel); false when the path does not hold it.
     */
    boolean release(int id) {
        for (int k = 0; k < refs.length; k += 2) {
            if (refs[k] == id) {
                int[] r = new int[refs.length - 2];
                System.arraycopy(refs, 0, r, 0, k);
                System.arraycopy(refs, k + 2, r, k, refs.length - k - 2);
                refs = r;
                mapAll(v -> v.ref == id ? RegState.NOT_INIT : v);
                return true;
            }
        }
        return false;
    }

    FrameState cur() {
        return frames[frames.length - 1];
    }

    FrameState frame(int depth) {
        return frames[depth];
    }

    int depth() {
        return frames.length - 1;
    }

    State copy() {
        FrameState[] f = new FrameState[frames.length];
        for (int k = 0; k < f.length; k++) {
            f[k] = frames[k].copy();
        }
        State s = new State(f);
        s.refs = refs;
        return s;
    }

    /** Whether this (old, proven safe) state covers {@code cur}: see {@link RegState#includes}. */
    boolean includes(State cur, Map<Integer, Integer> ids) {
        if (frames.length != cur.frames.length) {
            return false;
        }
        ids.clear();
        if (refs.length != cur.refs.length) {
            return false;
        }
        for (int k = 0; k < refs.length; k += 2) {
            if (refs[k + 1] != cur.refs[k + 1] || !RegState.sameId(refs[k], cur.refs[k], ids)) {
                return false;
            }
        }
        for (int k = 0; k < frames.length; k++) {
            if (!frames[k].includes(cur.frames[k], ids)) {
                return false;
            }
        }
        return true;
    }

    /** Applies {@code f} to every register and spilled register of every frame. */
    void mapAll(java.util.function.UnaryOperator<RegState> f) {
        for (FrameState fr : frames) {
            for (int r = 0; r < fr.regs.length; r++) {
                fr.regs[r] = f.apply(fr.regs[r]);
            }
            for (int s = 0; s < fr.spills.length; s++) {
                if (fr.spills[s] != null) {
                    fr.spills[s] = f.apply(fr.spills[s]);
                }
            }
        }
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        if (frames.length > 1) {
            b.append(" frame").append(depth()).append(':');
        }
        cur().appendTo(b);
        for (int k = 0; k < refs.length; k += 2) {
            b.append(k == 0 ? " refs=" : ",").append(refs[k]);
        }
        return b.toString();
    }
}
