package io.weir.cli;

import io.weir.compiler.FilterCompiler;
import io.weir.compiler.FilterSyntaxException;
import io.weir.compiler.ebpf.CompiledFilter;
import io.weir.engine.Engine;
import io.weir.engine.Engines;
import io.weir.engine.Filter;
import io.weir.engine.cbpf.ClassicInsn;
import io.weir.engine.cbpf.ClassicInterpreter;
import io.weir.engine.cbpf.ClassicOp;
import io.weir.engine.cbpf.ClassicProgram;
import io.weir.engine.cbpf.ClassicToEbpf;
import io.weir.engine.ebpf.Program;
import io.weir.engine.jit.JitCompiler;
import io.weir.engine.jit.JitException;
import io.weir.engine.verifier.VerifiedProgram;
import io.weir.engine.verifier.Verifier;
import io.weir.engine.verifier.VerifierException;
import java.util.Locale;

/**
 * The one seam from a filter expression to something that runs on packets: compile to classic BPF, translate to
 * eBPF, verify, then hand the verified program to the engine asked for.
 *
 * <pre>{@code
 * Filter f = FilterFactory.create("tcp port 80", 1, 262144, FilterFactory.Choice.AUTO);   // null: accepts all
 * }</pre>
 *
 * <p>A program that accepts every packet ({@code ret #k} with k != 0 and nothing else, as an empty expression
 * compiles) gives {@code null}: callers skip the filter call altogether, so "no filter" costs nothing per packet.
 */
final class FilterFactory {
    private FilterFactory() {}

    /** The {@code --engine} choices. */
    enum Choice {
        /** The JIT over the verified eBPF program, the eBPF interpreter where the JIT cannot generate a class. */
        AUTO,
        /** The JIT only: an error when it cannot generate a class. */
        JIT,
        /** The eBPF interpreter over the verified program. */
        INTERPRETER,
        /** The classic-BPF interpreter on the compiled program itself (no eBPF, no verifier). */
        CLASSIC;

        /** The choice named {@code label} (case-insensitive). */
        static Choice of(String label) {
            try {
                return valueOf(label.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown engine '" + label + "' (auto, jit, interpreter, classic)");
            }
        }
    }

    /** A program the pipeline could not turn into a filter after it compiled (a verifier or JIT rejection). */
    static final class BackendException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BackendException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Compiles {@code expr} for {@code linkType} and returns its filter, or {@code null} when it accepts every
     * packet.
     *
     * @throws FilterSyntaxException   the expression is not valid (or rejects all packets, as libpcap says)
     * @throws IllegalArgumentException Weir does not compile filters for this link type
     * @throws BackendException        the verifier or the JIT refused the compiled program (a Weir bug)
     */
    static Filter create(String expr, ExtensionFlags flags, int linkType, int snaplen, Choice choice)
            throws FilterSyntaxException {
        return of(FilterCompiler.compile(expr, linkType, snaplen, flags.applyTo(io.weir.compiler.CompileOptions.DEAD)),
                choice);
    }

    /**
     * The filter of an eBPF-path compile: its classic program's filter when it needs no maps, else the program
     * with its set maps (sets too large for comparisons), verified and loaded on the engine asked for.
     *
     * @throws BackendException with {@code --engine classic} (classic BPF cannot hold the maps), or when the
     *     verifier refuses the program (a Weir bug)
     */
    static Filter of(CompiledFilter spec, Choice choice) {
        if (!spec.usesMaps()) {
            return of(spec.classic(), choice);
        }
        if (choice == Choice.CLASSIC) {
            throw new BackendException("this filter's sets need map lookups, which classic BPF cannot hold: use "
                    + "--engine auto, jit or interpreter", null);
        }
        try {
            return spec.load(choice == Choice.JIT ? Engine.JIT : choice == Choice.INTERPRETER ? Engine.INTERPRETER
                    : Engine.AUTO);
        } catch (VerifierException e) {
            throw new BackendException("the verifier rejected the compiled filter (a Weir bug): " + e.getMessage(), e);
        }
    }

    /** The filter of a compiled program, or {@code null} when it accepts every packet. */
    static Filter of(ClassicProgram classic, Choice choice) {
        if (acceptsAll(classic)) {
            return null;
        }
        if (choice == Choice.CLASSIC) {
            return ClassicInterpreter.of(classic);
        }
        Program ebpf = ClassicToEbpf.translate(classic);
        VerifiedProgram verified = verify(ebpf);
        switch (choice) {
            case INTERPRETER:
                return Engines.filter(verified.program(), Engine.INTERPRETER);
            case JIT:
                try {
                    return JitCompiler.compile(verified);
                } catch (JitException e) {
                    throw new BackendException("the JIT could not compile the filter: " + e.getMessage(), e);
                }
            default:
                if (!Engines.available(Engine.JIT)) {
                    return Engines.filter(verified.program(), Engine.INTERPRETER);
                }
                try {
                    // The verified form: loads the verifier proved in bounds lose their run-time check.
                    return JitCompiler.compile(verified);
                } catch (JitException e) {
                    return Engines.filter(verified.program(), Engine.INTERPRETER);
                }
        }
    }

    /**
     * The verifier step: every program the compiler emits must pass it before it runs. A rejection means the
     * compiler or the translation is wrong, so it is reported as such rather than run unchecked.
     */
    static VerifiedProgram verify(Program ebpf) {
        try {
            return new Verifier(Verifier.Options.DEFAULT.withBriefLog()).check(ebpf);
        } catch (VerifierException e) {
            throw new BackendException("the verifier rejected the compiled filter (a Weir bug): " + e.getMessage(), e);
        }
    }

    /** Whether the program is a lone {@code ret #k} with k != 0: every packet matches. */
    static boolean acceptsAll(ClassicProgram p) {
        if (p.size() != 1) {
            return false;
        }
        ClassicInsn only = p.get(0);
        return only.op() == ClassicOp.RET_K && only.k() != 0;
    }
}
