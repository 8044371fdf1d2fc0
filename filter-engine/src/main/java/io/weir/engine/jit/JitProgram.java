package io.weir.engine.jit;

import io.weir.engine.Filter;
import io.weir.engine.RawExecutable;
import io.weir.engine.ebpf.Disassembler;
import io.weir.engine.ebpf.EbpfMemory;
import io.weir.engine.ebpf.EbpfRuntimeException;
import io.weir.engine.ebpf.Helper;
import io.weir.engine.ebpf.HelperTable;
import io.weir.engine.ebpf.Program;
import io.weir.engine.ebpf.ProgramType;

/**
 * A JIT-compiled eBPF program: the superclass of every class {@link JitCompiler} generates. The generated
 * subclass (a hidden class, one per program) implements the three entry points itself, so that a caller's
 * {@code filter.run(...)} site sees one class and HotSpot inlines the program's code into it; this class only
 * holds what the generated code reads (the helpers, the chunk map) and builds its errors.
 *
 * <p>Thread-safe: the generated code keeps registers in JVM locals and per-run state in a per-thread
 * {@link JitState}.
 */
public abstract class JitProgram implements Filter, RawExecutable {
    final Program program;
    final ProgramType type;
    final HelperTable helpers;
    /** Per instruction index, the helper a static {@code call} reaches (null elsewhere). */
    final Helper[] helperAt;
    /** Per instruction index, the generated method (chunk) holding it. */
    final int[] chunkOf;
    final long budget;
    final int stackDepth;
    private final String describe;
    /**
     * The first {@link #OWNERS} threads that ran this program, each claimed once by compare-and-set, and their
     * run states (each written and read by its thread only): those threads find their state here with a few
     * reads, without a {@code ThreadLocal} lookup; later threads use the runtime's per-thread state.
     */
    final Thread[] owners = new Thread[OWNERS];
    final JitState[] ownerStates = new JitState[OWNERS];
    /**
     * The first two owners and their states again, as plain fields each written once by its own thread (owner
     * after state): a run finds its state with two independent reads of this object instead of a chain through
     * the arrays. Another thread may see them half written or not at all, but never its own {@code Thread} in
     * them, so it never takes a state that is not its own.
     */
    Thread owner0;
    Thread owner1;
    JitState state0;
    JitState state1;
    /** How many threads get a state of their own in the program object. */
    static final int OWNERS = 4;

    /** Called by the generated subclass's constructor only. */
    JitProgram(JitPlan p) {
        this.program = p.program;
        this.type = p.program.type();
        this.helpers = p.helpers;
        this.helperAt = p.helperAt;
        this.chunkOf = p.chunkOf;
        this.budget = p.budget;
        this.stackDepth = p.stackDepth;
        this.describe = p.describe();
    }

    /** The program this class runs. */
    public final Program program() {
        return program;
    }

    /** The error of instruction {@code index}, with its slot index and disassembly, as the interpreter's. */
    final EbpfRuntimeException error(int index, String reason) {
        int at = Math.min(index, program.size() - 1);
        return new EbpfRuntimeException(program.slotOf(at), Disassembler.kernel(program.insn(at)), reason);
    }

    /** {@link #error(int, String)} for a fault raised by a checked access or a helper. */
    final EbpfRuntimeException fault(EbpfMemory.Fault f, int index) {
        return error(index, f.getMessage());
    }

    /** How the JIT laid the program out: methods, stack mode, what it proved. */
    @Override
    public String toString() {
        return describe;
    }
}
