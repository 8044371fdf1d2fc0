package io.weir.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.weir.capture.Packet;
import io.weir.capture.PcapReader;
import io.weir.capture.PcapWriter;
import io.weir.engine.Engine;
import io.weir.engine.Filter;
import io.weir.engine.ebpf.EbpfFormatException;
import io.weir.engine.ebpf.EbpfRuntimeException;
import io.weir.engine.elf.BpfObject;
import io.weir.engine.elf.ElfLoadException;
import io.weir.engine.elf.ElfObjectSpec;
import io.weir.engine.elf.ElfProgram;
import io.weir.engine.elf.SectionKind;
import io.weir.engine.jit.JitBackend;
import io.weir.engine.maps.BpfMap;
import io.weir.engine.maps.MapException;
import io.weir.engine.maps.MapHelpers;
import io.weir.engine.maps.MapSpec;
import io.weir.engine.maps.PacketClock;
import io.weir.engine.maps.RingBuffer;
import io.weir.engine.verifier.VerifiedProgram;
import io.weir.engine.verifier.Verifier;
import io.weir.engine.verifier.VerifierException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code weir run OBJECT.o [--section NAME] -r FILE [-w OUT] [--json] [--events FILE]}: runs a program of an
 * ELF object built by clang on every packet of a capture, on the JIT ({@code --engine auto}, the default, falls
 * back to the interpreter when the JIT cannot compile the program; {@code --engine interpreter} forces it).
 *
 * <p>The return value is read as the section means it: {@code xdp} — {@code XDP_PASS} (2) keeps,
 * {@code XDP_DROP} (1) and {@code XDP_ABORTED} (0) drop, {@code XDP_TX} (3) and {@code XDP_REDIRECT} (4) keep
 * and are counted apart, any other value drops as {@code invalid} (the kernel warns and drops); {@code socket}
 * — 0 drops, {@code n > 0} keeps the first {@code n} bytes (as an unsigned 32-bit value); {@code classifier}
 * — {@code TC_ACT_SHOT} (2) drops, anything else keeps. {@code -w} writes the kept packets.
 *
 * <p>{@code bpf_ktime_get_ns} returns each packet's capture timestamp. {@code bpf_trace_printk} lines and ring
 * buffer records go to stderr ({@code trace: LINE}, {@code event MAP: HEX}), or with {@code --events FILE} to
 * that file as NDJSON ({@code {"packet":1,"trace":"..."}}, {@code {"packet":1,"map":"events","data":"0a00"}}).
 * At the end a summary of verdicts and every map is printed, or with {@code --json} one JSON document: keys and
 * values as numbers where BTF says they are integers, otherwise as hex strings; per-CPU values summed, with the
 * per-CPU values beside as {@code "per_cpu"}.
 *
 * <p>The program is verified before anything runs, against the object's maps ({@code .rodata} read-only): a
 * rejection is one line naming the section, the instruction and the reason ({@code --verifier-log} prints the
 * verifier's whole log first, as {@code weir verify -v} does; on acceptance too). The maps' full size is capped
 * ({@code --max-map-memory}, default 1 GiB or half the heap), so an object cannot exhaust memory.
 *
 * <p>Exit status: 0 on success, 1 on a usage, load, verification or run error (one line on stderr; files that
 * cannot be read or written in tcpdump's words, {@code weir: x.o: No such file or directory}).
 */
public final class RunCommand {
    private static final String USAGE = "usage: weir run OBJECT.o [--section NAME] -r FILE [-w OUT] [--json]"
            + " [--events FILE] [--engine auto|jit|interpreter] [--verifier-log] [--max-map-memory BYTES[k|m|g]]";

    private RunCommand() {}

    /** Runs the command with these arguments (those after {@code run}). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("weir run: " + e.getMessage());
            err.println(USAGE);
            return 1;
        }
        if (o.help) {
            out.println(USAGE);
            return 0;
        }
        try {
            return new RunCommand().execute(o, out, err);
        } catch (ElfLoadException | MapException | EbpfFormatException e) {
            err.println("weir run: " + e.getMessage());
            return 1;
        } catch (FileFailure e) {
            err.println("weir: " + OfflineRun.ioMessage(e.file, e.cause));
            return 1;
        } catch (IOException e) {
            err.println("weir: " + e.getMessage());
            return 1;
        } catch (UncheckedIOException e) {
            err.println("weir: " + (o.events != null ? OfflineRun.ioMessage(o.events, e.getCause())
                    : e.getCause().getMessage()));
            return 1;
        }
    }

    /** An I/O failure on one of the command's files, reported with that file's name. */
    private static final class FileFailure extends IOException {
        private static final long serialVersionUID = 1L;
        final String file;
        final IOException cause;

        FileFailure(String file, IOException cause) {
            super(cause.getMessage(), cause);
            this.file = file;
            this.cause = cause;
        }
    }

    /** Opens or reads one of the command's files. */
    @FunctionalInterface
    private interface Open<T> {
        T open() throws IOException;
    }

    private static <T> T open(String file, Open<T> how) throws FileFailure {
        try {
            return how.open();
        } catch (FileFailure e) {
            throw e;
        } catch (IOException e) {
            throw new FileFailure(file, e);
        }
    }

    private static final class Options {
        String object;
        String section;
        String read;
        String write;
        String events;
        Engine engine = Engine.AUTO;
        long maxMapMemory = ElfObjectSpec.defaultMaxMapMemory();
        boolean json;
        boolean help;
        boolean verifierLog;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--section", "-s" -> o.section = value(args, ++i, a);
                    case "-r" -> o.read = value(args, ++i, a);
                    case "-w" -> o.write = value(args, ++i, a);
                    case "--events" -> o.events = value(args, ++i, a);
                    case "--engine" -> o.engine = Engine.fromLabel(value(args, ++i, a));
                    case "--json" -> o.json = true;
                    case "--verifier-log" -> o.verifierLog = true;
                    case "--max-map-memory" -> o.maxMapMemory = bytes(value(args, ++i, a));
                    case "-h", "--help" -> o.help = true;
                    default -> {
                        if (a.startsWith("-") && a.length() > 1) {
                            throw new IllegalArgumentException("unknown option '" + a + "'");
                        }
                        if (o.object != null) {
                            throw new IllegalArgumentException("unexpected argument '" + a + "'");
                        }
                        o.object = a;
                    }
                }
            }
            if (!o.help && (o.object == null || o.read == null)) {
                throw new IllegalArgumentException(o.object == null ? "missing OBJECT.o" : "missing -r FILE");
            }
            return o;
        }

        /** A byte count: digits with an optional k, m or g (powers of 1024). */
        static long bytes(String v) {
            String s = v.strip().toLowerCase(java.util.Locale.ROOT);
            int shift = s.endsWith("k") ? 10 : s.endsWith("m") ? 20 : s.endsWith("g") ? 30 : 0;
            String digits = shift == 0 ? s : s.substring(0, s.length() - 1);
            try {
                long n = Long.parseLong(digits);
                if (n < 0 || n > Long.MAX_VALUE >> shift) {
                    throw new NumberFormatException();
                }
                return n << shift;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid --max-map-memory '" + v + "' (bytes, or with k, m or g)");
            }
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException("option '" + option + "' needs a value");
            }
            return args[i];
        }
    }

    /** Where trace lines and ring buffer records go. */
    private static final class Events implements AutoCloseable {
        private final PrintStream err;
        private final JsonGenerator json;
        private final OutputStream file;
        long packet;

        Events(PrintStream err, String path) throws IOException {
            this.err = err;
            if (path == null) {
                this.file = null;
                this.json = null;
            } else {
                this.file = open(path, () -> new BufferedOutputStream(Files.newOutputStream(Path.of(path))));
                this.json = new JsonFactory().createGenerator(file, JsonEncoding.UTF8);
                this.json.setRootValueSeparator(new com.fasterxml.jackson.core.io.SerializedString("\n"));
            }
        }

        void trace(String line) {
            if (json == null) {
                err.println("trace: " + line);
                return;
            }
            try {
                json.writeStartObject();
                json.writeNumberField("packet", packet);
                json.writeStringField("trace", line);
                json.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void record(String map, byte[] data) {
            if (json == null) {
                err.println("event " + map + ": " + HexFormat.of().formatHex(data));
                return;
            }
            try {
                json.writeStartObject();
                json.writeNumberField("packet", packet);
                json.writeStringField("map", map);
                json.writeStringField("data", HexFormat.of().formatHex(data));
                json.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() throws IOException {
            if (json != null) {
                json.writeRaw('\n');
                json.close();
                file.close();
            }
        }
    }

    private int execute(Options o, PrintStream out, PrintStream err) throws IOException {
        ElfObjectSpec spec = open(o.object, () -> ElfObjectSpec.read(Path.of(o.object)));
        ElfProgram program = spec.program(o.section);
        VerifiedProgram verified;
        try {
            verified = spec.verify(program, Verifier.Options.DEFAULT);
            if (o.verifierLog) {
                err.print(verified.log());
            }
        } catch (VerifierException e) {
            if (o.verifierLog) {
                err.print(e.log());
            }
            err.println("weir run: " + Path.of(o.object).getFileName() + ": section '" + program.section()
                    + "' rejected by the verifier: " + e.headline());
            return 1;
        }
        Map<String, Long> verdicts = new LinkedHashMap<>();
        for (String v : verdictNames(program.kind())) {
            verdicts.put(v, 0L);
        }
        long packets = 0;
        try (BpfObject obj = spec.load(o.maxMapMemory); Events events = new Events(err, o.events);
                PcapReader reader = open(o.read, () -> PcapReader.open(Path.of(o.read)))) {
            Filter filter = JitBackend.verified(o.engine, obj.link(program), MapHelpers.table(events::trace), verified);
            List<RingBuffer> rings = new ArrayList<>();
            for (BpfMap m : obj.maps()) {
                if (m instanceof RingBuffer) {
                    rings.add((RingBuffer) m);
                }
            }
            PcapWriter writer = o.write == null ? null : open(o.write, () -> PcapWriter.builder()
                    .linkType(reader.linkType()).snapLen(reader.snapLen()).nanos(true).open(Path.of(o.write)));
            try {
                while (next(reader, o.read)) {
                    Packet p = reader.packet();
                    packets++;
                    events.packet = packets;
                    PacketClock.setPacketTime(p.timestampNanos());
                    long r;
                    try {
                        r = filter.run(p.buffer(), p.offset(), p.capLen(), p.wireLen());
                    } catch (EbpfRuntimeException e) {
                        err.println("weir run: packet " + packets + ": " + e.getMessage());
                        return 1;
                    }
                    String verdict = verdict(program.kind(), r);
                    verdicts.merge(verdict, 1L, Long::sum);
                    int keep = keepLength(program.kind(), r, p.capLen());
                    if (writer != null && keep > 0) {
                        try {
                            writer.write(p.buffer(), p.offset(), keep, p.wireLen(), p.timestampNanos());
                        } catch (IOException e) {
                            throw new FileFailure(o.write, e);
                        }
                    }
                    for (RingBuffer rb : rings) {
                        rb.poll(rec -> events.record(rb.name(), rec));
                    }
                }
            } finally {
                PacketClock.clear();
                if (writer != null) {
                    writer.close();
                }
            }
            if (o.json) {
                printJson(out, packets, verdicts, obj.maps());
            } else {
                printText(out, packets, verdicts, obj.maps());
            }
        }
        return 0;
    }

    private static boolean next(PcapReader reader, String file) throws FileFailure {
        try {
            return reader.next();
        } catch (IOException e) {
            throw new FileFailure(file, e);
        }
    }

    private static List<String> verdictNames(SectionKind kind) {
        return List.of("pass", "drop"); // always shown; the others appear when they occur
    }

    /** The verdict name of return value {@code r}. */
    static String verdict(SectionKind kind, long r) {
        switch (kind) {
            case XDP:
                switch ((int) r) {
                    case 0: return "aborted";
                    case 1: return "drop";
                    case 2: return "pass";
                    case 3: return "tx";
                    case 4: return "redirect";
                    default: return "invalid";
                }
            case CLASSIFIER:
                return (int) r == 2 ? "drop" : "pass";
            default:
                return (r & 0xffff_ffffL) == 0 ? "drop" : "pass";
        }
    }

    /** How many bytes {@code -w} keeps (0 = the packet is dropped). */
    static int keepLength(SectionKind kind, long r, int capLen) {
        switch (kind) {
            case XDP: {
                int a = (int) r;
                return a == 2 || a == 3 || a == 4 ? capLen : 0;
            }
            case CLASSIFIER:
                return (int) r == 2 ? 0 : capLen;
            default:
                return (int) Math.min(capLen, r & 0xffff_ffffL);
        }
    }

    // ------------------------------------------------------------------ output

    private static void printText(PrintStream out, long packets, Map<String, Long> verdicts, List<BpfMap> maps) {
        out.println("packets: " + packets);
        StringBuilder v = new StringBuilder("verdicts:");
        verdicts.forEach((k, n) -> v.append(v.length() > 9 ? ", " : " ").append(k).append(' ').append(n));
        out.println(v);
        for (BpfMap m : maps) {
            if (m instanceof RingBuffer rb) {
                out.println("map " + m.name() + " (ringbuf, " + rb.capacity() + " bytes): " + rb.dropped()
                        + " records dropped");
                continue;
            }
            out.println("map " + m.name() + " (" + m.type().label() + ", key " + m.keySize() + ", value "
                    + m.valueSize() + ", " + m.size() + " entries):");
            m.forEach((k, val) -> out.println("  " + text(k, m.spec().keyKind()) + ": "
                    + text(val, m.spec().valueKind())));
        }
    }

    private static String text(byte[] b, MapSpec.Kind kind) {
        if (kind == MapSpec.Kind.BYTES || !isIntSize(b.length)) {
            return HexFormat.of().formatHex(b);
        }
        long v = le(b, 0, b.length, kind == MapSpec.Kind.SIGNED);
        return kind == MapSpec.Kind.SIGNED ? Long.toString(v) : Long.toUnsignedString(v);
    }

    private static boolean isIntSize(int n) {
        return n == 1 || n == 2 || n == 4 || n == 8;
    }

    private static long le(byte[] b, int at, int n, boolean signed) {
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = v << 8 | (b[at + i] & 0xff);
        }
        if (signed && n < 8) {
            v = v << (64 - 8 * n) >> (64 - 8 * n);
        }
        return v;
    }

    private static void printJson(PrintStream out, long packets, Map<String, Long> verdicts, List<BpfMap> maps)
            throws IOException {
        JsonGenerator g = new JsonFactory().createGenerator((OutputStream) out, JsonEncoding.UTF8);
        g.writeStartObject();
        g.writeNumberField("packets", packets);
        g.writeObjectFieldStart("verdicts");
        for (Map.Entry<String, Long> e : verdicts.entrySet()) {
            g.writeNumberField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
        g.writeObjectFieldStart("maps");
        for (BpfMap m : maps) {
            g.writeObjectFieldStart(m.name());
            g.writeStringField("type", m.type().label());
            if (m instanceof RingBuffer rb) {
                g.writeNumberField("max_entries", rb.capacity());
                g.writeNumberField("dropped", rb.dropped());
                g.writeEndObject();
                continue;
            }
            g.writeNumberField("key_size", m.keySize());
            g.writeNumberField("value_size", m.valueSize());
            g.writeNumberField("max_entries", m.maxEntries());
            g.writeArrayFieldStart("entries");
            byte[] perCpu = new byte[m.valueSize() * m.cpus()];
            IOException[] failed = {null};
            m.forEach((k, val) -> {
                try {
                    g.writeStartObject();
                    g.writeFieldName("key");
                    writeValue(g, k, m.spec().keyKind());
                    g.writeFieldName("value");
                    writeValue(g, val, m.spec().valueKind());
                    if (m.type().isPerCpu() && m.lookupPerCpu(k, perCpu)) {
                        g.writeArrayFieldStart("per_cpu");
                        for (int c = 0; c < m.cpus(); c++) {
                            byte[] one = java.util.Arrays.copyOfRange(perCpu, c * m.valueSize(), (c + 1) * m.valueSize());
                            writeValue(g, one, m.spec().valueKind());
                        }
                        g.writeEndArray();
                    }
                    g.writeEndObject();
                } catch (IOException e) {
                    failed[0] = e;
                }
            });
            if (failed[0] != null) {
                throw failed[0];
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndObject();
        g.writeEndObject();
        g.flush();
        out.println();
    }

    private static void writeValue(JsonGenerator g, byte[] b, MapSpec.Kind kind) throws IOException {
        if (kind == MapSpec.Kind.BYTES || !isIntSize(b.length)) {
            g.writeString(HexFormat.of().formatHex(b));
        } else if (kind == MapSpec.Kind.SIGNED) {
            g.writeNumber(le(b, 0, b.length, true));
        } else {
            long v = le(b, 0, b.length, false);
            if (v >= 0) {
                g.writeNumber(v);
            } else {
                g.writeNumber(new java.math.BigInteger(Long.toUnsignedString(v)));
            }
        }
    }
}
