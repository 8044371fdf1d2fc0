package io.weir.cli;

import io.weir.capture.CaptureFormatException;
import io.weir.capture.CaptureInterface;
import io.weir.capture.LinkType;
import io.weir.capture.Packet;
import io.weir.capture.PcapNgWriter;
import io.weir.capture.PcapReader;
import io.weir.capture.PcapWriter;
import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParseResult;

/**
 * The tcpdump-compatible top-level command. For now it reads capture files: {@code weir -r FILE} prints one
 * line per packet on standard output (the banner goes to standard error, as tcpdump's does), {@code -w OUT}
 * copies the packets to a file instead, {@code --count} prints only their number, {@code -c N} stops after N.
 *
 * <p>Every error is one line on standard error, {@code weir: ...}, and exit status 1, as with tcpdump; a
 * malformed capture still has all its good packets printed first.
 */
final class WeirCommand {
    String readFile;
    String writeFile;
    Long maxPackets;
    boolean numeric;
    boolean countOnly;
    List<String> expression = new ArrayList<>();

    private WeirCommand() {}

    /**
     * The command line, built with picocli's programmatic model (no reflection over annotated fields). Used for
     * everything {@link #quickParse} leaves to it: help, version, clustered flags and every error message.
     */
    static CommandSpec spec() {
        CommandSpec spec = CommandSpec.create().name("weir");
        spec.usageMessage()
                .description("Reads packets from a capture file and prints them, like tcpdump -r.")
                .footer("A filter expression (tcpdump's language) may follow the options; it is not supported yet.")
                .sortOptions(false);
        spec.versionProvider(new Version());
        spec.addOption(OptionSpec.builder("-r").paramLabel("FILE").type(String.class)
                .description("Read packets from FILE (pcap or pcapng, may be gzipped; - for standard input).").build());
        spec.addOption(OptionSpec.builder("-w").paramLabel("FILE").type(String.class)
                .description("Write the packets to FILE instead of printing them (pcapng if FILE ends in .pcapng,"
                        + " else pcap; - for standard output).").build());
        spec.addOption(OptionSpec.builder("-c").paramLabel("COUNT").type(Long.class)
                .description("Exit after COUNT packets.").build());
        spec.addOption(OptionSpec.builder("-n").arity("0").type(boolean.class)
                .description("Don't convert addresses to names (Weir never does yet).").build());
        spec.addOption(OptionSpec.builder("--count").arity("0").type(boolean.class)
                .description("Print only the number of packets read.").build());
        spec.addOption(OptionSpec.builder("-h", "--help").arity("0").type(boolean.class).usageHelp(true)
                .description("Show this help and exit.").build());
        spec.addOption(OptionSpec.builder("--version").arity("0").type(boolean.class).versionHelp(true)
                .description("Print version information and exit.").build());
        spec.addPositional(PositionalParamSpec.builder().paramLabel("EXPRESSION").arity("0..*").type(String[].class)
                .description("Filter expression (not supported yet).").build());
        return spec;
    }

    /** Runs with the process's standard streams. */
    static int execute(String[] args) {
        return execute(args, System.out, System.err);
    }

    /**
     * Runs the command with {@code out} and {@code err} as standard output and error (for tests and embedding);
     * returns the exit status (0 success, 1 error). Standard input is still the process's.
     */
    static int execute(String[] args, PrintStream out, PrintStream err) {
        return execute(args, out, err, null);   // the local zone, looked up only when time stamps are printed
    }

