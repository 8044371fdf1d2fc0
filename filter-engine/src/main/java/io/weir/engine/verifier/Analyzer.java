package io.weir.engine.verifier;

import io.weir.engine.ebpf.Insn;
import io.weir.engine.ebpf.MemoryModel;
import io.weir.engine.ebpf.Program;
import io.weir.engine.ebpf.ProgramType;
import io.weir.engine.ebpf.Reg;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The abstract interpreter: walks every path of the program depth-first, one instruction at a time, with the
 * semantics of {@link Alu}, {@link Memory}, {@link Branch} and the calls and exits here (ASM's Analyzer to
 * their Interpreter).
 *
 * <p><b>Pruning and loops</b> (the kernel's {@code is_state_visited}). At every jump target and after every
 * branch the analyzer keeps a checkpoint of the state. A checkpoint whose paths have all ended safely is
 * <em>complete</em>; a new state at that instruction which a complete checkpoint {@linkplain State#includes
 * includes} is safe and its path ends. A checkpoint still being explored is an ancestor of the current path
 * (the walk is depth-first), so including the new state means the path came back to where it was with nothing
 * learnt: a loop the analysis cannot prove finite, rejected as an infinite loop. A loop with a constant trip
 * count makes a new state each time round and is explored to its end. Every instruction analysed counts
 * against {@link Verifier.Options#complexityLimit()}, so the analysis always ends.
 */
final class Analyzer {
    /** Checkpoints kept per instruction; beyond this a path is explored without new ones. */
    static final int MAX_CHECKPOINTS_PER_INSN = 32;

    private static final class Checkpoint {
        final State state;
        final Checkpoint parent;
        int branches = 1;

        Checkpoint(State state, Checkpoint parent) {
            this.state = state;
            this.parent = parent;
        }
    }

    private record Head(State state, int pc, Checkpoint parent, int from) {}

    final Program program;
    final Verifier.Options options;
    final Structure structure;
    final VerifierLog log;
    private final List<List<Checkpoint>> checkpoints = new ArrayList<>();
    private final Deque<Head> pending = new ArrayDeque<>();
    final VerifiedProgram.Access[] access;
    final int[] stackDepth;
    private final java.util.Map<Integer, Integer> ids = new java.util.HashMap<>();
    private State state;
    private int nextId = 1;
    long processed;
    int peakPending;
    int totalCheckpoints;

    Analyzer(Program program, Verifier.Options options, Structure structure, VerifierLog log) {
        this.program = program;
        this.options = options;
        this.structure = structure;
        this.log = log;
        for (int k = 0; k < program.size(); k++) {
            checkpoints.add(null);
        }
        this.access = new VerifiedProgram.Access[program.size()];
        java.util.Arrays.fill(access, VerifiedProgram.Access.NONE);
        this.stackDepth = new int[structure.subprogStarts.size()];
    }

    ProgramType type() {
        return program.type();
    }

    State state() {
        return state;
    }

    int newId() {
        return nextId++;
    }

    Verifier.MapDef map(int index) {
        return options.maps().get(index);
    }

    /** The register {@code r}, which must be initialised. */
    RegState read(FrameState f, int r) {
        RegState v = f.regs[r];
        if (v.type == RegType.NOT_INIT) {
            throw new Reject("R" + r + " !read_ok");
        }
        return v;
    }

    /** Records the kind of memory an instruction touches; one instruction must always touch the same kind. */
    void noteAccess(int index, RegType base) {
        VerifiedProgram.Access kind = VerifiedProgram.Access.of(base);
        if (kind == VerifiedProgram.Access.NONE) {
            return;
        }
        if (access[index] != VerifiedProgram.Access.NONE && access[index] != kind) {
            throw new Reject("same insn cannot be used with different pointers (" + access[index] + " and "
                    + kind + ")");
        }
        access[index] = kind;
    }

    void noteStack(int frame, int bytes) {
        int fn = structure.subprogOf[frameEntry(frame)];
        stackDepth[fn] = Math.max(stackDepth[fn], bytes);
    }

    private int frameEntry(int depth) {
        FrameState f = state.frame(depth);
        return f.callsite < 0 ? 0 : structure.target[f.callsite];
    }

    /** The instruction being analysed, which a {@link Reject} without an index is about. */
    int failedAt = -1;

    /** Runs the analysis; throws {@link Reject} at the first unsafe instruction, with {@link #failedAt} set. */
    void run() {
        FrameState entry = new FrameState(0, -1);
        entry.regs[Reg.R1] = RegState.pointer(RegType.PTR_TO_CTX, 0);
        pending.push(new Head(new State(new FrameState[] {entry}), 0, null, -1));
        while (!pending.isEmpty()) {
            Head h = pending.pop();
            state = h.state;
            if (h.from >= 0 && log.wants()) {
                log.line("from " + program.slotOf(h.from) + " to " + program.slotOf(h.pc) + ":" + state);
            }
            walk(h.pc, h.parent);
        }
        log.line("processed " + processed + " insns (limit " + options.complexityLimit() + "), "
                + totalCheckpoints + " states kept");
    }

    private void walk(int pc, Checkpoint parent) {
        for (;;) {
            failedAt = pc;
            if (++processed > options.complexityLimit()) {
                throw new Reject("BPF program is too large. Processed " + processed + " insn (complexity limit "
                        + options.complexityLimit() + ")");
            }
            if (structure.prunePoint[pc]) {
                List<Checkpoint> here = checkpoints.get(pc);
                if (here == null) {
                    here = new ArrayList<>();
                    checkpoints.set(pc, here);
                }
                for (Checkpoint cp : here) {
                    if (cp.state.includes(state, ids)) {
                        if (cp.branches > 0) {
                            throw new Reject("infinite loop detected at insn " + program.slotOf(pc)
                                    + ": the state repeats and the loop is not proven to end");
                        }
                        log.line(program.slotOf(pc) + ": safe");
                        finish(parent);
                        return;
                    }
                }
                if (here.size() < MAX_CHECKPOINTS_PER_INSN) {
                    Checkpoint cp = new Checkpoint(state.copy(), parent);
                    here.add(cp);
                    totalCheckpoints++;
                    parent = cp;
                }
            }
            Insn i = program.insn(pc);
            FrameState f = state.cur();
            int next = pc + 1;
            switch (i.op().form()) {
                case ALU_IMM, ALU_REG, NEG, MOVSX, END -> Alu.apply(this, f, i);
                case LDX, LDXSX -> Memory.load(this, f, i, pc);
                case ST, STX -> Memory.store(this, f, i, pc);
                case ATOMIC -> Memory.atomic(this, f, i, pc);
                case LDABS, LDIND -> Memory.legacy(this, f, i, pc);
                case LDDW -> f.regs[i.dst()] = lddw(i);
                case JA, JA32 -> next = structure.target[pc];
                case JCOND_IMM, JCOND_REG -> {
                    State[] sides = Branch.split(this, state, i);
                    int t = structure.target[pc];
                    if (sides[0] != null && sides[1] != null) {
                        if (parent != null) {
                            parent.branches++;
                        }
                        pending.push(new Head(sides[0], t, parent, pc));
                        peakPending = Math.max(peakPending, pending.size());
                        state = sides[1];
                    } else if (sides[0] != null) {
                        state = sides[0];
                        next = t;
                    } else {
                        state = sides[1];
                    }
                }
                case CALL_HELPER -> Helpers.call(this, f, i, pc);
                case CALL_LOCAL -> next = callLocal(pc);
                case EXIT -> {
                    if (state.depth() == 0) {
                        checkReturn(f);
                        log.insn(program, pc, state);
                        finish(parent);
                        return;
                    }
                    next = returnFromCall(f);
                }
                default -> throw new Reject(i.op().mnemonic() + " is not supported");
            }
            log.insn(program, pc, state);
            pc = next;
        }
    }

    /** A path ended safely: its checkpoints complete as their last paths end. */
    private static void finish(Checkpoint cp) {
        while (cp != null) {
            if (--cp.branches > 0) {
                return;
            }
            cp = cp.parent;
        }
    }

    private RegState lddw(Insn i) {
        int variant = i.op().variant();
        if (variant == 0) {
            return RegState.constant(i.imm64());
        }
        int fd = i.imm();
        Verifier.MapDef m = options.maps().get(fd);
        if (m == null) {
            throw new Reject("fd " + fd + " is not pointing to valid bpf_map");
        }
        if (variant == 1 || variant == 5) {
            return new RegState(RegType.CONST_PTR_TO_MAP, Scalar.constant(0), 0, 0, 0, fd, 0);
        }
        // map_val_by_fd / map_val_by_idx: a pointer into entry 0 of an array (global data).
        if (m.type() != null && !m.type().isArray()) {
            throw new Reject("map_val_by_fd of map " + fd + ": direct value access needs an array map, not "
                    + m.type().label());
        }
        int off = i.nextImm();
        if (off < 0 || off >= m.valueSize()) {
            throw new Reject("invalid access to map value pointer, value_size=" + m.valueSize() + " off=" + off);
        }
        return new RegState(RegType.PTR_TO_MAP_VALUE, Scalar.constant(0), off, 0, 0, fd, 0);
    }

    private int callLocal(int pc) {
        int depth = state.depth() + 1;
        if (depth >= MemoryModel.MAX_CALL_DEPTH) {
            throw new Reject("the call stack of " + (depth + 1) + " frames is too deep");
        }
        FrameState caller = state.cur();
        FrameState callee = new FrameState(depth, pc);
        for (int r = Reg.R1; r <= Reg.R5; r++) {
            callee.regs[r] = caller.regs[r];
        }
        FrameState[] frames = java.util.Arrays.copyOf(state.frames, depth + 1);
        frames[depth] = callee;
        state.frames = frames;
        return structure.target[pc];
    }

    private int returnFromCall(FrameState callee) {
        RegState r0 = read(callee, Reg.R0);
        if (r0.type == RegType.PTR_TO_STACK && r0.frame == callee.depth) {
            throw new Reject("cannot return stack pointer to the caller");
        }
        state.frames = java.util.Arrays.copyOf(state.frames, callee.depth);
        int gone = callee.depth;
        // Pointers into the frame that just ended point at nothing now.
        state.mapAll(v -> v.type == RegType.PTR_TO_STACK && v.frame >= gone ? RegState.NOT_INIT : v);
        FrameState caller = state.cur();
        caller.regs[Reg.R0] = r0;
        for (int r = Reg.R1; r <= Reg.R5; r++) {
            caller.regs[r] = RegState.NOT_INIT;
        }
        return callee.callsite + 1;
    }

    private void checkReturn(FrameState f) {
        int[] refs = state.refs;
        if (refs.length > 0) {
            throw new Reject("Unreleased reference id=" + refs[0] + " alloc_insn=" + program.slotOf(refs[1])
                    + ": a ring buffer record must be submitted or discarded on every path");
        }
        RegState r0 = read(f, Reg.R0);
        if (!r0.isScalar()) {
            throw new Reject("At program exit the register R0 is not a known value (" + r0 + ")");
        }
        if (type() == ProgramType.XDP) {
            long hi = Verifier.XDP_MAX_ACTION;
            if (Long.compareUnsigned(r0.var.umax, hi) > 0) {
                throw new Reject("At program exit the register R0 has value " + r0 + " should have been in [0, "
                        + hi + "] (an XDP action)");
            }
        }
    }
}
