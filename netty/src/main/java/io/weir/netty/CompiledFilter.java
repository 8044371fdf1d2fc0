package io.weir.netty;

import io.weir.compiler.CompileOptions;
import io.weir.compiler.FilterCompiler;
import io.weir.compiler.FilterSyntaxException;
import io.weir.compiler.ebpf.EbpfCompiler;
import io.weir.compiler.ebpf.LoadedFilter;
import io.weir.engine.Engine;
import io.weir.engine.Engines;
import io.weir.engine.Filter;
import io.weir.engine.cbpf.ClassicInsn;
import io.weir.engine.cbpf.ClassicOp;
import io.weir.engine.cbpf.ClassicProgram;
import io.weir.engine.cbpf.ClassicToEbpf;
import io.weir.engine.cbpf.ClassicValidator;
import io.weir.engine.ebpf.Program;
import io.weir.engine.elf.BpfObject;
import io.weir.engine.elf.ElfObjectSpec;
import io.weir.engine.elf.ElfProgram;
import io.weir.engine.elf.SectionKind;
import io.weir.engine.jit.JitCompiler;
import io.weir.engine.jit.JitException;
import io.weir.engine.maps.BpfMap;
import io.weir.engine.maps.MapHelpers;
import io.weir.engine.maps.MapSpec;
import io.weir.engine.verifier.VerifiedProgram;
import io.weir.engine.verifier.Verifier;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A filter ready for {@link BpfFilterHandler}: the runnable {@link Filter} (the JIT where available, through
 * {@link Engines}), the link type of the packets it expects, how to read its return value, and how many bytes of
 * a packet it can reach (which bounds what the handler copies for a {@code DatagramPacket}).
 *
 * <p>This is the netty module's seam from "what to filter with" to a {@code Filter}: an expression, a compiled
 * classic program, an eBPF program, or a clang-built object. Compile off the event loop (it takes milliseconds),
 * then hand the result to {@link BpfFilterHandler.Builder#filter} or {@link BpfFilterHandler#reload}.
 *
 * <pre>{@code
 * CompiledFilter f = CompiledFilter.expression("udp and dst port 53", LinkTypes.RAW);
 * }</pre>
 */
public final class CompiledFilter {
    /** How the program's return value becomes a verdict. */
    enum Verdict {
        /** Socket filters and expressions: non-zero keeps. */
        NONZERO,
        /** tc classifiers: everything but {@code TC_ACT_SHOT} (2) keeps. */
        NOT_SHOT,
        /** XDP: {@code XDP_PASS} (2), {@code XDP_TX} (3) and {@code XDP_REDIRECT} (4) keep. */
        XDP
    }

    /** Reach of a program whose loads are not all at constant offsets: every byte. */
    static final int UNBOUNDED = Integer.MAX_VALUE;

    private final Filter filter;
    private final int linkType;
    private final Verdict verdict;
    private final int reach;
    private final String description;
    /** What {@link #close()} frees: a clang-built object's maps or an expression's set maps; or null. */
    private final AutoCloseable object;

    private CompiledFilter(Filter filter, int linkType, Verdict verdict, int reach, String description,
            AutoCloseable object) {
        this.filter = filter;
        this.linkType = linkType;
        this.verdict = verdict;
        this.reach = reach;
        this.description = description;
        this.object = object;
    }

    /** Compiles a pcap-filter expression for {@code linkType} and runs it on the fastest engine. */
    public static CompiledFilter expression(String expr, int linkType) throws FilterSyntaxException {
        return expression(expr, linkType, Engine.AUTO);
    }

    /**
     * Compiles a pcap-filter expression for {@code linkType} (a DLT number, see {@link LinkTypes}).
     *
     * @throws FilterSyntaxException    the expression is invalid, with its location
     * @throws IllegalArgumentException Weir does not compile filters for this link type
     */
    public static CompiledFilter expression(String expr, int linkType, Engine engine) throws FilterSyntaxException {
        // The eBPF compiler: the classic program when it needs no maps, else lookups in the sets' hash maps.
        io.weir.compiler.ebpf.CompiledFilter spec = EbpfCompiler.compile(expr, linkType,
                FilterCompiler.DEFAULT_SNAPLEN, CompileOptions.DEAD);
        String description = expr.isBlank() ? "(all packets)" : expr;
        if (!spec.usesMaps()) {
            return build(spec.classic(), linkType, engine, description);
        }
        LoadedFilter loaded = spec.load(engine);
        return new CompiledFilter(loaded.engineFilter(), linkType, Verdict.NONZERO, UNBOUNDED, description, loaded);
    }

    /** A compiled classic program (for example from {@code weir compile -ddd}), validated as the kernel would. */
    public static CompiledFilter classic(ClassicProgram program, int linkType, Engine engine) {
        ClassicValidator.validate(program);
        return build(program, linkType, engine, "classic program of " + program.size() + " instructions");
    }

    private static CompiledFilter build(ClassicProgram p, int linkType, Engine engine, String description) {
        int reach = reach(p);
        if (acceptsAll(p)) {
            // A lone "ret #k": no filter call at all, so an empty expression costs nothing per message.
            return new CompiledFilter(null, linkType, Verdict.NONZERO, 0, description, null);
        }
        return new CompiledFilter(runnable(ClassicToEbpf.translate(p), engine), linkType, Verdict.NONZERO, reach,
                description, null);
    }

    /** A SOCKET eBPF program (returns the bytes to keep, 0 drops), verified before it runs. */
    public static CompiledFilter ebpf(Program program, int linkType, Engine engine) {
        return new CompiledFilter(runnable(program, engine), linkType, Verdict.NONZERO, UNBOUNDED,
                "eBPF program of " + program.size() + " instructions", null);
    }

    /**
     * A program of a clang-built object ({@code clang -O2 -g -target bpf -c prog.c}): {@code socket},
     * {@code classifier}/{@code tc} or {@code xdp} sections. The object's maps live as long as this filter:
     * read them with {@link #map(String)}, free them with {@link #close()} once no handler uses the filter.
     *
     * @param section the program's section or function name, or null for the only program
     */
    public static CompiledFilter object(Path file, String section, int linkType, Engine engine) throws IOException {
        return object(file, section, linkType, engine, true);
    }

    /**
     * As {@link #object(Path, String, int, Engine)}; with {@code verify} false the program skips the verifier
     * (needed today for what it does not support yet, such as global data) and runs with every memory access
     * checked at run time by the engine, as {@code weir run} runs objects.
     *
     * @throws io.weir.engine.verifier.VerifierException when {@code verify} is set and the verifier rejects it
     */
    public static CompiledFilter object(Path file, String section, int linkType, Engine engine, boolean verify)
            throws IOException {
        ElfObjectSpec spec = ElfObjectSpec.read(file);
        ElfProgram program = spec.program(section);
        if (verify) {
            Verifier.Options options = Verifier.Options.DEFAULT.withBriefLog();
            for (int i = 0; i < spec.maps().size(); i++) {
                MapSpec m = spec.maps().get(i);
                if (m.keySize() > 0 && m.valueSize() > 0 && m.keySize() <= 512 && m.valueSize() <= 65_536) {
                    options = options.withMap(i, new Verifier.MapDef(m.keySize(), m.valueSize()));
                }
            }
            // Verified before linking: the verifier needs to see which constants are map references.
            new Verifier(options).check(program.program());
        }
        BpfObject obj = spec.load();
        try {
            Filter f = Engines.backend(engine).filter(obj.link(program), MapHelpers.table(), Engines.DEFAULT_BUDGET);
            Verdict v = program.kind() == SectionKind.XDP ? Verdict.XDP
                    : program.kind() == SectionKind.CLASSIFIER ? Verdict.NOT_SHOT : Verdict.NONZERO;
            return new CompiledFilter(f, linkType, v, UNBOUNDED, file.getFileName() + ":" + program.section(), obj);
        } catch (RuntimeException e) {
            obj.close();
            throw e;
        }
    }

    /** Wraps any {@link Filter} (non-zero keeps) that reads packets of {@code linkType}. */
    public static CompiledFilter of(Filter filter, int linkType, String description) {
        return new CompiledFilter(Objects.requireNonNull(filter, "filter"), linkType, Verdict.NONZERO, UNBOUNDED,
                description, null);
    }

    /** The verified program on the engine asked for; AUTO falls back to the interpreter when the JIT cannot. */
    private static Filter runnable(Program ebpf, Engine engine) {
        VerifiedProgram verified = new Verifier(Verifier.Options.DEFAULT.withBriefLog()).check(ebpf);
        if (engine == Engine.INTERPRETER || !Engines.available(Engine.JIT)) {
            return Engines.filter(verified.program(), Engine.INTERPRETER);
        }
        try {
            // The verified form: loads proven in bounds lose their run-time check.
            return JitCompiler.compile(verified);
        } catch (JitException e) {
            if (engine == Engine.JIT) {
                throw e;
            }
            return Engines.filter(verified.program(), Engine.INTERPRETER);
        }
    }

    /** Whether the program is a lone {@code ret #k} with k != 0. */
    private static boolean acceptsAll(ClassicProgram p) {
        return p.size() == 1 && p.get(0).op() == ClassicOp.RET_K && p.get(0).k() != 0;
    }

    /**
     * One past the last packet byte the program can read: the furthest absolute load, or {@link #UNBOUNDED} when
     * it loads at a computed offset ({@code ld [x + k]}) or reads the packet as a whole ({@code ldx 4*([k]&0xf)}
     * counts as absolute).
     */
    static int reach(ClassicProgram p) {
        int reach = 0;
        for (ClassicInsn in : p.insns()) {
            int size;
            switch (in.op()) {
                case LD_ABS: size = 4; break;
                case LDH_ABS: size = 2; break;
                case LDB_ABS: case LDX_MSH: size = 1; break;
                case LD_IND: case LDH_IND: case LDB_IND: return UNBOUNDED;
                default: size = 0;
            }
            if (size > 0) {
                long end = in.kUnsigned() + size;
                reach = (int) Math.max(reach, Math.min(end, UNBOUNDED));
            }
        }
        return reach;
    }

    /** Whether the packet in {@code view} matches (a filter that accepts everything is never called). */
    boolean matches(PacketView view) {
        if (filter == null) {
            return true;
        }
        long r = view.array() != null
                ? filter.run(view.array(), view.offset(), view.capLen(), view.wireLen())
                : filter.run(view.nio(), view.offset(), view.capLen(), view.wireLen());
        switch (verdict) {
            case NONZERO: return r != 0;
            case NOT_SHOT: return r != 2;
            default: return r >= 2 && r <= 4;
        }
    }

    /** The link type of the packets this filter reads. */
    public int linkType() {
        return linkType;
    }

    /** The bytes of a packet the filter can read ({@code Integer.MAX_VALUE}: all of them). */
    public int reach() {
        return reach;
    }

    /** The runnable filter, or null when every packet matches. */
    public Filter filter() {
        return filter;
    }

    /**
     * The map {@code name} of a clang-built object, or of an expression whose sets are map lookups
     * ({@code set0_ipv4}, ...); null when there is none.
     */
    public BpfMap map(String name) {
        if (object instanceof LoadedFilter f) {
            for (BpfMap m : f.maps()) {
                if (m.name().equals(name)) {
                    return m;
                }
            }
            return null;
        }
        return object == null ? null : ((BpfObject) object).map(name);
    }

    /**
     * Closes the maps of a clang-built object or of an expression's large sets; nothing for other filters. The
     * filter must not run after that: close a filter {@link BpfFilterHandler#reload} replaced once messages in
     * flight are done with it.
     */
    public void close() {
        if (object instanceof LoadedFilter f) {
            f.close();
        } else if (object != null) {
            ((BpfObject) object).close();
        }
    }

    @Override
    public String toString() {
        return description;
    }
}