    /** As {@link #execute(String[], PrintStream, PrintStream)}, with time stamps printed in {@code zone}. */
    static int execute(String[] args, PrintStream out, PrintStream err, ZoneId zone) {
        if (args.length > 0 && SUBCOMMANDS.contains(args[0])) {
            return subcommand(args[0], Arrays.copyOfRange(args, 1, args.length), out, err);
        }
        WeirCommand cmd = quickParse(args);
        if (cmd == null) {
            CommandLine cl = new CommandLine(spec());
            cl.setStopAtPositional(true);
            try {
                cmd = fromPicocli(cl.parseArgs(args));
            } catch (CommandLine.ParameterException e) {
                err.println("weir: " + oneLine(e.getMessage()) + " (see weir --help)");
                err.flush();
                return 1;
            }
            if (cl.isUsageHelpRequested()) {
                cl.usage(out);
                out.flush();
                return 0;
            }
            if (cl.isVersionHelpRequested()) {
                cl.printVersionHelp(out);
                out.flush();
                return 0;
            }
        }
        try {
            return cmd.run(out, err, zone);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** Words that start a subcommand rather than a filter expression (none is a tcpdump primitive). */
    static final java.util.Set<String> SUBCOMMANDS = java.util.Set.of("run", "verify");

    private static int subcommand(String name, String[] rest, PrintStream out, PrintStream err) {
        try {
            return name.equals("run") ? RunCommand.run(rest, out, err) : VerifyCommand.run(rest, out, err);
        } finally {
            out.flush();
            err.flush();
        }
    }

    static WeirCommand fromPicocli(ParseResult pr) {
        WeirCommand cmd = new WeirCommand();
        cmd.readFile = pr.matchedOptionValue("-r", null);
        cmd.writeFile = pr.matchedOptionValue("-w", null);
        cmd.maxPackets = pr.matchedOptionValue("-c", null);
        cmd.numeric = pr.hasMatchedOption("-n");
        cmd.countOnly = pr.hasMatchedOption("--count");
        cmd.expression = Arrays.asList(pr.matchedPositionalValue(0, new String[0]));
        return cmd;
    }

    /**
     * The common command lines ({@code -r FILE}, {@code -w FILE}, {@code -c N}, {@code -n}, {@code --count},
     * each once, then the expression) without picocli, whose start-up (regexes, converters, colour schemes)
     * costs about 0.15 s of CPU, as much as reading 600 MB. Returns {@code null} for anything else (clustered
     * flags, help, version, mistakes): picocli then parses it and words the errors. A test checks that both
     * parsers agree wherever this one answers.
     */
    static WeirCommand quickParse(String[] args) {
        WeirCommand cmd = new WeirCommand();
        boolean n = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "-r":
                case "-w":
                case "-c": {
                    if (i + 1 >= args.length) {
                        return null;
                    }
                    String v = args[++i];
                    if (v.startsWith("-") && !v.equals("-")) {
                        return null;
                    }
                    if (a.equals("-r")) {
                        if (cmd.readFile != null) {
                            return null;
                        }
                        cmd.readFile = v;
                    } else if (a.equals("-w")) {
                        if (cmd.writeFile != null) {
                            return null;
                        }
                        cmd.writeFile = v;
                    } else {
                        if (cmd.maxPackets != null || !digits(v)) {
                            return null;
                        }
                        cmd.maxPackets = Long.parseLong(v);
                    }
                    break;
                }
                case "-n":
                    if (n) {
                        return null;
                    }
                    n = true;
                    cmd.numeric = true;
                    break;
                case "--count":
                    if (cmd.countOnly) {
                        return null;
                    }
                    cmd.countOnly = true;
                    break;
                default:
                    if (a.startsWith("-")) {
                        return null;
                    }
                    cmd.expression = Arrays.asList(Arrays.copyOfRange(args, i, args.length));
                    return cmd;
            }
        }
        return cmd;
    }

    private static boolean digits(String v) {
        if (v.isEmpty() || v.length() > 18) {
            return false;
        }
        for (int i = 0; i < v.length(); i++) {
            if (v.charAt(i) < '0' || v.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof WeirCommand)) {
            return false;
        }
        WeirCommand c = (WeirCommand) o;
        return java.util.Objects.equals(readFile, c.readFile) && java.util.Objects.equals(writeFile, c.writeFile)
                && java.util.Objects.equals(maxPackets, c.maxPackets) && numeric == c.numeric
                && countOnly == c.countOnly && expression.equals(c.expression);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(readFile, writeFile, maxPackets, numeric, countOnly, expression);
    }

    @Override
    public String toString() {
        return "WeirCommand[r=" + readFile + ", w=" + writeFile + ", c=" + maxPackets + ", n=" + numeric
                + ", count=" + countOnly + ", expression=" + expression + "]";
    }

    private static String oneLine(String s) {
        return s == null ? "error" : s.replace('\n', ' ').trim();
    }

