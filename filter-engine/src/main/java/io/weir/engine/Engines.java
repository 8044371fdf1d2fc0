package io.weir.engine;

import io.weir.engine.ebpf.EbpfInterpreter;
import io.weir.engine.ebpf.HelperTable;
import io.weir.engine.ebpf.Program;

/**
 * Makes runnable objects from eBPF programs, on the engine asked for. This is the one place that knows which
 * engines exist: the JIT plugs in at {@link #jit()}.
 *
 * <p>Packet programs ({@code SOCKET}, {@code XDP}) should come from the verifier; {@code RAW} programs are
 * checked at run time on every access (see {@link io.weir.engine.ebpf.ProgramType}).
 */
public final class Engines {
    /** The default instruction budget: the kernel's verifier complexity limit, one million. */
    public static final long DEFAULT_BUDGET = 1_000_000L;

    private Engines() {}

    /** The seam of an engine: how it builds runnable objects. */
    public interface Backend {
        /** A filter for a packet program. */
        Filter filter(Program program, HelperTable helpers, long budget);

        /** A runnable RAW program. */
        RawExecutable raw(Program program, HelperTable helpers, long budget);
    }

    private static final Backend INTERPRETER = new Backend() {
        @Override
        public Filter filter(Program program, HelperTable helpers, long budget) {
            return new EbpfInterpreter(program, helpers, budget);
        }

        @Override
        public RawExecutable raw(Program program, HelperTable helpers, long budget) {
            return new EbpfInterpreter(program, helpers, budget);
        }
    };

    /**
     * The JIT's backend, or null while there is none. The JIT (io.weir.engine.jit) returns its backend here.
     */
    static Backend jit() {
        return io.weir.engine.jit.JitBackend.JIT;
    }

    /** Whether {@code engine} can run programs in this build. */
    public static boolean available(Engine engine) {
        return engine != Engine.JIT || jit() != null;
    }

    /** The backend of {@code engine}; AUTO picks the JIT when it exists. */
    public static Backend backend(Engine engine) {
        switch (engine) {
            case INTERPRETER:
                return INTERPRETER;
            case JIT: {
                Backend b = jit();
                if (b == null) {
                    throw new UnsupportedOperationException("the JIT engine is not available in this build");
                }
                return b;
            }
            default: {
                // AUTO: the JIT, which falls back to the interpreter (and logs why) when generation fails.
                return jit() != null ? io.weir.engine.jit.JitBackend.AUTO : INTERPRETER;
            }
        }
    }

    /** A filter for a packet program, with the type's default helpers and budget. */
    public static Filter filter(Program program, Engine engine) {
        return backend(engine).filter(program, HelperTable.forType(program.type()), DEFAULT_BUDGET);
    }

    /** A runnable RAW program, with the conformance helpers and the default budget. */
    public static RawExecutable raw(Program program, Engine engine) {
        return backend(engine).raw(program, HelperTable.forType(program.type()), DEFAULT_BUDGET);
    }
}
