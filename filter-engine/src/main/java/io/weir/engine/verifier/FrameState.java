package io.weir.engine.verifier;

import io.weir.engine.ebpf.MemoryModel;
import io.weir.engine.ebpf.Reg;
import java.util.Arrays;
import java.util.Map;

/**
 * The registers and the stack of one call frame. Mutable: the analyzer changes the current path's state in
 * place and {@link #copy() copies} it only at forks and checkpoints.
 *
 * <p>The stack is tracked per byte as uninitialised, initialised data ({@code MISC}) or part of a spilled
 * register; an 8-byte aligned store of a register keeps the register's whole abstract value (so a pointer or a
 * bounded scalar can be saved and restored), any other store turns the bytes it touches, and the rest of a
 * spill slot it breaks, into plain data.
 */
final class FrameState {
    static final int SIZE = MemoryModel.FRAME_SIZE;
    static final byte INVALID = 0;
    static final byte MISC = 1;
    static final byte SPILL = 2;

    final RegState[] regs;
    final byte[] kinds;
    final RegState[] spills;
    /** The lowest stack byte index ever written in this frame ({@link #SIZE} when none): scans start here. */
    int lowest = SIZE;
    /** The instruction index of the call that made this frame (-1 for the entry frame). */
    final int callsite;
    /** The call depth, 0 for the entry frame. */
    final int depth;

    FrameState(int depth, int callsite) {
        this.depth = depth;
        this.callsite = callsite;
        this.regs = new RegState[Reg.COUNT];
        Arrays.fill(regs, RegState.NOT_INIT);
        regs[Reg.R10] = RegState.stack(depth, 0);
        this.kinds = new byte[SIZE];
        this.spills = new RegState[SIZE / 8];
    }

    private FrameState(FrameState f) {
        this.depth = f.depth;
        this.callsite = f.callsite;
        this.regs = f.regs.clone();
        this.kinds = f.kinds.clone();
        this.spills = f.spills.clone();
        this.lowest = f.lowest;
    }

    FrameState copy() {
        return new FrameState(this);
    }

    /** Marks {@code [off, off + size)} (negative offsets from the frame pointer) as data, breaking spills. */
    void writeMisc(int off, int size) {
        int lo = SIZE + off;
        lowest = Math.min(lowest, lo);
        for (int k = lo; k < lo + size; k++) {
            breakSpill(k);
        }
        Arrays.fill(kinds, lo, lo + size, MISC);
    }

    private void breakSpill(int k) {
        if (kinds[k] == SPILL) {
            int slot = k & ~7;
            Arrays.fill(kinds, slot, slot + 8, MISC);
            spills[slot >> 3] = null;
        }
    }

    /** Spills {@code r} to the aligned 8-byte slot at {@code off}. */
    void spill(int off, RegState r) {
        int lo = SIZE + off;
        lowest = Math.min(lowest, lo);
        Arrays.fill(kinds, lo, lo + 8, SPILL);
        spills[lo >> 3] = r;
    }

    /** The first uninitialised byte of {@code [off, off + size)}, or 1 when all are initialised. */
    int firstInvalid(int off, int size) {
        int lo = SIZE + off;
        for (int k = lo; k < lo + size; k++) {
            if (kinds[k] == INVALID) {
                return k - SIZE;
            }
        }
        return 1;
    }

    /** The spilled register of an aligned 8-byte slot, or null when the slot holds something else. */
    RegState spilled(int off) {
        int lo = SIZE + off;
        return kinds[lo] == SPILL ? spills[lo >> 3] : null;
    }

    /** The deepest byte in use, as a positive number of bytes below the frame pointer. */
    int depthUsed() {
        for (int k = lowest; k < SIZE; k++) {
            if (kinds[k] != INVALID) {
                return SIZE - k;
            }
        }
        return 0;
    }

    boolean includes(FrameState cur, Map<Integer, Integer> ids) {
        if (callsite != cur.callsite) {
            return false;
        }
        for (int r = 0; r < Reg.COUNT; r++) {
            if (!regs[r].includes(cur.regs[r], ids)) {
                return false;
            }
        }
        for (int k = lowest; k < SIZE; k++) {
            byte o = kinds[k];
            if (o == INVALID) {
                continue;
            }
            byte c = cur.kinds[k];
            if (c == INVALID) {
                return false;
            }
            if (o == SPILL && (k & 7) == 0) {
                if (c != SPILL || !spills[k >> 3].includes(cur.spills[k >> 3], ids)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The registers (r0..r9 that are set) and the initialised stack, kernel style. */
    void appendTo(StringBuilder b) {
        for (int r = 0; r < Reg.R10; r++) {
            if (regs[r].type != RegType.NOT_INIT) {
                b.append(" R").append(r).append('=').append(regs[r]);
            }
        }
        for (int slot = lowest / 8; slot < SIZE / 8; slot++) {
            int lo = slot * 8;
            boolean any = false;
            for (int k = lo; k < lo + 8; k++) {
                any |= kinds[k] != INVALID;
            }
            if (!any) {
                continue;
            }
            b.append(" fp").append(lo - SIZE).append('=');
            if (kinds[lo] == SPILL) {
                b.append(spills[slot]);
            } else {
                for (int k = lo; k < lo + 8; k++) {
                    b.append(kinds[k] == MISC ? 'm' : '?');
                }
            }
        }
    }
}