    private int run(PrintStream out, PrintStream err, ZoneId zone) {
        if (!expression.isEmpty()) {
            err.println("weir: error: filter expressions are not supported yet");
            return 1;
        }
        if (readFile == null) {
            err.println("weir: live capture is not supported yet; read a file with -r FILE");
            return 1;
        }
        if (maxPackets != null && maxPackets <= 0) {
            err.println("weir: invalid packet count " + maxPackets);
            return 1;
        }
        long limit = maxPackets == null ? Long.MAX_VALUE : maxPackets;
        long n = 0;
        PcapReader reader;
        try {
            reader = PcapReader.open(readFile);
        } catch (CaptureFormatException e) {
            err.println("weir: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("weir: " + ioMessage(readFile, e));
            return 1;
        }
        try (PcapReader r = reader) {
            banner(r, err);
            if (writeFile != null) {
                n = copy(r, limit, out);
            } else if (countOnly) {
                while (n < limit && r.next()) {
                    n++;
                }
            } else {
                n = print(r, limit, out, zone == null ? ZoneId.systemDefault() : zone);
            }
            if (countOnly) {
                out.println(n + (n == 1 ? " packet" : " packets"));
            }
            return 0;
        } catch (CaptureFormatException e) {
            if (countOnly) {
                out.println(reader.packetsRead() + (reader.packetsRead() == 1 ? " packet" : " packets"));
            }
            out.flush();
            long read = e.packetsRead();
            err.println("weir: " + e.getMessage() + " (" + read + (read == 1 ? " packet" : " packets") + " read)");
            return 1;
        } catch (WriteFailure e) {
            err.println("weir: " + ioMessage(writeFile, e.getCause()));
            return 1;
        } catch (UncheckedIOException e) {
            err.println("weir: " + e.getCause().getMessage());
            return 1;
        } catch (IOException e) {
            err.println("weir: " + ioMessage(readFile, e));
            return 1;
        }
    }

    private static void banner(PcapReader r, PrintStream err) {
        CaptureInterface first = r.firstInterface();
        String link = first == null ? "unknown (no interface in the file)" : LinkType.describe(first.linkType());
        err.println("reading from file " + r.name() + ", link-type " + link + ", snapshot length " + r.snapLen());
        err.flush();
    }

    private static long print(PcapReader r, long limit, PrintStream out, ZoneId zone) throws IOException {
        PacketPrinter printer = new PacketPrinter(zone);
        // A writer of our own over the stream: one encode per line, flushed at the end (and on errors).
        Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
        long n = 0;
        try {
            while (n < limit && r.next()) {
                w.append(printer.format(r.packet())).append('\n');
                n++;
            }
        } finally {
            w.flush();
        }
        return n;
    }

    /** An I/O error on the output side, told apart from the input's. */
    private static final class WriteFailure extends IOException {
        private static final long serialVersionUID = 1L;

        WriteFailure(IOException cause) {
            super(cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }

    private long copy(PcapReader r, long limit, PrintStream out) throws IOException {
        boolean ng = writeFile.endsWith(".pcapng");
        boolean stdout = "-".equals(writeFile);
        long n = 0;
        if (ng) {
            Map<CaptureInterface, Integer> ids = new HashMap<>();
            try (PcapNgWriter w = openNg(stdout, out)) {
                while (n < limit && r.next()) {
                    Packet p = r.packet();
                    Integer id = ids.get(p.captureInterface());
                    try {
                        if (id == null) {
                            CaptureInterface ci = p.captureInterface();
                            id = w.addInterface(ci.linkType(), ci.fileSnapLen(), 9, ci.name());
                            ids.put(ci, id);
                        }
                        w.write(id, p);
                    } catch (IOException e) {
                        throw new WriteFailure(e);
                    }
                    n++;
                }
            }
            return n;
        }
        CaptureInterface first = r.firstInterface();
        int linkType = first == null ? LinkType.ETHERNET : first.linkType();
        try (PcapWriter w = openPcap(stdout, out, linkType, r.snapLen())) {
            while (n < limit && r.next()) {
                Packet p = r.packet();
                if (p.linkType() != linkType) {
                    throw new WriteFailure(new IOException("packet " + p.number() + " has link type "
                            + LinkType.describe(p.linkType()) + ", but a pcap file holds one link type ("
                            + LinkType.describe(linkType) + "): write a .pcapng file to keep several"));
                }
                try {
                    w.write(p);
                } catch (IOException e) {
                    throw new WriteFailure(e);
                }
                n++;
            }
        }
        return n;
    }

    private PcapNgWriter openNg(boolean stdout, PrintStream out) throws WriteFailure {
        try {
            return stdout ? PcapNgWriter.open(new FileOutputStream(FileDescriptor.out), java.nio.ByteOrder.nativeOrder())
                    : PcapNgWriter.open(Path.of(writeFile));
        } catch (IOException e) {
            throw new WriteFailure(e);
        }
    }

    private PcapWriter openPcap(boolean stdout, PrintStream out, int linkType, int snapLen) throws WriteFailure {
        try {
            PcapWriter.Builder b = PcapWriter.builder().linkType(linkType).snapLen(snapLen);
            return stdout ? b.open(out) : b.open(Path.of(writeFile));
        } catch (IOException e) {
            throw new WriteFailure(e);
        }
    }

    private static String ioMessage(String file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return file + ": No such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return file + ": Permission denied";
        }
        String m = e.getMessage();
        return m == null ? file + ": " + e.getClass().getSimpleName() : m.contains(file) ? m : file + ": " + m;
    }

    /** The version: from the jar's Maven properties, or "development build" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = "development build";
            try (InputStream in = WeirCommand.class.getResourceAsStream(
                    "/META-INF/maven/io.weir/weir-cli/pom.properties")) {
                if (in != null) {
                    Properties p = new Properties();
                    p.load(in);
                    v = p.getProperty("version", v);
                }
            } catch (IOException e) {
                // keep the fallback
            }
            return new String[] {"weir version " + v, "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}
