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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The tcpdump-compatible top-level command. For now it reads capture files: {@code weir -r FILE} prints one
 * line per packet on standard output (the banner goes to standard error, as tcpdump's does), {@code -w OUT}
 * copies the packets to a file instead, {@code --count} prints only their number, {@code -c N} stops after N.
 *
 * <p>Every error is one line on standard error, {@code weir: ...}, and exit status 1, as with tcpdump; a
 * malformed capture still has all its good packets printed first.
 */
@Command(name = "weir", sortOptions = false, versionProvider = WeirCommand.Version.class,
        description = "Reads packets from a capture file and prints them, like tcpdump -r.",
        footer = "A filter expression (tcpdump's language) may follow the options; it is not supported yet.")
final class WeirCommand {
    @Option(names = "-r", paramLabel = "FILE", description = "Read packets from FILE (pcap or pcapng, may be gzipped; - for standard input).")
    String readFile;

    @Option(names = "-w", paramLabel = "FILE", description = "Write the packets to FILE instead of printing them (pcapng if FILE ends in .pcapng, else pcap; - for standard output).")
    String writeFile;

    @Option(names = "-c", paramLabel = "COUNT", description = "Exit after COUNT packets.")
    Long maxPackets;

    @Option(names = "-n", description = "Don't convert addresses to names (Weir never does yet).")
    boolean numeric;

    @Option(names = "--count", description = "Print only the number of packets read.")
    boolean countOnly;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--version", versionHelp = true, description = "Print version information and exit.")
    boolean version;

    @Parameters(paramLabel = "EXPRESSION", arity = "0..*", description = "Filter expression (not supported yet).")
    List<String> expression = new ArrayList<>();

    private WeirCommand() {}

    /** Runs with the process's standard streams. */
    static int execute(String[] args) {
        return execute(args, System.out, System.err);
    }

    /**
     * Runs the command with {@code out} and {@code err} as standard output and error (for tests and embedding);
     * returns the exit status (0 success, 1 error). Standard input is still the process's.
     */
    static int execute(String[] args, PrintStream out, PrintStream err) {
        return execute(args, out, err, ZoneId.systemDefault());
    }

    /** As {@link #execute(String[], PrintStream, PrintStream)}, with time stamps printed in {@code zone}. */
    static int execute(String[] args, PrintStream out, PrintStream err, ZoneId zone) {
        WeirCommand cmd = new WeirCommand();
        CommandLine cl = new CommandLine(cmd);
        cl.setStopAtPositional(true);
        try {
            cl.parseArgs(args);
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
        try {
            return cmd.run(out, err, zone);
        } finally {
            out.flush();
            err.flush();
        }
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
                n = print(r, limit, out, zone);
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
