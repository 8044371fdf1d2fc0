package io.weir.engine.verifier;

import io.weir.engine.ebpf.Insn;
import io.weir.engine.ebpf.MemoryModel;
import io.weir.engine.ebpf.Opcode.Form;
import io.weir.engine.ebpf.Program;
import io.weir.engine.ebpf.ProgramType;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The checks that need no abstract values, run before the analysis (the kernel's {@code check_subprogs} and
 * {@code check_cfg}): supported instructions, jumps inside their function and never into the second slot of a
 * {@code lddw}, every function ending in {@code exit} or a jump, no unreachable instruction, and a call graph
 * without recursion no deeper than {@link MemoryModel#MAX_CALL_DEPTH} frames. It also finds the instructions
 * where the analysis keeps states for pruning: every jump target and every instruction after a branch.
 *
 * <p>Opcodes and reserved fields need no check here: an {@link Insn} cannot hold an unknown opcode or a
 * non-zero reserved field (decoding raw bytes rejects them, see {@link Verifier#check(ProgramType, byte[])}).
 */
final class Structure {
    /** The largest program, in 8-byte slots. */
    static final int MAX_SLOTS = 65_536;

    final int[] target;
    final boolean[] prunePoint;
    final int[] subprogOf;
    final List<Integer> subprogStarts;
    final int maxFrames;

    private Structure(int n) {
        target = new int[n];
        prunePoint = new boolean[n];
        subprogOf = new int[n];
        subprogStarts = new ArrayList<>();
        maxFrames = 0;
    }

    private Structure(int[] target, boolean[] prune, int[] subprogOf, List<Integer> starts, int maxFrames) {
        this.target = target;
        this.prunePoint = prune;
        this.subprogOf = subprogOf;
        this.subprogStarts = starts;
        this.maxFrames = maxFrames;
    }

    static Structure check(Program p) {
        int n = p.size();
        if (n == 0) {
            throw new Reject("the program is empty");
        }
        if (p.slotCount() > MAX_SLOTS) {
            throw new Reject("program of " + p.slotCount() + " insns is larger than the limit of " + MAX_SLOTS);
        }
        int[] target = new int[n];
        TreeSet<Integer> starts = new TreeSet<>();
        starts.add(0);
        for (int k = 0; k < n; k++) {
            Insn i = p.insn(k);
            Form f = i.op().form();
            target[k] = -1;
            switch (f) {
                case CALL_KFUNC -> throw new Reject(k, "kernel function calls are not supported");
                case CALLX -> throw new Reject(k, "indirect calls (callx) are not supported");
                case LDDW -> {
                    int v = i.op().variant();
                    if (v == 3 || v == 4) {
                        throw new Reject(k, i.op().mnemonic() + " is not supported (only map_by_fd, map_by_idx,"
                                + " map_val_by_fd and map_val_by_idx)");
                    }
                }
                case LDABS, LDIND -> {
                    if (p.type() != ProgramType.SOCKET) {
                        throw new Reject(k, "BPF_LD_[ABS|IND] instructions not allowed for this program type");
                    }
                }
                case JA, JA32, JCOND_IMM, JCOND_REG, CALL_LOCAL -> {
                    int rel = f == Form.CALL_LOCAL ? i.imm() : i.jumpOffset();
                    long slot = (long) p.slotOf(k) + 1 + rel;
                    if (slot < 0 || slot >= p.slotCount()) {
                        throw new Reject(k, "jump out of range from insn " + p.slotOf(k) + " to " + slot);
                    }
                    int t = p.indexOfSlot((int) slot);
                    if (t < 0) {
                        throw new Reject(k, "jump into the middle of ldimm64 insn " + (slot - 1));
                    }
                    target[k] = t;
                    if (f == Form.CALL_LOCAL) {
                        starts.add(t);
                    }
                }
                default -> { }
            }
        }
        List<Integer> startList = new ArrayList<>(starts);
        int[] subprogOf = new int[n];
        for (int s = 0; s < startList.size(); s++) {
            int end = s + 1 < startList.size() ? startList.get(s + 1) : n;
            for (int k = startList.get(s); k < end; k++) {
                subprogOf[k] = s;
            }
            Form last = p.insn(end - 1).op().form();
            if (last != Form.EXIT && last != Form.JA && last != Form.JA32) {
                throw new Reject(end - 1, "last insn is not an exit or jmp");
            }
        }
        boolean[] prune = new boolean[n];
        for (int k = 0; k < n; k++) {
            Form f = p.insn(k).op().form();
            if (target[k] >= 0 && f != Form.CALL_LOCAL) {
                if (subprogOf[target[k]] != subprogOf[k]) {
                    throw new Reject(k, "jump out of range from insn " + p.slotOf(k) + " to "
                            + p.slotOf(target[k]) + " (into another function)");
                }
                prune[target[k]] = true;
                if (k + 1 < n && (f == Form.JCOND_IMM || f == Form.JCOND_REG)) {
                    prune[k + 1] = true;
                }
            }
        }
        checkReachable(p, target);
        int frames = callDepth(p, target, subprogOf, startList);
        return new Structure(target, prune, subprogOf, startList, frames);
    }

    /** Depth-first over the control flow from the entry, following calls into their callees. */
    private static void checkReachable(Program p, int[] target) {
        int n = p.size();
        boolean[] seen = new boolean[n];
        int[] work = new int[n];
        int top = 0;
        work[top++] = 0;
        seen[0] = true;
        while (top > 0) {
            int k = work[--top];
            Form f = p.insn(k).op().form();
            int[] next = switch (f) {
                case EXIT -> new int[0];
                case JA, JA32 -> new int[] {target[k]};
                case JCOND_IMM, JCOND_REG, CALL_LOCAL -> new int[] {k + 1, target[k]};
                default -> new int[] {k + 1};
            };
            for (int s : next) {
                if (s < n && !seen[s]) {
                    seen[s] = true;
                    work[top++] = s;
                }
            }
        }
        for (int k = 0; k < n; k++) {
            if (!seen[k]) {
                throw new Reject(k, "unreachable insn " + p.slotOf(k));
            }
        }
    }

    /** The frames of the deepest call chain; rejects recursion and chains deeper than the memory model allows. */
    private static int callDepth(Program p, int[] target, int[] subprogOf, List<Integer> starts) {
        int s = starts.size();
        List<List<int[]>> calls = new ArrayList<>();
        for (int k = 0; k < s; k++) {
            calls.add(new ArrayList<>());
        }
        for (int k = 0; k < p.size(); k++) {
            if (p.insn(k).op().form() == Form.CALL_LOCAL) {
                calls.get(subprogOf[k]).add(new int[] {k, subprogOf[target[k]], target[k]});
            }
        }
        int[] depth = new int[s];
        int[] color = new int[s];
        return frames(0, calls, depth, color, p);
    }

    private static int frames(int f, List<List<int[]>> calls, int[] depth, int[] color, Program p) {
        if (color[f] == 2) {
            return depth[f];
        }
        color[f] = 1;
        int d = 1;
        for (int[] c : calls.get(f)) {
            if (color[c[1]] == 1) {
                throw new Reject(c[0], "recursive call: the function at insn " + p.slotOf(c[2])
                        + " is already on the call stack");
            }
            d = Math.max(d, 1 + frames(c[1], calls, depth, color, p));
            if (d > MemoryModel.MAX_CALL_DEPTH) {
                throw new Reject(c[0], "the call stack of " + d + " frames is too deep (limit "
                        + MemoryModel.MAX_CALL_DEPTH + ")");
            }
        }
        color[f] = 2;
        depth[f] = d;
        return d;
    }
}
