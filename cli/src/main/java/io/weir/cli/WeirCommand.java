package io.weir.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import io.weir.cli.print.PrintFlags;
import io.weir.cli.print.PrintOptions;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParseResult;

/**
 * The tcpdump-compatible top-level command: {@code weir -r FILE EXPR} (or {@code -i IFACE}, or neither: the first
 * interface) prints one line per packet the expression matches on standard output (the banner goes to standard
 * error, as tcpdump's does), {@code -w OUT} writes those packets to a file instead (rotated with {@code -C},
 * {@code -G}, {@code -W}: {@link RotatingOutput}), {@code --count} prints only their number,
 * {@code -c N} stops after N matches. {@code -d}/{@code -dd}/{@code -ddd} (with {@code -y LINKTYPE},
 * {@code -s SNAPLEN}) print the compiled program as tcpdump does; {@code -F FILE} reads the expression from a
 * file; {@code --engine} picks what runs the filter ({@link FilterFactory}).
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
    int dumpLevel;
    String linkName;
    Integer snaplen;
    String filterFile;
    String engine;
    /** Weir's extensions ({@link ExtensionFlags}): --ip6-transport, --vlan-any, --defs FILE. */
    boolean ip6Transport;
    boolean vlanAny;
    String defsFile;
    /** {@code -C}, {@code -G}, {@code -W} as given ({@code null} when absent): checked by {@link Rotation#of}. */
    String rotateSize;
    String rotateSeconds;
    String rotateFiles;
    /** {@code --pcapng}: write pcapng whatever the file's name. */
    boolean pcapngOut;
    List<String> expression = new ArrayList<>();
    /** Printing flags (-e, -q, -t..., -v, -x/-X/-A, -S, -l, -U, --json, --time-stamp-precision). */
    final PrintOptions print = new PrintOptions();
    /** Live-capture flags (-D, -i, -p, -B, --immediate-mode, -Q). */
    final LiveFlags live = new LiveFlags();

    private WeirCommand() {}

    /**
     * The command line, built with picocli's programmatic model (no reflection over annotated fields). Used for
     * everything {@link #quickParse} leaves to it: help, version, clustered flags and every error message.
     */
    static CommandSpec spec() {
        CommandSpec spec = CommandSpec.create().name("weir");
        spec.usageMessage()
                .description("Reads packets from a capture file (-r) or captures them on an interface (-i; with"
                        + " neither, the first interface), and prints, writes or counts those the filter"
                        + " expression matches, like tcpdump.")
                .footer("", "The expression (tcpdump's pcap-filter language) follows the options; its words are"
                        + " joined with spaces.",
                        "Commands: weir compile (print programs), weir verify (check an eBPF program), weir run"
                        + " (run an eBPF object), weir flows (flow table), weir completion bash (shell completion);"
                        + " each has --help.",
                        "Exit status: 0 on success, 1 on any error.")
                .sortOptions(false);
        HelpGroups.apply(spec, HELP_GROUPS, "Other options:");
        spec.versionProvider(new Version());
        spec.addOption(OptionSpec.builder("-r").paramLabel("FILE").type(String.class)
                .description("Read packets from FILE (pcap or pcapng, may be gzipped; - for standard input).").build());
        spec.addOption(OptionSpec.builder("-w").paramLabel("FILE").type(String.class)
                .description("Write the packets to FILE instead of printing them (pcapng if FILE ends in .pcapng,"
                        + " else pcap; - for standard output).").build());
        spec.addOption(OptionSpec.builder("--pcapng").arity("0").type(boolean.class)
                .description("Write pcapng rather than pcap (as does a -w FILE ending in .pcapng).").build());
        spec.addOption(OptionSpec.builder("-C").paramLabel("FILE_SIZE").type(String.class)
                .description("With -w: before writing a packet, start a new file if the current one is larger than"
                        + " FILE_SIZE million bytes (FILE, FILE1, FILE2...).").build());
        spec.addOption(OptionSpec.builder("-G").paramLabel("ROTATE_SECONDS").type(String.class)
                .description("With -w: start a new file every ROTATE_SECONDS seconds; the -w name goes through"
                        + " strftime (e.g. dump-%%Y%%m%%d-%%H%%M%%S.pcap).").build());
        spec.addOption(OptionSpec.builder("-W").paramLabel("FILECOUNT").type(String.class)
                .description("With -C: keep a ring of FILECOUNT files (names numbered from 0 with leading zeros);"
                        + " with -G alone: stop after FILECOUNT files.").build());
        spec.addOption(OptionSpec.builder("-c").paramLabel("COUNT").type(Long.class)
                .description("Exit after COUNT packets.").build());
        spec.addOption(OptionSpec.builder("-n").arity("0").type(boolean[].class)
                .description("Don't convert addresses to names (Weir never does: -n and -nn are accepted).").build());
        PrintFlags.addTo(spec);
        spec.addOption(OptionSpec.builder("--count").arity("0").type(boolean.class)
                .description("Print only the number of matching packets.").build());
        spec.addOption(OptionSpec.builder("-F").paramLabel("FILE").type(String.class)
                .description("Read the filter expression from FILE ('#' starts a comment; arguments are then"
                        + " ignored).").build());
        spec.addOption(OptionSpec.builder("-d").arity("0").type(boolean[].class)
                .description("Print the compiled program as a listing and exit (-dd: as a C array, -ddd: as"
                        + " decimal numbers).").build());
        spec.addOption(OptionSpec.builder("-dd").arity("0").type(boolean.class).hidden(true).build());
        spec.addOption(OptionSpec.builder("-ddd").arity("0").type(boolean.class).hidden(true).build());
        spec.addOption(OptionSpec.builder("-y").paramLabel("LINKTYPE").type(String.class)
                .description("Link type for -d without -r: a libpcap name (EN10MB, LINUX_SLL2, IEEE802_11_RADIO..."
                        + " see --list-linktypes) or a number.").build());
        spec.addOption(OptionSpec.builder("--list-linktypes").arity("0").type(boolean.class)
                .description("List the link types Weir filters on, with their numbers, and exit.").build());
        spec.addOption(OptionSpec.builder("-s").paramLabel("SNAPLEN").type(String.class)
                .description("Snapshot length: the value -d's program returns for matches (0: 262144).").build());
        spec.addOption(OptionSpec.builder("--engine").paramLabel("ENGINE").type(String.class)
                .description("What runs the filter: auto (the JIT, default), jit, interpreter (eBPF) or"
                        + " classic.").build());
        spec.addOption(OptionSpec.builder("--ip6-transport").arity("0").type(boolean.class)
                .description("Extension: tcp[], udp[], sctp[] and icmp6[] index the transport header of IPv6"
                        + " packets too, after extension headers (libpcap: IPv4 only).").build());
        spec.addOption(OptionSpec.builder("--vlan-any").arity("0").type(boolean.class)
                .description("Extension: on Ethernet, the filter matches with or without 1 or 2 VLAN tags.")
                .build());
        spec.addOption(OptionSpec.builder("--defs").paramLabel("FILE").type(String.class)
                .description("Extension: named filters, lines 'define NAME EXPRESSION', used as $NAME.").build());
        LiveFlags.addOptions(spec);
        spec.addOption(OptionSpec.builder("-h", "--help").arity("0").type(boolean.class).usageHelp(true)
                .description("Show this help and exit.").build());
        spec.addOption(OptionSpec.builder("--version").arity("0").type(boolean.class).versionHelp(true)
                .description("Print version information and exit.").build());
        spec.addPositional(PositionalParamSpec.builder().paramLabel("EXPRESSION").arity("0..*").type(String[].class)
                .description("Filter expression, e.g. tcp port 80 (all packets when absent).").build());
        return spec;
    }

    /** The headings of --help and their options, in tcpdump's manual's order within each. */
    static final java.util.Map<String, List<String>> HELP_GROUPS = helpGroups();

    private static java.util.Map<String, List<String>> helpGroups() {
        java.util.Map<String, List<String>> g = new java.util.LinkedHashMap<>();
        g.put("Reading and capturing:", List.of("-r", "-i", "-D", "-c", "-p", "-s", "-B", "--immediate-mode", "-Q",
                "--time-stamp-precision"));
        g.put("Writing capture files:", List.of("-w", "--pcapng", "-C", "-G", "-W", "-U"));
        g.put("Printing packets:", List.of("-n", "-e", "-q", "-t", "-v", "-S", "-x", "-X", "-A", "-l", "--json",
                "--count"));
        g.put("The filter program:", List.of("-F", "-d", "-y", "--list-linktypes", "--engine", "--ip6-transport",
                "--vlan-any", "--defs"));
        return g;
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
        if (args.length == 1 && args[0].equals("--list-linktypes")) {
            return LinkTypeList.print(out);
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
    static final java.util.Set<String> SUBCOMMANDS = java.util.Set.of("run", "verify", "compile", "flows",
            "completion", "index");

    private static int subcommand(String name, String[] rest, PrintStream out, PrintStream err) {
        try {
            switch (name) {
                case "run": return RunCommand.run(rest, out, err);
                case "compile": return CompileCommand.run(rest, out, err);
                case "flows": return FlowsCommand.run(rest, out, err);
                case "completion": return CommandTree.completion(rest, out, err);
                case "index": return IndexCommand.run(rest, out, err);
                default: return VerifyCommand.run(rest, out, err);
            }
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
        boolean[] d = pr.matchedOptionValue("-d", new boolean[0]);
        cmd.dumpLevel = d.length + (pr.hasMatchedOption("-dd") ? 2 : 0) + (pr.hasMatchedOption("-ddd") ? 3 : 0);
        cmd.linkName = pr.matchedOptionValue("-y", null);
        String s = pr.matchedOptionValue("-s", null);
        if (s != null) {
            cmd.snaplen = parseSnaplen(s);
            if (cmd.snaplen == null) {
                throw new CommandLine.ParameterException(pr.commandSpec().commandLine(), "invalid snaplen " + s);
            }
        }
        cmd.filterFile = pr.matchedOptionValue("-F", null);
        cmd.engine = pr.matchedOptionValue("--engine", null);
        cmd.ip6Transport = pr.hasMatchedOption("--ip6-transport");
        cmd.vlanAny = pr.hasMatchedOption("--vlan-any");
        cmd.defsFile = pr.matchedOptionValue("--defs", null);
        cmd.rotateSize = pr.matchedOptionValue("-C", null);
        cmd.rotateSeconds = pr.matchedOptionValue("-G", null);
        cmd.rotateFiles = pr.matchedOptionValue("-W", null);
        cmd.pcapngOut = pr.hasMatchedOption("--pcapng");
        PrintFlags.fromPicocli(pr, cmd.print);
        LiveFlags.fromPicocli(pr, cmd.live);
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
                case "-d":
                    cmd.dumpLevel += 1;
                    break;
                case "-dd":
                    cmd.dumpLevel += 2;
                    break;
                case "-ddd":
                    cmd.dumpLevel += 3;
                    break;
                case "-y":
                case "-s":
                case "-F":
                case "--engine": {
                    if (i + 1 >= args.length || args[i + 1].startsWith("-")) {
                        return null;
                    }
                    String v = args[++i];
                    if (a.equals("-y")) {
                        if (cmd.linkName != null) {
                            return null;
                        }
                        cmd.linkName = v;
                    } else if (a.equals("-s")) {
                        if (cmd.snaplen != null || parseSnaplen(v) == null) {
                            return null;
                        }
                        cmd.snaplen = parseSnaplen(v);
                    } else if (a.equals("-F")) {
                        if (cmd.filterFile != null) {
                            return null;
                        }
                        cmd.filterFile = v;
                    } else {
                        if (cmd.engine != null) {
                            return null;
                        }
                        cmd.engine = v;
                    }
                    break;
                }
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
                case "-nn":
                    if (n) {
                        return null;
                    }
                    n = true;
                    cmd.numeric = true;
                    break;
                case "--time-stamp-precision":
                    if (i + 1 >= args.length || !PrintFlags.precision(args[i + 1], cmd.print)) {
                        return null;
                    }
                    i++;
                    break;
                case "--count":
                    if (cmd.countOnly) {
                        return null;
                    }
                    cmd.countOnly = true;
                    break;
                default:
                    if (PrintFlags.quick(a, cmd.print)) {
                        break;
                    }
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
                && countOnly == c.countOnly && dumpLevel == c.dumpLevel
                && java.util.Objects.equals(linkName, c.linkName) && java.util.Objects.equals(snaplen, c.snaplen)
                && java.util.Objects.equals(filterFile, c.filterFile) && java.util.Objects.equals(engine, c.engine)
                && java.util.Objects.equals(rotateSize, c.rotateSize)
                && java.util.Objects.equals(rotateSeconds, c.rotateSeconds)
                && java.util.Objects.equals(rotateFiles, c.rotateFiles) && pcapngOut == c.pcapngOut
                && expression.equals(c.expression) && PrintFlags.key(print).equals(PrintFlags.key(c.print));
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(readFile, writeFile, maxPackets, numeric, countOnly, dumpLevel, linkName,
                snaplen, filterFile, engine, expression);
    }

    @Override
    public String toString() {
        return "WeirCommand[r=" + readFile + ", w=" + writeFile + ", c=" + maxPackets + ", n=" + numeric
                + ", count=" + countOnly + ", d=" + dumpLevel + ", y=" + linkName + ", s=" + snaplen + ", F="
                + filterFile + ", engine=" + engine + ", expression=" + expression + ", print=" + PrintFlags.key(print)
                + "]";
    }

    private static String oneLine(String s) {
        return s == null ? "error" : s.replace('\n', ' ').trim();
    }

    /** tcpdump's {@code -s} value: a decimal number from 0 to 2^31-1, or {@code null} if it is not one. */
    static Integer parseSnaplen(String v) {
        if (!digits(v) || v.length() > 10) {
            return null;
        }
        long n = Long.parseLong(v);
        return n > Integer.MAX_VALUE ? null : (int) n;
    }

    /**
     * The filter expression as tcpdump builds it: the contents of {@code -F FILE} (with {@code #} comments blanked
     * out to the end of their line; the words are then ignored, as tcpdump ignores them), else the words joined
     * with spaces; {@code null} when there is neither.
     */
    static String expression(String filterFile, List<String> words) throws IOException {
        if (filterFile != null) {
            char[] text = Files.readString(Path.of(filterFile), StandardCharsets.UTF_8).toCharArray();
            for (int i = 0; i < text.length; i++) {
                if (text[i] == '#') {
                    while (i < text.length && text[i] != '\n') {
                        text[i++] = ' ';
                    }
                }
            }
            return new String(text);
        }
        return words.isEmpty() ? null : String.join(" ", words);
    }

    private int run(PrintStream out, PrintStream err, ZoneId zone) {
        String expr;
        try {
            expr = expression(filterFile, expression);
        } catch (IOException e) {
            err.println("weir: " + OfflineRun.ioMessage(filterFile, e));
            return 1;
        }
        ExtensionFlags flags;
        try {
            flags = ExtensionFlags.of(ip6Transport, vlanAny, defsFile);
        } catch (IOException e) {
            err.println("weir: " + OfflineRun.ioMessage(defsFile, e));
            return 1;
        } catch (io.weir.compiler.FilterSyntaxException e) {
            err.println(e.render());
            return 1;
        }
        if (live.listInterfaces) {
            return LiveRun.listInterfaces(out, err);
        }
        if (dumpLevel > 0) {
            return CompileCommand.dump(expr == null ? "" : expr, flags, Math.min(dumpLevel, 3), readFile, linkName,
                    snaplen, out, err);
        }
        if (maxPackets != null && maxPackets <= 0) {
            err.println("weir: invalid packet count " + maxPackets);
            return 1;
        }
        FilterFactory.Choice choice;
        try {
            choice = engine == null ? FilterFactory.Choice.AUTO : FilterFactory.Choice.of(engine);
        } catch (IllegalArgumentException e) {
            err.println("weir: " + e.getMessage());
            return 1;
        }
        long limit = maxPackets == null ? Long.MAX_VALUE : maxPackets;
        Rotation rotation;
        try {
            rotation = writeFile == null ? Rotation.NONE : Rotation.of(rotateSize, rotateSeconds, rotateFiles);
        } catch (IllegalArgumentException e) {
            err.println("weir: " + e.getMessage());
            return 1;
        }
        if (rotation.active() && "-".equals(writeFile)) {
            err.println("weir: -C and -G rotate files: they need -w FILE, not the standard output");
            return 1;
        }
        print.zone = zone;
        if (readFile == null) {
            // No -r: capture live, on -i's interface or, as tcpdump does, on the first one libpcap lists.
            return LiveRun.capture(live, snaplen, new LiveRun.Output(writeFile, pcapngOut, rotation), limit, countOnly,
                    print, expr, flags, choice, out, err, zone);
        }
        return new OfflineRun(readFile, writeFile, limit, countOnly, new PacketSelector(expr, flags, choice))
                .printing(print).writing(pcapngOut, rotation, null).run(out, err, zone);
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
