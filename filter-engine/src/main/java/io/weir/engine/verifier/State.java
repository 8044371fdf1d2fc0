package io.weir.engine.verifier;

import java.util.Map;

/** The abstract state of one path: its call frames, innermost last. */
final class State {
    FrameState[] frames;

    State(FrameState[] frames) {
        this.frames = frames;
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
        return new State(f);
    }

    /** Whether this (old, proven safe) state covers {@code cur}: see {@link RegState#includes}. */
    boolean includes(State cur, Map<Integer, Integer> ids) {
        if (frames.length != cur.frames.length) {
            return false;
        }
        ids.clear();
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
        return b.toString();
    }
}
