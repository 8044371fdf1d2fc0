package io.weir.engine.verifier;

import io.weir.engine.ebpf.Disassembler;
import io.weir.engine.ebpf.EbpfFormatException;
import io.weir.engine.ebpf.InsnCodec;
import io.weir.engine.ebpf.Program;
import io.weir.engine.ebpf.ProgramType;
import io.weir.engine.maps.MapSpec;
import io.weir.engine.maps.MapType;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The eBPF verifier: accepts a packet program only when it can never read or write outside the memory it was
 * given, never read an uninitialised register or stack byte, never loop forever and never make an engine throw.
 * See the package documentation for what it checks and what it does not.
 *
 * <pre>{@code
 * VerifiedProgram v = Verifier.verify(program);                      // default options
 * VerifiedProgram w = new Verifier(Verifier.Options.DEFAULT.withBriefLog()).check(program);
 * }</pre>
 */
public final class Verifier {
    /** The largest XDP action ({@code XDP_REDIRECT}); an XDP program returns 0..4. */
    public static final long XDP_MAX_ACTION = 4;
    /**
     * The default complexity limit: instructions analysed over all paths, the kernel's one million. The analysis
     * runs at about a million instructions per second, so the worst program is rejected in about a second;
     * programs the compiler makes need a few hundred (well under a millisecond).
     */
    public static final long DEFAULT_COMPLEXITY_LIMIT = 1_000_000;

    /**
     * A map the program may reference with {@code lddw map_by_fd(fd)} (or {@code map_by_idx}), or whose value
     * {@code lddw map_val_by_fd(fd, off)} points into (global data): what the helpers and accesses check.
     *
     * @param keySize   the key size in bytes
     * @param valueSize the value size in bytes
     * @param type      the map type, or null when not known (the helpers' map-type check is then skipped)
     * @param readOnly  whether the program may only read its values ({@code BPF_F_RDONLY_PROG}, as
     *                  {@code .rodata} is loaded): stores, atomics and helper writes into them are rejected
     */
    public record MapDef(int keySize, int valueSize, MapType type, boolean readOnly) {
        public MapDef {
            if (keySize < 0 || valueSize < 0 || keySize > 512 || valueSize > (1 << 22)) {
                throw new IllegalArgumentException("bad map sizes: key " + keySize + ", value " + valueSize);
            }
        }

        /** A writable map of this type. */
        public MapDef(int keySize, int valueSize, MapType type) {
            this(keySize, valueSize, type, false);
        }

        /** A map of unknown type. */
        public MapDef(int keySize, int valueSize) {
            this(keySize, valueSize, null);
        }

        /** What the verifier needs of a map spec. */
        public static MapDef of(MapSpec spec) {
            return new MapDef(spec.keySize(), spec.valueSize(), spec.type(),
                    (spec.flags() & MapSpec.F_RDONLY_PROG) != 0);
        }
    }

    /**
     * How to verify.
     *
     * @param complexityLimit instructions analysed (over all paths) before the program is rejected as too complex
     * @param maps            the maps by fd
     * @param fullLog         whether to keep the per-instruction log (off: only counted; faster)
     */
    public record Options(long complexityLimit, Map<Integer, MapDef> maps, boolean fullLog) {
        /** The kernel's limit, no maps, full log. */
        public static final Options DEFAULT = new Options(DEFAULT_COMPLEXITY_LIMIT, Map.of(), true);

        public Options {
            if (complexityLimit <= 0) {
                throw new IllegalArgumentException("complexity limit must be positive");
            }
            maps = Map.copyOf(maps);
        }

        /** These options with another complexity limit. */
        public Options withComplexityLimit(long limit) {
            return new Options(limit, maps, fullLog);
        }

        /** These options with map {@code fd} defined. */
        public Options withMap(int fd, MapDef def) {
            Map<Integer, MapDef> m = new TreeMap<>(maps);
            m.put(fd, def);
            return new Options(complexityLimit, m, fullLog);
        }

        /** These options with {@code specs.get(n)} as map {@code n} (an ELF object's maps, in their order). */
        public Options withMaps(List<MapSpec> specs) {
            Map<Integer, MapDef> m = new TreeMap<>(maps);
            for (int n = 0; n < specs.size(); n++) {
                m.put(n, MapDef.of(specs.get(n)));
            }
            return new Options(complexityLimit, m, fullLog);
        }

        /** These options keeping only a line count instead of the full log. */
        public Options withBriefLog() {
            return new Options(complexityLimit, maps, false);
        }
    }

    private final Options options;

    /** A verifier with these options. */
    public Verifier(Options options) {
        this.options = options;
    }

    /** Verifies {@code p} with the default options. */
    public static VerifiedProgram verify(Program p) {
        return new Verifier(Options.DEFAULT).check(p);
    }

    /** Decodes raw instruction bytes (a multiple of 8) and verifies them as a program of {@code type}. */
    public VerifiedProgram check(ProgramType type, byte[] code) {
        Program p;
        try {
            p = new Program(type, InsnCodec.decode(code));
        } catch (EbpfFormatException e) {
            String where = e.index() >= 0 ? "insn " + e.index() + ": (" + String.format("%02x", e.opcode()) + "): "
                    : "";
            throw new VerifierException(e.index(), where + e.reason(), e.reason(), null, 0, where + e.reason());
        }
        return check(p);
    }

    /**
     * Verifies {@code p}.
     *
     * @throws VerifierException when the program is not safe, or is of type RAW (never verified)
     */
    public VerifiedProgram check(Program p) {
        VerifierLog log = new VerifierLog(options.fullLog());
        if (!p.type().isPacketProgram()) {
            throw fail(p, -1, "raw programs are not verified: they run with every access checked at run time",
                    null, log);
        }
        Structure structure;
        try {
            structure = Structure.check(p);
        } catch (Reject r) {
            throw fail(p, r.index, r.getMessage(), null, log);
        }
        Analyzer a = new Analyzer(p, options, structure, log);
        try {
            a.run();
        } catch (Reject r) {
            int at = r.index >= 0 ? r.index : a.failedAt;
            String context = at >= 0 && a.state() != null ? "state before insn " + p.slotOf(at) + ":" + a.state()
                    : null;
            throw fail(p, at, r.getMessage(), context, log);
        }
        return new VerifiedProgram(p, a.access, a.stackDepth, structure.maxFrames, a.processed, a.totalCheckpoints,
                log.text());
    }

    private static VerifierException fail(Program p, int index, String reason, String context, VerifierLog log) {
        String headline = index >= 0 ? "insn " + p.slotOf(index) + ": " + Disassembler.kernel(p.insn(index)) + ": "
                + reason : reason;
        long before = log.count();
        log.line(headline);
        String text = log.isFull() ? log.text() : log.text() + headline + "\n";
        return new VerifierException(index >= 0 ? p.slotOf(index) : -1, headline, reason, context, before, text);
    }
}
