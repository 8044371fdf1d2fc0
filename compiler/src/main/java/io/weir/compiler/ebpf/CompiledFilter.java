package io.weir.compiler.ebpf;

import io.weir.compiler.lower.SetLookup;
import io.weir.engine.Engine;
import io.weir.engine.Engines;
import io.weir.engine.Filter;
import io.weir.engine.cbpf.ClassicProgram;
import io.weir.engine.cbpf.ClassicToEbpf;
import io.weir.engine.ebpf.Insn;
import io.weir.engine.ebpf.Opcode;
import io.weir.engine.ebpf.Program;
import io.weir.engine.maps.BpfMap;
import io.weir.engine.maps.MapHelpers;
import io.weir.engine.maps.MapLinker;
import io.weir.engine.maps.MapSpec;
import io.weir.engine.maps.MapType;
import io.weir.engine.verifier.VerifiedProgram;
import io.weir.engine.verifier.Verifier;
import java.util.ArrayList;
import java.util.List;

/**
 * A compiled filter for the eBPF path, as a blueprint: the eBPF program, whose {@code lddw map_by_fd(i)}
 * instructions name the set tables by index, and the tables' contents. Nothing live is made until
 * {@link #load(Engine)}, which creates and fills the hash maps, verifies the program against them, links it and
 * hands it to an engine.
 *
 * <p>Three ways to run it: {@link #load(Engine)} on its own; inside a larger program whose own maps come first
 * ({@link #program(int)}, {@link #withMaps(Verifier.Options, int)}, {@link #createMaps()}: the flow counter); or
 * in another JVM, from {@link #encode()}'s plain bytes ({@link #decode(byte[])}: Spark executors).
 */
public final class CompiledFilter {
    private final ClassicProgram classic;
    private Program program;
    /** The lowering's tables (a fresh compile), or null (decoded: {@link #sets} holds the data). */
    private final List<SetLookup> tables;
    private List<SetData> sets;

    CompiledFilter(ClassicProgram classic, Program program, List<SetLookup> tables) {
        this.classic = classic;
        this.program = program;
        this.tables = List.copyOf(tables);
    }

    /** A decoded filter ({@link FilterCodec}). */
    CompiledFilter(Program program, List<SetData> sets) {
        this.classic = null;
        this.program = program;
        this.tables = null;
        this.sets = List.copyOf(sets);
    }

    /** Whether the filter needs maps (it has a set too large for a comparison chain). */
    public boolean usesMaps() {
        return tableCount() > 0;
    }

    /** The number of set tables (map fds 0 to this, exclusive). */
    public int tableCount() {
        return tables != null ? tables.size() : sets.size();
    }

    /**
     * The classic program the eBPF one translates, for a fresh compile that needs no maps; null otherwise (and
     * for a {@link #decode decoded} filter).
     */
    public ClassicProgram classic() {
        return classic;
    }

    /**
     * The eBPF program (maps referenced by fd: the table index); without maps, the classic program's
     * translation, made on first use (the CLI starts on the classic interpreter and may never need it).
     */
    public synchronized Program program() {
        if (program == null) {
            program = ClassicToEbpf.translate(classic);
        }
        return program;
    }

    /**
     * The program with its map references moved up by {@code firstFd}, for a program that embeds it after maps of
     * its own (fds 0 to {@code firstFd - 1}); link it with those maps followed by {@link #createMaps()}.
     */
    public Program program(int firstFd) {
        Program p = program();
        if (firstFd == 0 || !usesMaps()) {
            return p;
        }
        List<Insn> out = new ArrayList<>(p.size());
        for (Insn i : p.insns()) {
            if (i.op().form() == Opcode.Form.LDDW && i.src() == 1) {
                out.add(Insn.of(i.opcode(), i.dst(), i.src(), i.off(), i.imm64() + firstFd));
            } else {
                out.add(i);
            }
        }
        return new Program(p.type(), out);
    }

    /** The set data by fd, made from the lowering's tables on first use. */
    private synchronized List<SetData> sets() {
        if (sets == null) {
            List<SetData> s = new ArrayList<>(tables.size());
            for (int fd = 0; fd < tables.size(); fd++) {
                s.add(SetData.of(tables.get(fd), fd));
            }
            sets = s;
        }
        return sets;
    }

    /** The map blueprint of table {@code fd}: a hash map from key to a one-byte value. */
    public MapSpec mapSpec(int fd) {
        if (tables != null) {
            SetLookup t = tables.get(fd);
            return new MapSpec("set" + fd + "_" + t.kind().name().toLowerCase(java.util.Locale.ROOT), MapType.HASH,
                    t.keySize(), SetData.VALUE_SIZE, Math.max(1, t.size()), 0);
        }
        return sets.get(fd).spec();
    }

    /** The verifier's options: a brief log and the set maps by fd. */
    public Verifier.Options verifierOptions() {
        return withMaps(Verifier.Options.DEFAULT.withBriefLog(), 0);
    }

    /** {@code o} with the set maps declared at fds {@code firstFd} and up (see {@link #program(int)}). */
    public Verifier.Options withMaps(Verifier.Options o, int firstFd) {
        for (int fd = 0; fd < tableCount(); fd++) {
            o = o.withMap(firstFd + fd, Verifier.MapDef.of(mapSpec(fd)));
        }
        return o;
    }

    /** Verifies the program against the set maps. */
    public VerifiedProgram verify() {
        return new Verifier(verifierOptions()).check(program());
    }

    /** Creates the maps and fills them with the tables' entries, by fd; the caller closes them. */
    public List<BpfMap> createMaps() {
        List<SetData> data = sets();
        List<BpfMap> maps = new ArrayList<>(data.size());
        try {
            for (SetData d : data) {
                maps.add(d.create());
            }
        } catch (RuntimeException e) {
            for (BpfMap m : maps) {
                m.close();
            }
            throw e;
        }
        return maps;
    }

    /**
     * Verifies the program, creates the maps, links and loads it on {@code engine} ({@code AUTO}: the JIT, or
     * the interpreter where the JIT cannot generate a class).
     *
     * @throws io.weir.engine.verifier.VerifierException if the verifier rejects the program (a Weir bug)
     */
    public LoadedFilter load(Engine engine) {
        verify();
        List<BpfMap> maps = createMaps();
        try {
            Program linked = MapLinker.link(program(), maps);
            Filter f = Engines.backend(engine).filter(linked, MapHelpers.table(), Engines.DEFAULT_BUDGET);
            return new LoadedFilter(f, maps);
        } catch (RuntimeException e) {
            for (BpfMap m : maps) {
                m.close();
            }
            throw e;
        }
    }

    /**
     * The filter as plain bytes: the eBPF program and every set's keys ({@link FilterCodec} gives the layout).
     * {@link #decode(byte[])} makes an equal blueprint of them in any JVM.
     */
    public byte[] encode() {
        return FilterCodec.encode(program(), sets());
    }

    /**
     * The blueprint {@link #encode()} wrote.
     *
     * @throws IllegalArgumentException for bytes of another form, or cut short (naming the byte offset)
     */
    public static CompiledFilter decode(byte[] bytes) {
        return FilterCodec.decode(bytes);
    }

    /**
     * Whether {@code bytes} are {@link #encode()}'s form; never true for an encoded classic program, whose
     * first 16-bit word is an opcode below 0x100.
     */
    public static boolean isEncoded(byte[] bytes) {
        return FilterCodec.isEncoded(bytes);
    }
}
