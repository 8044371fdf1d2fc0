package io.weir.engine.elf;

import io.weir.engine.ebpf.EbpfFormatException;
import io.weir.engine.ebpf.Program;
import io.weir.engine.maps.MapSpec;
import io.weir.engine.maps.MapType;
import io.weir.engine.verifier.VerifiedProgram;
import io.weir.engine.verifier.Verifier;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.fornwall.jelf.ElfException;
import net.fornwall.jelf.ElfFile;
import net.fornwall.jelf.ElfSection;
import net.fornwall.jelf.ElfSectionHeader;
import net.fornwall.jelf.ElfSymbol;
import net.fornwall.jelf.ElfSymbolTableSection;

/**
 * The blueprint of an ELF object built by {@code clang -O2 -g -target bpf -c}: its map specs (BTF-defined
 * {@code .maps}, the legacy {@code maps} section, and {@code .rodata*}/{@code .data*}/{@code .bss*} as
 * one-entry arrays) and its programs ({@code socket}, {@code socket/...}, {@code classifier}, {@code tc},
 * {@code xdp} sections), with local calls resolved against {@code .text} and map relocations turned into
 * {@code lddw} pseudo map references. {@link #load()} makes the live {@link BpfObject}.
 *
 * <p>Supported relocations: {@code R_BPF_64_64} on a {@code lddw} against a map or a global variable, and
 * {@code R_BPF_64_32} on a local call. Anything else — another relocation type, an extern symbol (a kfunc or a
 * {@code __ksym}), CO-RE relocations in {@code .BTF.ext}, a call to a function pointer — is rejected naming the
 * section and the relocation. The ELF structure is read with {@code net.fornwall:jelf}.
 */
public final class ElfObjectSpec {
    private static final int EM_BPF = 247;
    private static final int R_BPF_64_64 = 1;
    private static final int R_BPF_64_32 = 10;
    /** SHT_HASH, SHT_DYNAMIC, SHT_NOTE, SHT_GNU_HASH: tables of linked files, not of {@code clang -c} objects. */
    private static final java.util.Set<Integer> LINK_TIME_TABLES = java.util.Set.of(5, 6, 7, 0x6ffffff6);

    private final List<MapSpec> maps;
    private final List<byte[]> initialData;
    private final List<ElfProgram> programs;
    private final List<String> otherSections;

    private ElfObjectSpec(List<MapSpec> maps, List<byte[]> initialData, List<ElfProgram> programs,
            List<String> otherSections) {
        this.maps = List.copyOf(maps);
        this.initialData = Collections.unmodifiableList(new ArrayList<>(initialData));
        this.programs = List.copyOf(programs);
        this.otherSections = List.copyOf(otherSections);
    }

    /** Reads the object file at {@code path}. */
    public static ElfObjectSpec read(Path path) throws IOException {
        try {
            return parse(Files.readAllBytes(path));
        } catch (ElfLoadException e) {
            throw new ElfLoadException(path.getFileName() + ": " + e.getMessage(), e);
        }
    }

    /** Parses an object file's bytes. */
    public static ElfObjectSpec parse(byte[] bytes) {
        try {
            return new Parser(bytes).parse();
        } catch (ElfException e) {
            throw new ElfLoadException("not a readable ELF object: " + e.getMessage(), e);
        } catch (ElfLoadException e) {
            throw e;
        } catch (RuntimeException e) {
            // jelf trusts the file's tables (casts, indexes, sizes); ElfLoaderFuzzTest found several ways to make
            // it throw something other than ElfException. Any of them means the file is malformed.
            throw new ElfLoadException("not a readable ELF object: " + e, e);
        }
    }

    /** The map specs; a map reference {@code n} in the programs' {@code lddw}s is {@code maps().get(n)}. */
    public List<MapSpec> maps() {
        return maps;
    }

    /** The initial bytes of map {@code n} (global data), or null for maps that start empty. */
    public byte[] initialData(int n) {
        byte[] d = initialData.get(n);
        return d == null ? null : d.clone();
    }

    /** The program sections Weir can run, in section order. */
    public List<ElfProgram> programs() {
        return programs;
    }

    /** Executable sections that are not programs Weir runs (for error messages). */
    public List<String> unsupportedSections() {
        return otherSections;
    }

