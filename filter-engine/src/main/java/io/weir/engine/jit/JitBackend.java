package io.weir.engine.jit;

import io.weir.engine.Engine;
import io.weir.engine.Engines;
import io.weir.engine.Filter;
import io.weir.engine.RawExecutable;
import io.weir.engine.ebpf.EbpfInterpreter;
import io.weir.engine.ebpf.HelperTable;
import io.weir.engine.ebpf.Program;
import io.weir.engine.verifier.VerifiedProgram;

/**
 * The JIT's seam into {@link Engines}: {@link #JIT} always compiles (and fails when it cannot); {@link #AUTO}
 * compiles and, when generation fails for a valid program, logs why and runs the interpreter instead. Load
 * errors of the program itself ({@link io.weir.engine.ebpf.EbpfFormatException}) are never hidden by a
 * fallback.
 */
public final class JitBackend implements Engines.Backend {
    /** The {@code jit} engine. */
    public static final JitBackend JIT = new JitBackend(false);
    /** The {@code auto} engine: the JIT, the interpreter when generation fails. */
    public static final JitBackend AUTO = new JitBackend(true);

    private static final System.Logger LOG = System.getLogger("io.weir.engine.jit");

    private final boolean fallback;

    private JitBackend(boolean fallback) {
        this.fallback = fallback;
    }

    @Override
    public Filter filter(Program program, HelperTable helpers, long budget) {
        JitProgram jit = compile(program, helpers, budget);
        return jit != null ? jit : new EbpfInterpreter(program, helpers, budget);
    }

    /**
     * A filter for a program the verifier accepted, compiled with what it proved ({@link MemoryFacts#of}):
     * packet accesses unchecked, no stack clearing between runs. {@code program} may be the verified program
     * linked to its maps ({@code MapLinker} keeps instruction indices).
     */
    public Filter filter(Program program, HelperTable helpers, long budget, MemoryFacts facts) {
        JitProgram jit = compile(program, helpers, budget, facts);
        return jit != null ? jit : new EbpfInterpreter(program, helpers, budget);
    }

    /**
     * The filter of a verified program on {@code engine}: the interpreter as it is; the JIT ({@code jit}, or
     * {@code auto} with its fallback) given the verifier's facts, so the packet is read unchecked and the stack
     * is not cleared between runs (what {@code weir run} and the flow counter need).
     */
    public static Filter verified(Engine engine, Program linked, HelperTable helpers, VerifiedProgram verified) {
        if (engine == Engine.INTERPRETER) {
            return Engines.backend(engine).filter(linked, helpers, Engines.DEFAULT_BUDGET);
        }
        JitBackend backend = engine == Engine.JIT ? JIT : AUTO;
        return backend.filter(linked, helpers, Engines.DEFAULT_BUDGET, MemoryFacts.of(verified));
    }

    @Override
    public RawExecutable raw(Program program, HelperTable helpers, long budget) {
        JitProgram jit = compile(program, helpers, budget);
        return jit != null ? jit : new EbpfInterpreter(program, helpers, budget);
    }

    /** The compiled program, or null (logged) when generation failed and this backend falls back. */
    private JitProgram compile(Program program, HelperTable helpers, long budget) {
        return compile(program, helpers, budget, MemoryFacts.NONE);
    }

    private JitProgram compile(Program program, HelperTable helpers, long budget, MemoryFacts facts) {
        try {
            return JitCompiler.compile(program, helpers, budget, facts);
        } catch (JitException e) {
            if (!fallback) {
                throw e;
            }
            LOG.log(System.Logger.Level.WARNING, "JIT unavailable for a " + program.size()
                    + "-instruction program, using the interpreter: " + e.getMessage());
            return null;
        }
    }
}