    /**
     * The program whose section or function name is {@code name}, or the first one when {@code name} is null.
     *
     * @throws ElfLoadException naming the available sections when there is none
     */
    public ElfProgram program(String name) {
        for (ElfProgram p : programs) {
            if (name == null || p.section().equals(name) || p.name().equals(name)) {
                return p;
            }
        }
        List<String> names = new ArrayList<>();
        for (ElfProgram p : programs) {
            names.add(p.section());
        }
        String why = otherSections.contains(name) ? "section '" + name + "' is not a program type Weir runs"
                + " (socket, classifier, tc, xdp)" : name == null ? "no program section" : "no section '" + name + "'";
        throw new ElfLoadException(why + "; programs: " + (names.isEmpty() ? "none" : String.join(", ", names)));
    }

    /**
     * Verifies {@code program} against this object's maps (map {@code n} is fd {@code n}; {@code .rodata} is
     * read-only for the program), before any map exists.
     *
     * @param options the verifier's options (complexity limit, log); their maps are replaced by this object's
     * @throws io.weir.engine.verifier.VerifierException when the program is not safe
     */
    public VerifiedProgram verify(ElfProgram program, Verifier.Options options) {
        return new Verifier(options.withMaps(maps)).check(program.program());
    }

    /**
     * The default ceiling on the memory of one object's maps: 1 GiB, or half the heap when that is less. An
     * object is untrusted input and each map's {@code max_entries} is its own to choose.
     */
    public static long defaultMaxMapMemory() {
        return Math.min(1L << 30, Runtime.getRuntime().maxMemory() / 2);
    }

    /** Creates the maps (global data initialised) within {@link #defaultMaxMapMemory()}. */
    public BpfObject load() {
        return load(defaultMaxMapMemory());
    }

    /**
     * Creates the maps (global data initialised); programs are linked against them with {@link BpfObject#link}.
     *
     * @param maxMapMemory the most bytes the maps may take when full ({@link MapSpec#memoryBytes}, summed)
     * @throws io.weir.engine.maps.MapException with ENOMEM, naming the largest maps, when they need more;
     *     nothing is allocated then
     */
    public BpfObject load(long maxMapMemory) {
        return new BpfObject(this, maxMapMemory);
    }

    // ------------------------------------------------------------------ parsing

    private static final class Parser {
        private final ElfFile elf;
        private final List<ElfSectionHeader> headers = new ArrayList<>();
        private final List<MapSpec> maps = new ArrayList<>();
        private final List<byte[]> data = new ArrayList<>();
        /** Map index of a (section index, offset) definition, and of a data section. */
        private final Map<Long, Integer> mapAt = new HashMap<>();
        private final Map<Integer, Integer> dataMapOf = new HashMap<>();
        private ElfSymbol[] symbols = new ElfSymbol[0];
        private Btf btf;

        Parser(byte[] bytes) {
            checkSectionTable(bytes);
            this.elf = ElfFile.from(bytes);
        }

        /**
         * Checks every section header's extent against the file before jelf reads a section: jelf allocates what
         * {@code sh_size} claims, so a 200-byte file could ask for gigabytes (found by ElfLoaderFuzzTest). Only
         * 64-bit little-endian files are checked here; jelf's own checks and {@link #parse()} reject the rest.
         */
        private static void checkSectionTable(byte[] b) {
            if (b.length < 64 || b[4] != 2 || b[5] != 1) {
                return;
            }
            ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
            long shoff = h.getLong(0x28);
            int shentsize = h.getShort(0x3A) & 0xffff;
            int shnum = h.getShort(0x3C) & 0xffff;
            if (shnum == 0) {
                return;
            }
            if (shentsize < 64 || shoff < 0 || shoff > b.length || (long) shnum * shentsize > b.length - shoff) {
                throw new ElfLoadException("not a readable ELF object: the section header table (" + shnum + " x "
                        + shentsize + " bytes at " + shoff + ") does not fit in the " + b.length + "-byte file");
            }
            for (int i = 0; i < shnum; i++) {
                int at = (int) (shoff + (long) i * shentsize);
                int type = h.getInt(at + 4);
                long offset = h.getLong(at + 0x18);
                long size = h.getLong(at + 0x20);
                boolean fits = type == ElfSectionHeader.SHT_NOBITS ? size >= 0 && size <= MapSpec.MAX_VALUE_SIZE
                        : type == 0 || offset >= 0 && size >= 0 && offset <= b.length && size <= b.length - offset;
                if (!fits) {
                    throw new ElfLoadException("not a readable ELF object: section " + i + " (type " + type + ") claims "
                            + size + " bytes at offset " + offset + " in a " + b.length + "-byte file");
                }
                if (LINK_TIME_TABLES.contains(type)) {
                    // jelf sizes arrays from these tables' own counts (a fuzz finding ran out of memory on a hash
                    // table); a relocatable BPF object never has them.
                    throw new ElfLoadException("not a relocatable BPF object: section " + i + " has type " + type
                            + " (a hash, dynamic or note table)");
                }
            }
        }

        ElfObjectSpec parse() {
            if (elf.ei_class != ElfFile.CLASS_64 || elf.ei_data != ElfFile.DATA_LSB || elf.e_machine != EM_BPF) {
                throw new ElfLoadException("not a 64-bit little-endian BPF object (machine " + elf.e_machine + ")");
            }
            if (elf.e_type != ElfFile.ET_REL) {
                throw new ElfLoadException("not a relocatable object (ELF type " + elf.e_type + ")");
            }
            for (int i = 0; i < elf.e_shnum; i++) {
                headers.add(elf.getSection(i).header);
            }
            ElfSymbolTableSection symtab = elf.getSymbolTableSection();
            if (symtab != null) {
                symbols = symtab.symbols;
            }
            int btfIndex = index(".BTF");
            if (btfIndex >= 0) {
                btf = Btf.parse(bytes(btfIndex));
            }
            rejectCoRe();
            readBtfMaps();
            readLegacyMaps();
            readDataSections();
            List<ElfProgram> programs = new ArrayList<>();
            List<String> others = new ArrayList<>();
            for (int i = 0; i < headers.size(); i++) {
                ElfSectionHeader h = headers.get(i);
                String name = nameOf(h);
                if ((h.sh_flags & ElfSectionHeader.FLAG_EXEC_INSTR) == 0 || h.sh_size == 0 || name.equals(".text")) {
                    continue;
                }
                SectionKind kind = SectionKind.of(name);
                if (kind == null) {
                    others.add(name);
                    continue;
                }
                programs.add(program(i, name, kind));
            }
            return new ElfObjectSpec(maps, data, programs, others);
        }

        private int index(String name) {
            for (int i = 0; i < headers.size(); i++) {
                if (name.equals(nameOf(headers.get(i)))) {
                    return i;
                }
            }
            return -1;
        }

        private byte[] bytes(int section) {
            ElfSectionHeader h = headers.get(section);
            if (h.sh_type == ElfSectionHeader.SHT_NOBITS) {
                return new byte[(int) h.sh_size];
            }
            ElfSection s = elf.getSection(section);
            return s.getData();
        }

        /** CO-RE relocations ({@code .BTF.ext}'s core_relo part) need kernel BTF: rejected, naming the first. */
        private void rejectCoRe() {
            int ext = index(".BTF.ext");
            if (ext < 0) {
                return;
            }
            ByteBuffer b = ByteBuffer.wrap(bytes(ext)).order(ByteOrder.LITTLE_ENDIAN);
            int hdrLen = b.getInt(4);
            if (hdrLen < 32 || b.getInt(28) <= 0) {
                return;
            }
            int at = hdrLen + b.getInt(24);
            int recordSize = b.getInt(at);
            String section = btf == null ? "?" : btf.string(b.getInt(at + 4));
            int count = b.getInt(at + 8);
            int insnOff = count > 0 ? b.getInt(at + 12) : 0;
            int kind = count > 0 && recordSize >= 16 ? b.getInt(at + 12 + 12) : -1;
            throw new ElfLoadException("section '" + section + "': CO-RE relocation 0 at insn " + insnOff / 8
                    + " (kind " + kind + ", " + count + " in the section) against kernel types is not supported");
        }

        private void readBtfMaps() {
            int sec = index(".maps");
            if (sec < 0) {
                return;
            }
            if (btf == null) {
                throw new ElfLoadException("section '.maps': map definitions need a .BTF section (build with -g)");
            }
            Map<String, ElfSymbol> byName = new HashMap<>();
            for (ElfSymbol s : symbols) {
                if (s.st_shndx == sec) {
                    byName.put(s.getName(), s);
                }
            }
            for (Btf.MapDef d : btf.mapDefs(".maps")) {
                ElfSymbol sym = byName.get(d.name());
                if (sym == null) {
                    throw new ElfLoadException("section '.maps': no symbol for map '" + d.name() + "'");
                }
                long typeCode = d.ints().getOrDefault("type", 0L);
                MapType type = MapType.fromCode((int) typeCode);
                if (type == null) {
                    throw new ElfLoadException("section '.maps': map '" + d.name() + "' has map type " + typeCode
                            + ", which Weir does not implement");
                }
                long keySize = d.keyType() != null ? btf.size(d.keyType()) : d.ints().getOrDefault("key_size", 0L);
                long valueSize = d.valueType() != null ? btf.size(d.valueType())
                        : d.ints().getOrDefault("value_size", 0L);
                MapSpec.Kind keyKind = d.keyType() != null ? btf.kindOf(d.keyType()) : null;
                MapSpec.Kind valueKind = d.valueType() != null ? btf.kindOf(d.valueType()) : null;
                MapSpec spec = new MapSpec(d.name(), type, (int) keySize, (int) valueSize,
                        (int) (long) d.ints().getOrDefault("max_entries", 0L),
                        (int) (long) d.ints().getOrDefault("map_flags", 0L),
                        keyKind != null ? keyKind : defaultKind(keySize),
                        valueKind != null ? valueKind : defaultKind(valueSize));
                add(spec, null, sec, sym.st_value);
            }
        }

        private static MapSpec.Kind defaultKind(long size) {
            return size == 1 || size == 2 || size == 4 || size == 8 ? MapSpec.Kind.UNSIGNED : MapSpec.Kind.BYTES;
        }

        private void readLegacyMaps() {
            int sec = index("maps");
            if (sec < 0) {
                return;
            }
            byte[] bytes = bytes(sec);
            ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            List<ElfSymbol> defs = new ArrayList<>();
            for (ElfSymbol s : symbols) {
                if (s.st_shndx == sec && s.getType() == ElfSymbol.STT_OBJECT) {
                    defs.add(s);
                }
            }
            defs.sort((a, c) -> Long.compare(a.st_value, c.st_value));
            for (ElfSymbol s : defs) {
                int at = (int) s.st_value;
                if (at + 16 > bytes.length) {
                    throw new ElfLoadException("section 'maps': definition of '" + s.getName() + "' is truncated");
                }
                int typeCode = b.getInt(at);
                MapType type = MapType.fromCode(typeCode);
                if (type == null) {
                    throw new ElfLoadException("section 'maps': map '" + s.getName() + "' has map type " + typeCode
                            + ", which Weir does not implement");
                }
                int flags = at + 20 <= bytes.length && s.st_size >= 20 ? b.getInt(at + 16) : 0;
                add(new MapSpec(s.getName(), type, b.getInt(at + 4), b.getInt(at + 8), b.getInt(at + 12), flags),
                        null, sec, s.st_value);
            }
        }

        private void readDataSections() {
            for (int i = 0; i < headers.size(); i++) {
                ElfSectionHeader h = headers.get(i);
                String name = nameOf(h);
                boolean isData = name.startsWith(".rodata") || name.startsWith(".data") || name.startsWith(".bss");
                if (!isData || h.sh_size == 0 || (h.sh_flags & ElfSectionHeader.FLAG_ALLOC) == 0) {
                    continue;
                }
                int flags = name.startsWith(".rodata") ? MapSpec.F_RDONLY_PROG : 0;
                MapSpec spec = new MapSpec(name, MapType.ARRAY, 4, (int) h.sh_size, 1, flags, MapSpec.Kind.UNSIGNED,
                        MapSpec.Kind.BYTES);
                dataMapOf.put(i, maps.size());
                add(spec, bytes(i), -1, 0);
            }
        }

        private void add(MapSpec spec, byte[] initial, int section, long offset) {
            if (section >= 0) {
                mapAt.put((long) section << 32 | offset, maps.size());
            }
            maps.add(spec);
            data.add(initial);
        }

        // -------------------------------------------------------------- programs and relocations

        private ElfProgram program(int section, String name, SectionKind kind) {
            String fn = name;
            for (ElfSymbol s : symbols) {
                if (s.st_shndx == section && s.getType() == ElfSymbol.STT_FUNC && s.st_value == 0) {
                    fn = s.getName();
                }
            }
            byte[] main = bytes(section);
            if (main.length == 0) {
                throw new ElfLoadException("section '" + name + "': a program section with no instructions");
            }
            int text = index(".text");
            List<int[]> mainRels = relocations(section);
            boolean callsText = false;
            for (int[] r : mainRels) {
                ElfSymbol sym = symbol(name, r);
                callsText |= r[1] == R_BPF_64_32 && sym.st_shndx == text;
            }
            byte[] code = main;
            Map<Integer, Integer> base = new LinkedHashMap<>();
            base.put(section, 0);
            if (callsText && text >= 0) {
                byte[] t = bytes(text);
                code = new byte[main.length + t.length];
                System.arraycopy(main, 0, code, 0, main.length);
                System.arraycopy(t, 0, code, main.length, t.length);
                base.put(text, main.length / 8);
            }
            for (Map.Entry<Integer, Integer> e : base.entrySet()) {
                String sname = nameOf(headers.get(e.getKey()));
                List<int[]> rels = e.getKey() == section ? mainRels : relocations(e.getKey());
                for (int k = 0; k < rels.size(); k++) {
                    apply(code, sname, k, rels.get(k), e.getValue(), base);
                }
            }
            try {
                return new ElfProgram(name, fn, kind, Program.decode(kind.programType(), code));
            } catch (EbpfFormatException e) {
                throw new ElfLoadException("section '" + name + "': " + e.getMessage(), e);
            }
        }

        /** The relocations of {@code section}: {offset, type, symbol index}. */
        private List<int[]> relocations(int section) {
            List<int[]> out = new ArrayList<>();
            for (int i = 0; i < headers.size(); i++) {
                ElfSectionHeader h = headers.get(i);
                if (h.sh_type == ElfSectionHeader.SHT_RELA && h.sh_info == section) {
                    throw new ElfLoadException("section '" + nameOf(headers.get(section))
                            + "': RELA relocations are not supported");
                }
                if (h.sh_type != ElfSectionHeader.SHT_REL || h.sh_info != section) {
                    continue;
                }
                ByteBuffer b = ByteBuffer.wrap(bytes(i)).order(ByteOrder.LITTLE_ENDIAN);
                for (int at = 0; at + 16 <= b.capacity(); at += 16) {
                    long info = b.getLong(at + 8);
                    out.add(new int[] {(int) b.getLong(at), (int) info, (int) (info >>> 32)});
                }
            }
            return out;
        }

        private ElfSymbol symbol(String section, int[] rel) {
            if (rel[2] <= 0 || rel[2] >= symbols.length) {
                throw new ElfLoadException("section '" + section + "': relocation at offset " + rel[0]
                        + " names no symbol (" + rel[2] + ")");
            }
            return symbols[rel[2]];
        }

        private void apply(byte[] code, String section, int k, int[] rel, int baseSlot, Map<Integer, Integer> base) {
            ElfSymbol sym = symbol(section, rel);
            int slot = baseSlot + rel[0] / 8;
            int at = slot * 8;
            String where = "section '" + section + "': relocation " + k + " at insn " + (rel[0] / 8) + " against '"
                    + sym.getName() + "'";
            if (rel[0] % 8 != 0 || at + 8 > code.length) {
                throw new ElfLoadException(where + ": offset " + rel[0] + " is not an instruction");
            }
            ByteBuffer b = ByteBuffer.wrap(code).order(ByteOrder.LITTLE_ENDIAN);
            int opcode = code[at] & 0xff;
            if (sym.st_shndx == 0) {
                throw new ElfLoadException(where + ": extern symbols (kfuncs, __ksym, __kconfig) are not supported");
            }
            if (rel[1] == R_BPF_64_64) {
                if (opcode != 0x18 || at + 16 > code.length) {
                    throw new ElfLoadException(where + ": R_BPF_64_64 on an instruction that is not lddw");
                }
                Integer map = mapAt.get((long) sym.st_shndx << 32 | sym.st_value);
                if (map != null) {
                    setSrc(code, at, 1);
                    b.putInt(at + 4, map);
                    return;
                }
                Integer dataMap = dataMapOf.get((int) sym.st_shndx);
                if (dataMap != null) {
                    int off = (int) sym.st_value + b.getInt(at + 4);
                    setSrc(code, at, 2);
                    b.putInt(at + 4, dataMap);
                    b.putInt(at + 12, off);
                    return;
                }
                throw new ElfLoadException(where + ": section '" + nameOf(headers.get(sym.st_shndx))
                        + "' holds neither maps nor global data");
            }
            if (rel[1] == R_BPF_64_32) {
                if (opcode != 0x85 || ((code[at + 1] >>> 4) & 0xf) != 1) {
                    throw new ElfLoadException(where + ": R_BPF_64_32 on an instruction that is not a local call"
                            + " (function pointers are not supported)");
                }
                Integer targetBase = base.get((int) sym.st_shndx);
                if (targetBase == null) {
                    throw new ElfLoadException(where + ": calls into section '" + nameOf(headers.get(sym.st_shndx))
                            + "' are not supported");
                }
                long target = targetBase + sym.st_value / 8 + b.getInt(at + 4) + 1;
                b.putInt(at + 4, (int) (target - (slot + 1)));
                return;
            }
            throw new ElfLoadException(where + ": relocation type " + rel[1] + " is not supported");
        }

        private static String nameOf(ElfSectionHeader h) {
            String n = h.getName();
            return n == null ? "" : n;
        }

        private static void setSrc(byte[] code, int at, int src) {
            code[at + 1] = (byte) ((code[at + 1] & 0x0f) | src << 4);
        }
    }
}
